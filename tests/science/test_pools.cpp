// Tier-1 pools per habitat, by hand from the table's numbers; uncertainty propagation; the shipped table.
#include <bluecarbon/error.hpp>
#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include "science/pool_index.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <span>
#include <vector>
#include <filesystem>
#include <string>
#include <utility>

using namespace bluecarbon;
using namespace bluecarbon::science;
using bluecarbon::test::AGB;
using bluecarbon::test::BGB;
using bluecarbon::test::DEAD;
using bluecarbon::test::SOC;
using bluecarbon::test::TOTAL;

namespace {
Tier1Table shipped() {
    return Tier1Table::load(std::filesystem::path(test::k_data_dir) / "tier1_pools.csv");
}
}  // namespace

TEST_CASE("subtropical mangrove pools from the shipped table, by hand", "[pools]") {
    const auto table = shipped();
    CHECK(table.version() == "2026.1");
    const std::array<Habitat, 1> hs{Habitat::mangrove};
    const PoolModel model(table, ClimateZone::subtropical, SoilType::mineral, hs);
    const auto& m = model.habitat(Habitat::mangrove);
    // AGB 75 t d.m./ha x CF 0.45 = 33.75 Mg C/ha; BGB = AGB x 0.96 (root:shoot, subtropical) = 32.4;
    // dead = 10.7 + 0.7 = 11.4; SOC (mineral soil, WS2013 Table 4.11) = 286.
    CHECK(m.density[AGB] == Approx(33.75).epsilon(1e-12));
    CHECK(m.density[BGB] == Approx(33.75 * 0.96).epsilon(1e-12));
    CHECK(m.density[DEAD] == Approx(11.4).epsilon(1e-12));
    CHECK(m.density[SOC] == Approx(286.0).epsilon(1e-12));
    CHECK(m.density[TOTAL] == Approx(33.75 + 32.4 + 11.4 + 286.0).epsilon(1e-12));
    // σ by hand: AGB_dm 37.5..112.5 -> σ = 75 / 3.919928; CF 0.43..0.47 -> σ = 0.04 / 3.919928;
    // var(AGB) = 75² σcf² + 0.45² σagb² + σagb² σcf².
    const double s_agb = 75.0 / 3.919927969080108, s_cf = 0.04 / 3.919927969080108;
    const double var_agb = 75.0 * 75.0 * s_cf * s_cf + 0.45 * 0.45 * s_agb * s_agb + s_agb * s_agb * s_cf * s_cf;
    CHECK(m.sigma[AGB] == Approx(std::sqrt(var_agb)).epsilon(1e-12));
    const double s_r = 0.96 / 3.919927969080108;
    const double var_bgb = 33.75 * 33.75 * s_r * s_r + 0.96 * 0.96 * var_agb + var_agb * s_r * s_r;
    CHECK(m.sigma[BGB] == Approx(std::sqrt(var_bgb)).epsilon(1e-12));
    const double s_dead = std::hypot(8.3 / 3.919927969080108, 1.3 / 3.919927969080108);
    const double s_soc = (330.0 - 247.0) / 3.919927969080108;  // mineral SOC 247..330
    CHECK(m.sigma[TOTAL] == Approx(std::sqrt(var_agb + var_bgb + 2 * 0.96 * var_agb + s_dead * s_dead + s_soc * s_soc))
                                .epsilon(1e-12));
}

