// InVEST Carbon storage per pixel and its valuation constant, by hand.
#include <bluecarbon/accounting/carbon_storage.hpp>

#include <catch2/catch.hpp>

using namespace bluecarbon;
using namespace bluecarbon::accounting;

TEST_CASE("carbon storage sums the four pools of the class", "[carbon]") {
    const CarbonStorageModel model({{1, 40, 20, 300, 5}, {2, 0, 0, 50, 0}});
    const auto p = model.pixel(1, "lulc_bas_path");
    CHECK(p.above == 40.0);
    CHECK(p.dead == 5.0);
    CHECK(p.total == 365.0);  // 40 + 20 + 300 + 5
    CHECK(model.pixel(2, "x").total == 50.0);
    CHECK_THROWS_WITH(model.pixel(7, "lulc_alt_path"),
                      "lulc_alt_path: landcover code 7 is not in the carbon pools table's lucode column");
    CHECK_THROWS_AS(CarbonStorageModel({{1, 0, 0, 0, 0}, {1, 1, 1, 1, 1}}), ConfigError);
}

TEST_CASE("InVEST Carbon valuation constant for two rate pairs", "[carbon][valuation]") {
    // K = price / n x sum_{k=0}^{n-1} 1 / ((1 + d)(1 + r))^k
    // d = 10 %, r = 0, n = 2, price 10: 10 / 2 x (1 + 1/1.1) = 9.5454545...
    CHECK(invest_carbon_valuation_constant(10.0, 2020, 2022, 0.10, 0.0) == Approx(5.0 * (1.0 + 1.0 / 1.1)).epsilon(1e-14));
    CHECK(invest_carbon_valuation_constant(10.0, 2020, 2022, 0.10, 0.0) == Approx(9.545454545454545));
    // d = 5 %, r = 2 %, n = 3, price 43: q = 1 / (1.05 x 1.02) = 1 / 1.071;
    // 43 / 3 x (1 + q + q^2) = 14.3333 x (1 + 0.9337068 + 0.8718084) = 40.2124...
    const double q = 1.0 / 1.071;
    CHECK(invest_carbon_valuation_constant(43.0, 2000, 2003, 0.05, 0.02) ==
          Approx(43.0 / 3.0 * (1.0 + q + q * q)).epsilon(1e-14));
    CHECK(invest_carbon_valuation_constant(43.0, 2000, 2003, 0.05, 0.02) == Approx(40.212385).epsilon(1e-6));
    // InVEST folds the sum into (1 - q^n) / (1 - q): same value.
    CHECK(invest_carbon_valuation_constant(43.0, 2000, 2003, 0.05, 0.02) ==
          Approx(43.0 / 3.0 * (1.0 - q * q * q) / (1.0 - q)).epsilon(1e-12));
    // Both rates 0: K = price.
    CHECK(invest_carbon_valuation_constant(43.0, 2000, 2030, 0.0, 0.0) == Approx(43.0).epsilon(1e-15));
    CHECK_THROWS_AS(invest_carbon_valuation_constant(43.0, 2030, 2030, 0.0, 0.0), ConfigError);
}
