// The σ of a pixel whose AGB comes from the calibrated biomass model, worked by hand from a small Tier-1 table
// with round σ values (each interval is value ± z·σ, z = 1.959963984540054, so the table's σ = width / 2z is
// the round number).
#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/survey/calibration.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include "science/pool_index.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

using namespace bluecarbon::science;
using bluecarbon::test::AGB;
using bluecarbon::test::BGB;
using bluecarbon::test::DEAD;
using bluecarbon::test::SOC;
using bluecarbon::test::TOTAL;

namespace {

// Mangrove, subtropical, mineral soil:
//   AGB 100 t d.m./ha σ 10, CF 0.5 σ 0.02, R:S 0.5 σ 0.1, dead wood 10 σ 2, litter 1 σ 0, SOC 200 σ 30.
const char* k_table = R"(# version: test-1
parameter,value,habitat,climate_zone,soil,unit,ci95_low,ci95_high,source,notes
agb_t_dm_per_ha,100,mangrove,subtropical,*,t d.m./ha,80.40036015459947,119.59963984540053,test,
carbon_fraction,0.5,mangrove,*,*,t C/t d.m.,0.46080072030919894,0.5391992796908011,test,
root_shoot_ratio,0.5,mangrove,subtropical,*,ratio,0.3040036015459946,0.6959963984540054,test,
dead_wood_mg_c_per_ha,10,mangrove,*,*,Mg C/ha,6.080072030919892,13.919927969080108,test,
litter_mg_c_per_ha,1,mangrove,*,*,Mg C/ha,1,1,test,
soc_1m_mg_c_per_ha,200,mangrove,*,mineral,Mg C/ha,141.20108046379838,258.79891953620165,test,
)";

survey::BiomassModelFit model(double cv_rmse) {
    survey::BiomassModelFit m;
    m.form = survey::ModelForm::linear;
    m.predictors = {"ndvi"};
    m.intercept = 0.0;
    m.coefficients = {100.0}; // AGB = 100 x NDVI t d.m./ha
    m.residual_sigma = 5.0;
    m.cv_rmse_t_dm_per_ha = cv_rmse;
    m.habitats = {Habitat::mangrove};
    return m;
}
} // namespace

TEST_CASE("a model pixel's pool densities and σ by hand", "[pools][model]") {
    const auto table = Tier1Table::parse(k_table, "test.csv");
    const std::array<Habitat, 1> hs{Habitat::mangrove};
    const auto m = model(20.0);
    const PoolModel pools(table, ClimateZone::subtropical, SoilType::mineral, hs, &m);
    std::array<double, 5> d{}, s{};
    // NDVI 0.8 -> AGB_dm = 80 t d.m./ha; its σ is the model's CV RMSE, 20 (above the Tier-1 σ of 10).
    pools.model_pixel(Habitat::mangrove, 80.0, d, s);
    // AGB = 80 x 0.5 = 40; var = 80² 0.02² + 0.5² 20² + 20² 0.02² = 2.56 + 100 + 0.16 = 102.72.
    CHECK(d[AGB] == Approx(40.0).epsilon(1e-12));
    CHECK(s[AGB] == Approx(std::sqrt(102.72)).epsilon(1e-9));
    // BGB = 40 x 0.5 = 20; var = 40² 0.1² + 0.5² 102.72 + 102.72 x 0.1² = 16 + 25.68 + 1.0272 = 42.7072.
    CHECK(d[BGB] == Approx(20.0).epsilon(1e-12));
    CHECK(s[BGB] == Approx(std::sqrt(42.7072)).epsilon(1e-9));
    // Dead = 10 + 1 = 11, σ = hypot(2, 0) = 2; SOC 200, σ 30.
    CHECK(d[DEAD] == Approx(11.0).epsilon(1e-12));
    CHECK(s[DEAD] == Approx(2.0).epsilon(1e-9));
    CHECK(d[SOC] == Approx(200.0).epsilon(1e-12));
    CHECK(s[SOC] == Approx(30.0).epsilon(1e-9));
    // Total 40 + 20 + 11 + 200 = 271; AGB and BGB covary (BGB = AGB x R): cov = 0.5 x 102.72 = 51.36, so
    // var = 102.72 + 42.7072 + 2 x 51.36 + 2² + 30² = 1152.1472, σ = 33.943294.
    CHECK(d[TOTAL] == Approx(271.0).epsilon(1e-12));
    CHECK(s[TOTAL] == Approx(33.94329388848407).epsilon(1e-9));

    // The same pixel through compute(): the uncertainty raster holds z90 σ = 1.6448536 x 33.943294 = 55.832.
    const std::vector<std::uint8_t> codes{5};
    const std::vector<float> ndvi{0.8F};
    const std::vector<std::uint8_t> ok{1};
    const std::array<std::span<const float>, 1> pv{std::span<const float>(ndvi)};
    const std::array<std::span<const std::uint8_t>, 1> pk{std::span<const std::uint8_t>(ok)};
    std::vector<std::vector<float>> out(5, std::vector<float>(1));
    std::vector<float> unc(1);
    std::vector<std::uint8_t> valid(1);
    PoolSpans ps;
    for (std::size_t k = 0; k < 5; ++k)
        ps.density[k] = out[k];
    ps.uncertainty_90 = unc;
    ps.valid = valid;
    pools.compute(codes, 1, pv, pk, ps);
    // NDVI 0.8F is 0.800000011920929: AGB_dm 80.0000012, so float tolerance.
    CHECK(out[TOTAL][0] == Approx(271.0).epsilon(1e-6));
    CHECK(unc[0] == Approx(1.6448536269514722 * 33.94329388848407).epsilon(1e-6));
}

TEST_CASE("a model whose error is below the Tier-1 σ does not lower the pixel's σ", "[pools][model]") {
    const auto table = Tier1Table::parse(k_table, "test.csv");
    const std::array<Habitat, 1> hs{Habitat::mangrove};
    const auto m = model(4.0); // CV RMSE 4 < the Tier-1 AGB σ of 10
    const PoolModel pools(table, ClimateZone::subtropical, SoilType::mineral, hs, &m);
    std::array<double, 5> d{}, s{};
    pools.model_pixel(Habitat::mangrove, 80.0, d, s);
    // σ_dm = max(4, 10) = 10: var(AGB) = 80² 0.02² + 0.5² 10² + 10² 0.02² = 2.56 + 25 + 0.04 = 27.6.
    CHECK(s[AGB] == Approx(std::sqrt(27.6)).epsilon(1e-9));
}