TEST_CASE("pools of every habitat in the subtropical zone, by hand", "[pools]") {
    const auto table = shipped();
    const PoolModel model(table, ClimateZone::subtropical, SoilType::mineral, all_habitats());
    // forest: 180 x 0.47 = 84.6; BGB 84.6 x 0.26 = 21.996; SOC 88 = IPCC 2006 Table 2.3's 0-30 cm reference
    // stock (warm temperate moist, high-activity clay), flagged as 30 cm deep.
    CHECK(model.habitat(Habitat::forest).density[AGB] == Approx(84.6));
    CHECK(model.habitat(Habitat::forest).density[BGB] == Approx(21.996));
    CHECK(model.habitat(Habitat::forest).density[SOC] == Approx(88.0));
    CHECK(model.habitat(Habitat::forest).soc_depth_cm == 30);
    CHECK(model.habitat(Habitat::mangrove).soc_depth_cm == 100);
    // Tidal marsh and seagrass carry SOC only (no Tier-1 biomass): WS2013 Table 4.11 mineral soils, tidal marsh
    // 226, seagrass 108.
    CHECK(model.habitat(Habitat::salt_marsh).density[TOTAL] == Approx(226.0));
    CHECK(model.habitat(Habitat::seagrass).density[TOTAL] == Approx(108.0));
    for (Habitat h : {Habitat::water, Habitat::tidal_flat, Habitat::aquaculture_pond, Habitat::other}) {
        CHECK(model.habitat(h).density[TOTAL] == 0.0);
        CHECK(model.habitat(h).sigma[TOTAL] == 0.0);
    }
    // Soil type unknown: Table 4.11's all-soils means, mangrove 386, tidal marsh 255; seagrass has one value, 108.
    const PoolModel unknown(table, ClimateZone::subtropical, SoilType::unknown, all_habitats());
    CHECK(unknown.habitat(Habitat::mangrove).density[SOC] == Approx(386.0));
    CHECK(unknown.habitat(Habitat::salt_marsh).density[SOC] == Approx(255.0));
    CHECK(unknown.habitat(Habitat::seagrass).density[SOC] == Approx(108.0));
    const PoolModel organic(table, ClimateZone::tropical_wet, SoilType::organic, all_habitats());
    // tropical wet mangrove on organic soil: 192 x 0.45 = 86.4; BGB x 0.49 = 42.336; SOC 471.
    CHECK(organic.habitat(Habitat::mangrove).density[AGB] == Approx(86.4));
    CHECK(organic.habitat(Habitat::mangrove).density[BGB] == Approx(42.336));
    CHECK(organic.habitat(Habitat::mangrove).density[SOC] == Approx(471.0));
    CHECK(organic.habitat(Habitat::salt_marsh).density[SOC] == Approx(340.0));
    // Tropical wet forest: IPCC 2006 Table 2.3 high-activity clay, 44 (60 is the low-activity-clay value).
    CHECK(organic.habitat(Habitat::forest).density[SOC] == Approx(44.0));
    // A forest (0-30 cm) → mangrove (1 m) difference is refused with the reason.
    CHECK(soc_depth_mismatch(organic.habitat(Habitat::forest).soc_parameter,
                             organic.habitat(Habitat::mangrove).soc_parameter)
              .value_or("")
              .find("soil carbon to 30 cm") != std::string::npos);
    CHECK_FALSE(soc_depth_mismatch(Tier1Parameter::soc_1m_mg_c_per_ha, Tier1Parameter::soc_1m_mg_c_per_ha));
}

TEST_CASE("a mangrove mineral-soil pixel holds 286 Mg C/ha of soil carbon", "[pools][tier1]") {
    // WS2013 Table 4.11, mangrove, mineral soil: 286 (247-330) Mg C/ha to 1 m. The pixel value PoolModel writes
    // into stock_soc.tif for a mangrove pixel (habitat code 5) of a mineral-soil project; σ = (330 − 247) / 3.92.
    const auto table = shipped();
    const std::array<Habitat, 1> hs{Habitat::mangrove};
    const PoolModel model(table, ClimateZone::subtropical, SoilType::mineral, hs);
    const std::vector<std::uint8_t> codes{5};
    std::vector<std::vector<float>> d(5, std::vector<float>(1));
    std::vector<float> unc(1);
    std::vector<std::uint8_t> valid(1);
    PoolSpans ps;
    for (std::size_t k = 0; k < 5; ++k) ps.density[k] = d[k];
    ps.uncertainty_90 = unc;
    ps.valid = valid;
    model.compute(codes, 1, {}, {}, ps);
    CHECK(d[SOC][0] == 286.0F);
    CHECK(model.habitat(Habitat::mangrove).sigma[SOC] == Approx(83.0 / 3.919927969080108).epsilon(1e-12));
}

