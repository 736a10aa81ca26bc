// Height–diameter models against an independent fit, Chave's E curve and a regional Weibull curve.
#include <bluecarbon/science/survey/height_model.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace bluecarbon::science::survey;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("Log-log quadratic height model matches the normal equations solved independently", "[survey][height]") {
    // Seven measured trees. Reference fit: numpy 1.24 (/usr/bin/python3), by building X = [1, ln D, (ln D)²],
    // forming the normal equations XᵀX b = Xᵀ ln H and solving them with numpy.linalg.solve:
    //   XᵀX = [[7, 18.497641785, 51.326381529], [18.497641785, 51.326381529, 147.945632894],
    //          [51.326381529, 147.945632894, 439.031354474]],  Xᵀy = [15.146004547, 41.704370068, 119.452393213]
    //   b = (−0.2168103346070928, 1.1632553389185203, −0.09456742381667513)
    //   RSS = 0.0017802403933772054, RSE = sqrt(RSS / (7 − 3)) = 0.021096447529010694
    //   D = 18: median exp(b0 + b1 ln 18 + b2 (ln 18)²) = 10.542242147302323 m,
    //           mean = median × exp(RSE²/2) = 10.544588374009038 m
    const std::vector<double> D{5, 8, 12, 15, 20, 25, 30};
    const std::vector<double> H{4.1, 6.0, 8.2, 9.1, 11.5, 12.8, 14.0};
    const auto fit = fit_log_quadratic(D, H);
    REQUIRE(fit);
    CHECK(fit->n == 7);
    CHECK_THAT(fit->b0, WithinAbs(-0.2168103346070928, 1e-10));
    CHECK_THAT(fit->b1, WithinAbs(1.1632553389185203, 1e-10));
    CHECK_THAT(fit->b2, WithinAbs(-0.09456742381667513, 1e-10));
    CHECK_THAT(fit->rse, WithinRel(0.021096447529010694, 1e-8));
    CHECK_THAT(fit->median_m(18.0), WithinRel(10.542242147302323, 1e-10));
    CHECK_THAT(fit->predict_m(18.0), WithinRel(10.544588374009038, 1e-10));
    // Outside the fitted range it still predicts (numpy: 16.24302091506468 m at D = 40).
    CHECK_THAT(fit->predict_m(40.0), WithinRel(16.24302091506468, 1e-9));
    CHECK(fit->dbh_min_cm == 5.0);
    CHECK(fit->dbh_max_cm == 30.0);
}

TEST_CASE("Height model: too few or degenerate trees give no fit - bad pairs are ignored", "[survey][height]") {
    CHECK_FALSE(fit_log_quadratic(std::vector<double>{5, 8, 12}, std::vector<double>{4, 6, 8}));
    // Four trees but only two distinct diameters: three coefficients cannot be separated.
    CHECK_FALSE(fit_log_quadratic(std::vector<double>{5, 5, 8, 8}, std::vector<double>{4, 4.2, 6, 6.1}));
    // A zero height and a NaN diameter are dropped; the other seven refit exactly as above.
    const std::vector<double> D{5, 8, 12, 15, 20, 25, 30, 10, std::nan("")};
    const std::vector<double> H{4.1, 6.0, 8.2, 9.1, 11.5, 12.8, 14.0, 0.0, 5.0};
    const auto fit = fit_log_quadratic(D, H);
    REQUIRE(fit);
    CHECK(fit->n == 7);
    CHECK_THAT(fit->b1, WithinAbs(1.1632553389185203, 1e-10));
}

TEST_CASE("Chave 2014 E-based height curve and a Weibull regional curve", "[survey][height]") {
    // ln H = 0.893 − E + 0.760 ln D − 0.0340 (ln D)², D = 20, E = 0.2:
    // ln 20 = 2.995732274; 0.893 − 0.2 + 2.276756528 − 0.305130349 = 2.664626179; + 0.243²/2 = 0.0295245
    // → exp(2.694150679) = 14.792955 m.
    CHECK_THAT(chave_e_height_m(20.0, 0.2), WithinRel(14.792954569691213, 1e-12));
    // H = 50 (1 − exp(−0.05 × 20^0.8)); 20^0.8 = 10.985605; exp(−0.549280) = 0.577365 → 21.131740 m.
    const WeibullHeightCurve w{"test", 50.0, 0.05, 0.8, 0.2, "made up"};
    CHECK_THAT(w.predict_m(20.0), WithinRel(21.13173965088986, 1e-12));

    HeightModel m;
    CHECK_FALSE(m.available());
    CHECK(std::isnan(m.predict_m(10.0)));
    m.source = HeightSource::chave_e;
    m.chave_e = 0.2;
    CHECK(m.predict_m(20.0) == chave_e_height_m(20.0, 0.2));
    CHECK(m.rse() == k_chave_e_height_rse);
    m = HeightModel{HeightSource::regional, nullptr, &w};
    CHECK(m.predict_m(20.0) == w.predict_m(20.0));
    CHECK(m.rse() == 0.2);
    CHECK(height_source_name(HeightSource::site_model) == "site_model");
}
