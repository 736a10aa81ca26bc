// Biomass model calibration: recovering known coefficients from synthetic plots, and a leave-one-out
// cross-validation checked against numpy.
#include <bluecarbon/error.hpp>
#include <bluecarbon/science/survey/calibration.hpp>
#include <bluecarbon/science/survey/monte_carlo.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::science::survey;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("Calibration recovers known log-linear coefficients from synthetic plots", "[survey][calibration]") {
    // 30 synthetic plots: NDVI and MVI spread over plausible ranges, AGB = exp(1.5 + 3.0 ndvi − 0.05 mvi).
    const std::vector<std::string> names{"ndvi", "mvi"};
    std::vector<CalibrationSample> exact, noisy;
    for (int i = 0; i < 30; ++i) {
        const double ndvi = 0.2 + 0.6 * ((i * 7) % 30) / 29.0;
        const double mvi = 4.5 + 12.0 * ((i * 11) % 30) / 29.0;
        const double eta = 1.5 + 3.0 * ndvi - 0.05 * mvi;
        exact.push_back({"p" + std::to_string(i), std::exp(eta), {ndvi, mvi}});
        // ln-scale noise with σ = 0.1 from the project's own generator (deterministic).
        const double z = CounterRng(3, stream_key("test", "noise"), static_cast<std::uint32_t>(i)).normal(0, 0);
        noisy.push_back({"p" + std::to_string(i), std::exp(eta + 0.1 * z), {ndvi, mvi}});
    }
    const auto fit = calibrate_biomass_model(exact, names);
    CHECK(fit.form == ModelForm::log);
    CHECK(fit.n == 30);
    CHECK(fit.folds == 5);
    CHECK_THAT(fit.intercept, WithinAbs(1.5, 1e-9));
    CHECK_THAT(fit.coefficients[0], WithinAbs(3.0, 1e-9));
    CHECK_THAT(fit.coefficients[1], WithinAbs(-0.05, 1e-10));
    CHECK_THAT(fit.residual_sigma, WithinAbs(0.0, 1e-9));
    CHECK_THAT(fit.cv_rmse_t_dm_per_ha, WithinAbs(0.0, 1e-7));
    CHECK_THAT(fit.fit_r2, WithinAbs(1.0, 1e-12));
    // The prediction is exp(eta) when σ = 0: NDVI 0.5, MVI 10 → exp(1.5 + 1.5 − 0.5) = exp(2.5).
    const std::vector<double> x{0.5, 10.0};
    CHECK_THAT(fit.predict_t_dm_per_ha(x), WithinRel(std::exp(2.5), 1e-9));

    const auto nf = calibrate_biomass_model(noisy, names);
    // With σ = 0.1 noise the coefficients stay close (standard errors ≈ 0.07 for ndvi, 0.003 for mvi).
    CHECK_THAT(nf.coefficients[0], WithinAbs(3.0, 0.3));
    CHECK_THAT(nf.coefficients[1], WithinAbs(-0.05, 0.015));
    CHECK_THAT(nf.residual_sigma, WithinAbs(0.1, 0.04));
    CHECK(nf.cv_rmse_t_dm_per_ha > 0.0);
    CHECK(nf.cv_r2 > 0.8);
    // The back-transform carries the ½σ² correction.
    CHECK_THAT(nf.predict_t_dm_per_ha(x),
               WithinRel(std::exp(nf.linear_predictor(x) + 0.5 * nf.residual_sigma * nf.residual_sigma), 1e-14));

    // Folds depend on the plot ids, not on the row order.
    std::vector<CalibrationSample> reversed(noisy.rbegin(), noisy.rend());
    const auto rf = calibrate_biomass_model(reversed, names);
    CHECK_THAT(rf.cv_rmse_t_dm_per_ha, WithinRel(nf.cv_rmse_t_dm_per_ha, 1e-12));
}

TEST_CASE("Calibration: linear form and leave-one-out CV against numpy", "[survey][calibration]") {
    // x = 0..4, y = 1, 3.2, 4.9, 7.1, 9.0. numpy.linalg.lstsq: b = (1.06, 1.99), RSE 0.130384048;
    // leave-one-out predictions 1.15, 2.985714, 5.075, 7.0, 9.05 → RMSE 0.149360883, R² 0.997186942,
    // bias 0.012142857.
    const std::vector<std::string> names{"x"};
    std::vector<CalibrationSample> s;
    const double y[] = {1, 3.2, 4.9, 7.1, 9.0};
    for (int i = 0; i < 5; ++i) s.push_back({"p" + std::to_string(i), y[i], {static_cast<double>(i)}});
    CalibrationOptions opt;
    opt.form = ModelForm::linear;
    opt.folds = 5;
    const auto fit = calibrate_biomass_model(s, names, opt);
    CHECK_THAT(fit.intercept, WithinRel(1.06, 1e-12));
    CHECK_THAT(fit.coefficients[0], WithinRel(1.99, 1e-12));
    CHECK_THAT(fit.residual_sigma, WithinRel(0.13038404810405285, 1e-10));
    CHECK_THAT(fit.cv_rmse_t_dm_per_ha, WithinRel(0.14936088333090267, 1e-10));
    CHECK_THAT(fit.cv_r2, WithinRel(0.9971869422135847, 1e-12));
    CHECK_THAT(fit.cv_bias_t_dm_per_ha, WithinRel(0.012142857142856522, 1e-9));
    // Negative predictions are 0 in the linear form.
    const std::vector<double> neg{-5.0};
    CHECK(fit.predict_t_dm_per_ha(neg) == 0.0);
}

TEST_CASE("Calibration: too few plots, collinear predictors, zero AGB in the log form", "[survey][calibration]") {
    const std::vector<std::string> two{"ndvi", "mvi"};
    std::vector<CalibrationSample> s;
    for (int i = 0; i < 4; ++i) s.push_back({"p" + std::to_string(i), 10.0 + i, {0.1 * i, 1.0 * i}});
    CHECK_THROWS_WITH(calibrate_biomass_model(s, two), Catch::Matchers::Contains("at least 5 are needed"));
    s.push_back({"p4", 14.0, {0.4, 4.0}});
    s.push_back({"p5", 15.0, {0.5, 5.0}});
    // mvi = 10 × ndvi exactly: collinear.
    CHECK_THROWS_WITH(calibrate_biomass_model(s, two), Catch::Matchers::Contains("collinear"));
    const std::vector<std::string> one{"ndvi"};
    std::vector<CalibrationSample> z;
    for (int i = 0; i < 6; ++i) z.push_back({"p" + std::to_string(i), i == 0 ? 0.0 : 5.0 + i, {0.1 * i}});
    const auto fit = calibrate_biomass_model(z, one);
    CHECK(fit.n == 5);
    REQUIRE(fit.excluded.size() == 1);
    CHECK(fit.excluded[0] == "p0");
    z[1].predictors[0] = std::nan("");
    CHECK_THROWS_AS(calibrate_biomass_model(z, one), InputError);
}