TEST_CASE("rates: growth stops at the Tier-1 stock - VM0033's default soil rate", "[tier1][rates]") {
    const auto table = shipped();
    // WS2013 Table 4.4, subtropical mangrove AGB growth 18.1 t d.m./ha/yr; Table 4.3's stock 75 is the cap:
    // 10 + 18.1 x 3 = 64.3 after 3 years; after 4 years 10 + 72.4 = 82.4 > 75, so 75.
    const auto* g = table.find(Tier1Parameter::agb_growth_t_dm_per_ha_yr, Habitat::mangrove, ClimateZone::subtropical,
                               SoilType::mineral);
    REQUIRE(g != nullptr);
    CHECK(g->value == 18.1);
    CHECK(cumulative_agb_t_dm_per_ha(10.0, g->value, 3.0, 75.0) == Approx(64.3));
    CHECK(cumulative_agb_t_dm_per_ha(10.0, g->value, 4.0, 75.0) == 75.0);
    CHECK(cumulative_agb_t_dm_per_ha(90.0, g->value, 1.0, 75.0) == 90.0);  // already above: no growth, no loss
    for (auto [zone, rate] : {std::pair{ClimateZone::tropical_wet, 9.9}, std::pair{ClimateZone::tropical_dry, 3.3}})
        CHECK(table.find(Tier1Parameter::agb_growth_t_dm_per_ha_yr, Habitat::mangrove, zone, SoilType::mineral)->value ==
              rate);
    // Table 4.12 soil accumulation after restoration: mangrove 1.62, tidal marsh 0.91, seagrass 0.43 Mg C/ha/yr.
    for (auto [h, rate] : {std::pair{Habitat::mangrove, 1.62}, std::pair{Habitat::salt_marsh, 0.91},
                           std::pair{Habitat::seagrass, 0.43}})
        CHECK(table.find(Tier1Parameter::soc_accumulation_mg_c_per_ha_yr, h, ClimateZone::subtropical,
                         SoilType::mineral)->value == rate);
    // VM0033 v2.1: 1.46 Mg C/ha/yr for marsh and mangrove, not seagrass. Its cover gate is applied by the one
    // function accounting::vm0033_default_soil_rate (tests/accounting/test_credits.cpp).
    const auto* v = table.find(Tier1Parameter::vm0033_soc_accumulation_mg_c_per_ha_yr, Habitat::mangrove,
                               ClimateZone::subtropical, SoilType::mineral);
    REQUIRE(v != nullptr);
    CHECK(v->value == 1.46);
    CHECK(table.find(Tier1Parameter::vm0033_soc_accumulation_mg_c_per_ha_yr, Habitat::seagrass,
                     ClimateZone::subtropical, SoilType::mineral) == nullptr);
}

TEST_CASE("per-pixel pools and the 90 % half-width map", "[pools]") {
    const auto table = shipped();
    const std::array<Habitat, 2> hs{Habitat::mangrove, Habitat::water};
    const PoolModel model(table, ClimateZone::subtropical, SoilType::mineral, hs);
    const std::vector<std::uint8_t> codes{5, 1, k_habitat_nodata, 7};  // forest (7) was not resolved: invalid
    std::vector<std::vector<float>> d(5, std::vector<float>(4));
    std::vector<float> unc(4);
    std::vector<std::uint8_t> valid(4);
    PoolSpans ps;
    for (std::size_t k = 0; k < 5; ++k) ps.density[k] = d[k];
    ps.uncertainty_90 = unc;
    ps.valid = valid;
    model.compute(codes, 4, {}, {}, ps);
    CHECK(d[AGB][0] == 33.75F);
    CHECK(d[BGB][0] == Approx(32.4F));
    CHECK(unc[0] == Approx(1.6448536269514722 * model.habitat(Habitat::mangrove).sigma[TOTAL]));
    CHECK(valid == std::vector<std::uint8_t>{1, 1, 0, 0});
    CHECK(d[TOTAL][1] == 0.0F);
}

