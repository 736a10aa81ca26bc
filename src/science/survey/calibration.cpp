#include <bluecarbon/science/survey/calibration.hpp>

#include <bluecarbon/error.hpp>
#include <bluecarbon/science/survey/monte_carlo.hpp>

#include "science/survey/least_squares.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>

namespace bluecarbon::science::survey {

namespace {

struct Prepared {
    std::vector<double> design;  // row-major n × p, first column 1
    std::vector<double> y;       // response (ln AGB or AGB)
    std::vector<double> agb;     // t d.m./ha
    std::vector<std::size_t> source;
};

std::optional<detail::OlsFit> fit_rows(const Prepared& d, std::size_t p, const std::vector<std::size_t>& rows) {
    std::vector<double> X;
    std::vector<double> y;
    X.reserve(rows.size() * p);
    for (std::size_t r : rows) {
        X.insert(X.end(), d.design.begin() + static_cast<std::ptrdiff_t>(r * p),
                 d.design.begin() + static_cast<std::ptrdiff_t>((r + 1) * p));
        y.push_back(d.y[r]);
    }
    return detail::ols(X, y, p);
}

double back_transform(ModelForm form, double eta, double sigma) {
    if (form == ModelForm::log) return std::exp(eta + 0.5 * sigma * sigma);
    return std::max(eta, 0.0);
}

}  // namespace

std::string_view model_form_name(ModelForm form) noexcept { return form == ModelForm::log ? "log" : "linear"; }

double BiomassModelFit::linear_predictor(std::span<const double> x) const {
    if (x.size() != coefficients.size())
        throw std::invalid_argument("biomass model: " + std::to_string(coefficients.size()) + " predictors expected, " +
                                    std::to_string(x.size()) + " given");
    double eta = intercept;
    for (std::size_t j = 0; j < x.size(); ++j) eta += coefficients[j] * x[j];
    return eta;
}

double BiomassModelFit::predict_t_dm_per_ha(std::span<const double> x) const {
    return back_transform(form, linear_predictor(x), residual_sigma);
}

bool BiomassModelFit::applies_to(Habitat h) const noexcept {
    return std::find(habitats.begin(), habitats.end(), h) != habitats.end();
}

void BiomassModelFit::validate() const {
    if (predictors.empty()) throw std::invalid_argument("biomass model: no predictors");
    if (predictors.size() != coefficients.size())
        throw std::invalid_argument("biomass model: " + std::to_string(predictors.size()) + " predictors but " +
                                    std::to_string(coefficients.size()) + " coefficients");
    for (double c : coefficients)
        if (!std::isfinite(c)) throw std::invalid_argument("biomass model: a coefficient is not finite");
    if (!std::isfinite(intercept)) throw std::invalid_argument("biomass model: the intercept is not finite");
    if (!(residual_sigma >= 0) || !std::isfinite(residual_sigma))
        throw std::invalid_argument("biomass model: residual_sigma must be a non-negative number");
    if (!(cv_rmse_t_dm_per_ha >= 0) || !std::isfinite(cv_rmse_t_dm_per_ha))
        throw std::invalid_argument("biomass model: cv_rmse must be a non-negative number");
    if (habitats.empty()) throw std::invalid_argument("biomass model: no habitats");
}

BiomassModelFit calibrate_biomass_model(std::span<const CalibrationSample> samples,
                                        std::span<const std::string> predictor_names,
                                        const CalibrationOptions& options) {
    const std::size_t q = predictor_names.size();
    const std::size_t p = q + 1;
    BiomassModelFit fit;
    fit.form = options.form;
    fit.predictors.assign(predictor_names.begin(), predictor_names.end());

    Prepared d;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        if (s.predictors.size() != q)
            throw std::invalid_argument("calibration: plot '" + s.plot_id + "' has the wrong number of predictors");
        for (std::size_t j = 0; j < q; ++j)
            if (!std::isfinite(s.predictors[j]))
                throw InputError("calibration: plot '" + s.plot_id + "': predictor " + predictor_names[j] +
                                 " has no valid value");
        if (!std::isfinite(s.agb_t_dm_per_ha) || (options.form == ModelForm::log && s.agb_t_dm_per_ha <= 0.0)) {
            fit.excluded.push_back(s.plot_id);
            continue;
        }
        d.design.push_back(1.0);
        d.design.insert(d.design.end(), s.predictors.begin(), s.predictors.end());
        d.y.push_back(options.form == ModelForm::log ? std::log(s.agb_t_dm_per_ha) : s.agb_t_dm_per_ha);
        d.agb.push_back(s.agb_t_dm_per_ha);
        d.source.push_back(i);
    }
    const std::size_t n = d.y.size();
    if (n < p + 2)
        throw InputError("calibration: " + std::to_string(n) + " usable plots for " + std::to_string(q) +
                         " predictor(s); at least " + std::to_string(p + 2) + " are needed");
    fit.n = n;

    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    const auto full = fit_rows(d, p, all);
    if (!full)
        throw InputError("calibration: the predictors are collinear over the plots (or constant); choose others");
    fit.intercept = full->coefficients[0];
    fit.coefficients.assign(full->coefficients.begin() + 1, full->coefficients.end());
    fit.residual_sigma = full->rse();
    {
        const double mean_y = std::accumulate(d.y.begin(), d.y.end(), 0.0) / static_cast<double>(n);
        double tss = 0;
        for (double v : d.y) tss += (v - mean_y) * (v - mean_y);
        fit.fit_r2 = tss > 0 ? 1.0 - full->rss / tss : std::numeric_limits<double>::quiet_NaN();
    }

