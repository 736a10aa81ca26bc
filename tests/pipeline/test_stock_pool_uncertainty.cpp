// The stock step's per-pool 90 % half-widths (uncertainty_<pool>.tif): a Tier-1 pixel and a model pixel worked by
// hand from the shipped Tier-1 table, and uncertainty.tif left as it was.
#include <bluecarbon/pipeline/stock.hpp>

#include "pipeline/pipeline_fixtures.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {

std::vector<float> band(const fs::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<float> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, px.data(), w, h, GDT_Float32, 0, 0) == CE_None);
    return px;
}

// z of two-sided 90 % and 95 % intervals (normal quantiles 0.95 and 0.975).
constexpr double z90 = 1.6448536269514722;
constexpr double z95 = 1.959963984540054;

constexpr float k_mangrove = 5.0F;

std::string predictor(const fs::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    const char* v = ds->GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE");
    return v != nullptr ? v : "";
}

}  // namespace

TEST_CASE("per-pool 90 % half-widths of a Tier-1 mangrove pixel worked by hand", "[pipeline][stock][uncertainty]") {
    test::SampleProject s;
    const auto cfg = s.with_output("out");
    pipeline::RunContext ctx;
    ctx.threads = 2;
    ctx.tile = 64;
    const auto r = pipeline::run_stock(cfg, ctx);
    for (const char* f : {"uncertainty_agb.tif", "uncertainty_bgb.tif", "uncertainty_dead.tif", "uncertainty_soc.tif"})
        CHECK(std::find(r.outputs.begin(), r.outputs.end(), cfg.output_dir / f) != r.outputs.end());
    const auto hab = band(cfg.output_dir / "habitat.tif");
    const auto agb = band(cfg.output_dir / "uncertainty_agb.tif");
    const auto bgb = band(cfg.output_dir / "uncertainty_bgb.tif");
    const auto dead = band(cfg.output_dir / "uncertainty_dead.tif");
    const auto soc = band(cfg.output_dir / "uncertainty_soc.tif");
    const auto total = band(cfg.output_dir / "uncertainty.tif");
    const auto it = std::find(hab.begin(), hab.end(), k_mangrove);
    REQUIRE(it != hab.end());
    const auto i = static_cast<std::size_t>(it - hab.begin());

    // data/tier1_pools.csv, mangrove, subtropical, mineral soil; σ = (ci95_high - ci95_low) / (2 z95), and a
    // half-width is z90 σ. Write q = z90 / z95 = 0.8392264551419658.
    // AGB_dm 75 (37.5..112.5): σ = 37.5 / z95; CF 0.45 (0.43..0.47): σ = 0.02 / z95.
    //   var(AGB) = 75² σ_CF² + 0.45² σ_dm² + σ_dm² σ_CF² = (2.25 + 284.765625 + 0.5625 / z95²) / z95²
    //            = 287.16205374654 / z95²  ->  half-width q √287.16205374654 = 14.2214111.
    // BGB = AGB × R, AGB = 33.75, R 0.96 (0.48..1.44): σ_R = 0.48 / z95.
    //   var(BGB) = 33.75² σ_R² + 0.96² var(AGB) + var(AGB) σ_R²
    //            = (262.44 + 264.64854873 + 287.16205375 × 0.2304 / z95²) / z95² = 544.31172885 / z95²
    //   -> half-width q √544.31172885 = 19.5795638.
    // Dead = wood 10.7 (6.5..14.8) + litter 0.7 (0..1.3): σ = hypot(8.3, 1.3) / (2 z95) -> q × 4.2005952 = 3.5252506.
    // SOC 286 (247..330): σ = 83 / (2 z95) -> q × 41.5 = 34.8278979.
    const double q = z90 / z95;
    CHECK(q == Approx(0.8392264551419658).epsilon(1e-15));
    CHECK(agb[i] == Approx(14.2214111).epsilon(1e-6));
    CHECK(bgb[i] == Approx(19.5795638).epsilon(1e-6));
    CHECK(dead[i] == Approx(3.5252506).epsilon(1e-6));
    CHECK(soc[i] == Approx(34.8278979).epsilon(1e-6));
    // The total's half-width is not the sum of the pools': AGB and BGB covary (cov = R var(AGB)), the rest add in
    // quadrature: hw² = hw_agb² + hw_bgb² + 2 × 0.96 × hw_agb² + hw_dead² + hw_soc².
    const double hw2 = 14.2214111 * 14.2214111 * (1 + 2 * 0.96) + 19.5795638 * 19.5795638 +
                       3.5252506 * 3.5252506 + 34.8278979 * 34.8278979;
    CHECK(total[i] == Approx(std::sqrt(hw2)).epsilon(1e-6));
    // Every mangrove pixel has the same Tier-1 half-widths; nodata stays nodata in every raster.
    for (std::size_t j = 0; j < hab.size(); ++j) {
        if (hab[j] == k_mangrove) {
            CHECK(agb[j] == agb[i]);
            CHECK(soc[j] == soc[i]);
        }
        if (hab[j] == 255.0F) {
            CHECK(agb[j] == -9999.0F);
            CHECK(soc[j] == -9999.0F);
        }
    }
    // Without a model every pool and half-width is one value per habitat: no raster takes the predictor.
    for (const char* f : {"stock_agb.tif", "stock_total.tif", "uncertainty.tif", "uncertainty_agb.tif",
                          "uncertainty_bgb.tif", "uncertainty_dead.tif", "uncertainty_soc.tif"}) {
        INFO(f);
        CHECK(predictor(cfg.output_dir / f).empty());
    }
}