namespace {
// One tile of three mangrove pixels and one salt-marsh pixel through PoolModel::compute with a one-predictor
// model; returns the pool rasters and the sums.
struct ModelTile {
    std::vector<std::vector<float>> d = std::vector<std::vector<float>>(5, std::vector<float>(4));
    std::vector<float> unc = std::vector<float>(4);
    std::vector<std::uint8_t> valid = std::vector<std::uint8_t>(4);
    TileStockSums sums;
    ModelTile(const PoolModel& model, const std::vector<float>& ndvi, const std::vector<std::uint8_t>& ndvi_ok) {
        const std::vector<std::uint8_t> codes{5, 5, 5, 4};
        PoolSpans ps;
        for (std::size_t k = 0; k < 5; ++k) ps.density[k] = d[k];
        ps.uncertainty_90 = unc;
        ps.valid = valid;
        const std::array<std::span<const float>, 1> pv{ndvi};
        const std::array<std::span<const std::uint8_t>, 1> pm{ndvi_ok};
        sums.reset(0, 1);
        const std::vector<double> area{100.0};
        model.compute(codes, 4, pv, pm, ps, &sums, area);
    }
};
}  // namespace

TEST_CASE("a calibrated linear biomass model replaces the Tier-1 AGB on its habitats", "[pools]") {
    const auto table = shipped();
    survey::BiomassModelFit bm;
    bm.form = survey::ModelForm::linear;
    bm.predictors = {"ndvi"};
    bm.coefficients = {200.0};
    bm.intercept = -50.0;
    bm.residual_sigma = 15.0;  // t d.m./ha; the linear form's prediction does not use it
    bm.cv_rmse_t_dm_per_ha = 20.0;
    bm.habitats = {Habitat::mangrove};
    const std::array<Habitat, 2> hs{Habitat::mangrove, Habitat::salt_marsh};
    const PoolModel model(table, ClimateZone::subtropical, SoilType::mineral, hs, &bm);
    const ModelTile t(model, {0.8F, 0.1F, 0.5F, 0.9F}, {1, 1, 0, 1});
    // 200 x 0.8 - 50 = 110 t d.m./ha x 0.45 = 49.5 Mg C/ha; BGB x 0.96. (0.8F is 0.800000011920929: 1e-6.)
    CHECK(t.d[AGB][0] == Approx(49.5).epsilon(1e-6));
    CHECK(t.d[BGB][0] == Approx(49.5 * 0.96).epsilon(1e-6));
    CHECK(t.d[AGB][1] == 0.0F);      // 200 x 0.1 - 50 < 0: clamped to 0
    CHECK(t.d[AGB][2] == 33.75F);    // invalid predictor: Tier-1 fallback
    CHECK(t.d[AGB][3] == 0.0F);      // salt marsh is not a model habitat: its Tier-1 AGB (0)
    CHECK(t.d[SOC][3] == 226.0F);  // tidal marsh, mineral soil (WS2013 Table 4.11)
    // σ of AGB carbon: var = 110² σCF² + 0.45² x 20² + 20² σCF², σCF = (0.47 − 0.43) / 3.919928 from the table's
    // carbon-fraction range (CV RMSE 20 > the Tier-1 AGB σ 75 / 3.919928 = 19.13, so the model's 20 is used).
    const double cf_s = 0.04 / 3.919927969080108;
    std::array<double, 5> dens{}, sig{};
    model.model_pixel(Habitat::mangrove, 110.0, dens, sig);
    CHECK(sig[AGB] == Approx(std::sqrt(110.0 * 110.0 * cf_s * cf_s + 0.45 * 0.45 * 400.0 + 400.0 * cf_s * cf_s)));
    CHECK(t.unc[0] == Approx(1.6448536269514722 * sig[TOTAL]).epsilon(1e-5));
    CHECK(t.sums.model_fallback_pixels == 1);
    CHECK(t.sums.model_pixels[habitat_index(Habitat::mangrove)] == 2);
    CHECK(t.sums.counts[0][habitat_index(Habitat::mangrove)] == 1);
    CHECK(t.sums.counts[0][habitat_index(Habitat::salt_marsh)] == 1);
}