    // Folds: plots ordered by a seeded hash of their id, dealt round-robin.
    const std::size_t k = std::clamp<std::size_t>(options.folds, 2, n);
    fit.folds = k;
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t r = 0; r < n; ++r) {
        const auto& id = samples[d.source[r]].plot_id;
        order.emplace_back(CounterRng(options.seed, stream_key("cv", id), 0).uniform(0, 0), r);
    }
    std::sort(order.begin(), order.end());
    std::vector<std::size_t> fold(n);
    for (std::size_t i = 0; i < n; ++i) fold[order[i].second] = i % k;

    fit.cv_predictions.assign(n, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = 0; f < k; ++f) {
        std::vector<std::size_t> train;
        for (std::size_t r = 0; r < n; ++r)
            if (fold[r] != f) train.push_back(r);
        const auto m = fit_rows(d, p, train);
        if (!m)
            throw InputError("calibration: the predictors are collinear within a cross-validation fold; use fewer "
                             "predictors or more plots");
        const double sigma = std::isfinite(m->rse()) ? m->rse() : 0.0;
        for (std::size_t r = 0; r < n; ++r) {
            if (fold[r] != f) continue;
            const std::vector<double> x0(d.design.begin() + static_cast<std::ptrdiff_t>(r * p),
                                         d.design.begin() + static_cast<std::ptrdiff_t>((r + 1) * p));
            fit.cv_predictions[r] = back_transform(options.form, m->predict(x0), sigma);
        }
    }
    double sse = 0, bias = 0;
    const double mean_obs = std::accumulate(d.agb.begin(), d.agb.end(), 0.0) / static_cast<double>(n);
    double tss = 0;
    for (std::size_t r = 0; r < n; ++r) {
        const double e = fit.cv_predictions[r] - d.agb[r];
        sse += e * e;
        bias += e;
        tss += (d.agb[r] - mean_obs) * (d.agb[r] - mean_obs);
    }
    fit.cv_rmse_t_dm_per_ha = std::sqrt(sse / static_cast<double>(n));
    fit.cv_bias_t_dm_per_ha = bias / static_cast<double>(n);
    fit.cv_r2 = tss > 0 ? 1.0 - sse / tss : std::numeric_limits<double>::quiet_NaN();
    return fit;
}

std::optional<std::string> model_skill_problem(const BiomassModelFit& fit) {
    if (std::isfinite(fit.cv_r2) && fit.cv_r2 > 0.0) return std::nullopt;
    if (!std::isfinite(fit.cv_r2))
        return std::string("the model has no cross-validated R² (too few plots?): its skill is unknown");
    return fmt::format("cross-validated R² = {:.3g} ≤ 0: the model predicts plot AGB no better than the plots' mean",
                       fit.cv_r2);
}

}  // namespace bluecarbon::science::survey