TEST_CASE("per-pool 90 % half-widths of a model pixel worked by hand", "[pipeline][stock][uncertainty][model]") {
    test::SampleProject s;
    std::ofstream(s.dir / "model.json") << R"({
  "model": "bluecarbon biomass model", "form": "log", "predictors": ["ndvi"],
  "log_intercept": 1.0, "log_coefficients": [2.5], "residual_sigma": 0.4, "residual_sigma_scale": "ln",
  "cv_rmse": 30.0, "n": 30, "habitats": ["mangrove"] })";
    auto cfg = s.with_output("out");
    cfg.stock.biomass_model = s.dir / "model.json";
    pipeline::RunContext ctx;
    ctx.threads = 1;
    const auto r = pipeline::run_stock(cfg, ctx);
    REQUIRE(r.model);
    const auto hab = band(cfg.output_dir / "habitat.tif");
    const auto agb_c = band(cfg.output_dir / "stock_agb.tif");
    const auto agb = band(cfg.output_dir / "uncertainty_agb.tif");
    const auto bgb = band(cfg.output_dir / "uncertainty_bgb.tif");
    const auto dead = band(cfg.output_dir / "uncertainty_dead.tif");
    const auto soc = band(cfg.output_dir / "uncertainty_soc.tif");
    int checked = 0;
    for (std::size_t i = 0; i < hab.size() && checked < 50; ++i) {
        // A pixel whose predictors are nodata keeps the Tier-1 AGB (33.75 Mg C/ha) and σ: not a model pixel.
        if (hab[i] != k_mangrove || agb_c[i] == 33.75F) continue;
        ++checked;
        // AGB_dm = AGB / CF; its σ is the CV RMSE, 30 t d.m./ha (above the Tier-1 σ 37.5 / z95 = 19.13).
        const double dm = static_cast<double>(agb_c[i]) / 0.45;
        const double s_dm = 30.0, s_cf = 0.02 / z95, s_r = 0.48 / z95;
        const double var_agb = dm * dm * s_cf * s_cf + 0.45 * 0.45 * s_dm * s_dm + s_dm * s_dm * s_cf * s_cf;
        const double a = 0.45 * dm;
        const double var_bgb = a * a * s_r * s_r + 0.96 * 0.96 * var_agb + var_agb * s_r * s_r;
        CHECK(agb[i] == Approx(z90 * std::sqrt(var_agb)).epsilon(1e-5));
        CHECK(bgb[i] == Approx(z90 * std::sqrt(var_bgb)).epsilon(1e-5));
        // Dead wood and SOC keep their Tier-1 half-widths (see the Tier-1 test).
        CHECK(dead[i] == Approx(3.5252506).epsilon(1e-6));
        CHECK(soc[i] == Approx(34.8278979).epsilon(1e-6));
    }
    CHECK(checked == 50);
    // The floating-point predictor (3) where the model makes values vary per pixel. Dead wood and SOC, stock and
    // half-width alike, keep one value per habitat: with the predictor DEFLATE makes them larger (on the sample
    // uncertainty_dead 8.0 kB vs 6.0 kB, uncertainty_soc 26.0 kB vs 12.1 kB), so they go without.
    for (const char* f : {"stock_agb.tif", "stock_bgb.tif", "stock_total.tif", "uncertainty.tif",
                          "uncertainty_agb.tif", "uncertainty_bgb.tif"}) {
        INFO(f);
        CHECK(predictor(cfg.output_dir / f) == "3");
    }
    for (const char* f : {"stock_dead.tif", "stock_soc.tif", "uncertainty_dead.tif", "uncertainty_soc.tif"}) {
        INFO(f);
        CHECK(predictor(cfg.output_dir / f).empty());
    }
}