TEST_CASE("a calibrated log-linear biomass model: exp(b0 + b1 x + sigma^2 / 2) by hand", "[pools]") {
    const auto table = shipped();
    survey::BiomassModelFit bm;  // log form by default
    bm.predictors = {"ndvi"};
    bm.intercept = 1.0;
    bm.coefficients = {2.5};
    bm.residual_sigma = 0.4;
    bm.cv_rmse_t_dm_per_ha = 12.0;
    bm.habitats = {Habitat::mangrove};
    const std::array<Habitat, 2> hs{Habitat::mangrove, Habitat::salt_marsh};
    const PoolModel model(table, ClimateZone::subtropical, SoilType::mineral, hs, &bm);
    const ModelTile t(model, {0.5F, 0.0F, 0.7F, 0.9F}, {1, 1, 0, 1});
    // ndvi 0.5: exp(1 + 1.25 + 0.08) = exp(2.33) = 10.2779 t d.m./ha; x 0.45 = 4.62506 Mg C/ha.
    CHECK(t.d[AGB][0] == Approx(std::exp(2.33) * 0.45).epsilon(1e-6));
    CHECK(t.d[AGB][0] == Approx(4.62506).epsilon(1e-5));
    CHECK(t.d[BGB][0] == Approx(4.62506 * 0.96).epsilon(1e-5));
    // ndvi 0: exp(1.08) = 2.94468; a log model never predicts below 0.
    CHECK(t.d[AGB][1] == Approx(std::exp(1.08) * 0.45).epsilon(1e-6));
    CHECK(t.d[AGB][2] == 33.75F);  // invalid predictor: Tier-1 fallback
    CHECK(t.d[AGB][3] == 0.0F);    // salt marsh: Tier-1
    CHECK(t.sums.model_pixels[habitat_index(Habitat::mangrove)] == 2);
    // The model's error never lowers σ: its CV RMSE, 12, is below the Tier-1 σ of subtropical mangrove AGB,
    // (112.5 − 37.5) / 3.919928 = 19.1330 t d.m./ha, so σ(AGB_dm) = 19.1330, not 12.
    std::array<double, 5> dens{}, sig{};
    model.model_pixel(Habitat::mangrove, std::exp(2.33), dens, sig);
    const double cf_s = 0.04 / 3.919927969080108;
    const double s_agb = 75.0 / 3.919927969080108;
    const double a = std::exp(2.33);
    CHECK(sig[AGB] ==
          Approx(std::sqrt(a * a * cf_s * cf_s + 0.45 * 0.45 * s_agb * s_agb + s_agb * s_agb * cf_s * cf_s)));
    // With a CV RMSE above the Tier-1 σ (30 > 19.13), the model's own error is used.
    bm.cv_rmse_t_dm_per_ha = 30.0;
    const PoolModel wide(table, ClimateZone::subtropical, SoilType::mineral, hs, &bm);
    wide.model_pixel(Habitat::mangrove, a, dens, sig);
    CHECK(sig[AGB] == Approx(std::sqrt(a * a * cf_s * cf_s + 0.45 * 0.45 * 900.0 + 900.0 * cf_s * cf_s)));
}

