#include <bluecarbon/science/survey/height_model.hpp>

#include "science/survey/least_squares.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace bluecarbon::science::survey {

double LogQuadraticHeightFit::median_m(double dbh_cm) const noexcept {
    const double L = std::log(dbh_cm);
    return std::exp(b0 + b1 * L + b2 * L * L);
}

double LogQuadraticHeightFit::predict_m(double dbh_cm) const noexcept {
    return median_m(dbh_cm) * std::exp(0.5 * rse * rse);
}

std::optional<LogQuadraticHeightFit> fit_log_quadratic(std::span<const double> dbh_cm,
                                                       std::span<const double> height_m) {
    const std::size_t m = std::min(dbh_cm.size(), height_m.size());
    std::vector<double> design;
    std::vector<double> y;
    std::set<double> distinct;
    double dmin = std::numeric_limits<double>::infinity();
    double dmax = -dmin;
    for (std::size_t i = 0; i < m; ++i) {
        const double D = dbh_cm[i];
        const double H = height_m[i];
        if (!std::isfinite(D) || !std::isfinite(H) || D <= 0.0 || H <= 0.0) continue;
        const double L = std::log(D);
        design.insert(design.end(), {1.0, L, L * L});
        y.push_back(std::log(H));
        distinct.insert(D);
        dmin = std::min(dmin, D);
        dmax = std::max(dmax, D);
    }
    if (y.size() < 4 || distinct.size() < 3) return std::nullopt;
    const auto fit = detail::ols(design, y, 3);
    if (!fit) return std::nullopt;
    LogQuadraticHeightFit out;
    out.b0 = fit->coefficients[0];
    out.b1 = fit->coefficients[1];
    out.b2 = fit->coefficients[2];
    out.rse = fit->rse();
    out.n = y.size();
    out.dbh_min_cm = dmin;
    out.dbh_max_cm = dmax;
    return out;
}

double chave_e_height_m(double dbh_cm, double chave_e) noexcept {
    const double L = std::log(dbh_cm);
    const double ln_h = 0.893 - chave_e + 0.760 * L - 0.0340 * L * L;
    return std::exp(ln_h + 0.5 * k_chave_e_height_rse * k_chave_e_height_rse);
}

double WeibullHeightCurve::predict_m(double dbh_cm) const noexcept {
    return a * (1.0 - std::exp(-b * std::pow(dbh_cm, c)));
}

std::string_view height_source_name(HeightSource source) noexcept {
    switch (source) {
    case HeightSource::measured: return "measured";
    case HeightSource::plot_model: return "plot_model";
    case HeightSource::site_model: return "site_model";
    case HeightSource::regional: return "regional";
    case HeightSource::chave_e: return "chave_e";
    case HeightSource::none: return "none";
    }
    return "?";
}

double HeightModel::predict_m(double dbh_cm) const noexcept {
    switch (source) {
    case HeightSource::plot_model:
    case HeightSource::site_model: return fit ? fit->predict_m(dbh_cm) : std::numeric_limits<double>::quiet_NaN();
    case HeightSource::regional: return curve ? curve->predict_m(dbh_cm) : std::numeric_limits<double>::quiet_NaN();
    case HeightSource::chave_e: return chave_e_height_m(dbh_cm, chave_e);
    case HeightSource::measured:
    case HeightSource::none: break;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double HeightModel::rse() const noexcept {
    switch (source) {
    case HeightSource::plot_model:
    case HeightSource::site_model: return fit ? fit->rse : 0.0;
    case HeightSource::regional: return curve ? curve->rse : 0.0;
    case HeightSource::chave_e: return k_chave_e_height_rse;
    case HeightSource::measured:
    case HeightSource::none: break;
    }
    return 0.0;
}

}  // namespace bluecarbon::science::survey