TEST_CASE("a biomass model that cannot be applied is refused", "[pools]") {
    const auto table = shipped();
    const std::array<Habitat, 1> hs{Habitat::mangrove};
    survey::BiomassModelFit bm;
    bm.predictors = {"ndvi", "mvi"};
    bm.coefficients = {1.0};
    bm.cv_rmse_t_dm_per_ha = 1.0;
    bm.habitats = {Habitat::mangrove};
    CHECK_THROWS_WITH(PoolModel(table, ClimateZone::subtropical, SoilType::mineral, hs, &bm),
                      "biomass model: 2 predictors but 1 coefficients");
    bm.coefficients = {1.0, 2.0};
    bm.habitats.clear();
    CHECK_THROWS_WITH(PoolModel(table, ClimateZone::subtropical, SoilType::mineral, hs, &bm),
                      "biomass model: no habitats");
}

TEST_CASE("a habitat without a Tier-1 row for the climate zone is an error naming it", "[pools]") {
    const auto table = shipped();
    const std::array<Habitat, 1> hs{Habitat::mangrove};
    CHECK_THROWS_WITH(PoolModel(table, ClimateZone::temperate, SoilType::mineral, hs),
                      "tier1_pools.csv: no Tier-1 row for mangrove in climate zone temperate (soil mineral): "
                      "agb_t_dm_per_ha");
}

TEST_CASE("Tier-1 tables: bad values are errors with file and line - overrides replace rows", "[pools][tier1]") {
    const std::string head = "# version: t1\nparameter,habitat,climate_zone,soil,value,unit,ci95_low,ci95_high,source,notes\n";
    CHECK_THROWS_WITH(Tier1Table::parse(head + "agb_t_dm_per_ha,mangrove,*,*,-5,t d.m./ha,,,src,\n", "t.csv"),
                      "t.csv:3: value: value must not be negative, got -5");
    CHECK_THROWS_WITH(Tier1Table::parse(head + "agb_t_dm_per_ha,mangrove,*,*,abc,t d.m./ha,,,src,\n", "t.csv"),
                      "t.csv:3: value: \"abc\" is not a number");
    CHECK_THROWS_WITH(Tier1Table::parse(head + "agb_t_dm_per_ha,mangrove,*,*,5,Mg C/ha,,,src,\n", "t.csv"),
                      Catch::StartsWith("t.csv:3: unit:"));
    CHECK_THROWS_WITH(Tier1Table::parse(head + "agb_t_dm_per_ha,mangrove,*,*,5,t d.m./ha,6,7,src,\n", "t.csv"),
                      Catch::Contains("must contain the value 5"));
    CHECK_THROWS_WITH(Tier1Table::parse(head + "carbon_fraction,mangrove,*,*,0.45,t C/t d.m.,,,,\n", "t.csv"),
                      Catch::StartsWith("t.csv:3: source:"));
    CHECK_THROWS_WITH(Tier1Table::parse(head.substr(head.find('\n') + 1), "t.csv"), "t.csv: missing the \"# version: ...\" line");
    CHECK_THROWS_WITH(Tier1Table::parse("# version: 1\nparameter,habitat\n", "t.csv"), "t.csv:2: header: missing column \"value\"");

    auto table = shipped();
    Tier1Row o;
    o.parameter = Tier1Parameter::agb_t_dm_per_ha;
    o.habitat = Habitat::mangrove;
    o.climate_zone = "subtropical";
    o.value = 80.0;
    o.source = "local inventory";
    o.origin = "project.toml:40";
    table.apply_override(o);
    const auto* row = table.find(Tier1Parameter::agb_t_dm_per_ha, Habitat::mangrove, ClimateZone::subtropical,
                                 SoilType::mineral);
    REQUIRE(row != nullptr);
    CHECK(row->value == 80.0);
    CHECK(row->is_override);
    CHECK(table.overrides().size() == 1);
    o.value = -1;
    CHECK_THROWS_WITH(table.apply_override(o), "project.toml:40: value must not be negative, got -1");
}

TEST_CASE("every shipped row carries a source - (verify) rows say so", "[tier1]") {
    const auto table = shipped();
    for (const auto& r : table.rows()) {
        INFO(r.key());
        CHECK_FALSE(r.source.empty());
        if (r.ci95_low) CHECK(r.sigma() > 0);
    }
}
