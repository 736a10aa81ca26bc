// Stock with a calibrated biomass model: the same bits in every raster and the same sums for any thread count
// and tile size (the model pixels take the per-pixel path of PoolModel::compute and their own ExactSum sums).
#include <bluecarbon/pipeline/stock.hpp>

#include "pipeline/pipeline_fixtures.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {
std::vector<float> pixels(const fs::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<float> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, px.data(), w, h, GDT_Float32, 0, 0) == CE_None);
    return px;
}
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
} // namespace

TEST_CASE("stock with a biomass model is bit-identical for threads 1 and 2 and tiles 64 256 512",
          "[pipeline][stock][model][determinism]") {
    test::SampleProject s;
    std::ofstream(s.dir / "model.json") << R"({
  "model": "bluecarbon biomass model", "form": "log", "predictors": ["ndvi", "mvi"],
  "log_intercept": 1.0, "log_coefficients": [2.5, 0.1], "residual_sigma": 0.4, "residual_sigma_scale": "ln",
  "cv_rmse": 30.0, "n": 30, "habitats": ["mangrove", "forest"] })";
    const char* rasters[] = {"habitat.tif",     "stock_agb.tif",       "stock_bgb.tif",      "stock_total.tif",
                             "uncertainty.tif", "uncertainty_agb.tif", "uncertainty_bgb.tif"};
    std::vector<std::vector<float>> reference;
    std::vector<science::HabitatSummary> ref_habitats;
    std::int64_t ref_model_pixels = 0;
    for (const int threads : {1, 2}) {
        for (const std::int64_t tile : {64, 256, 512}) {
            INFO("threads " << threads << ", tile " << tile);
            auto cfg = s.with_output("out_" + std::to_string(threads) + "_" + std::to_string(tile));
            cfg.stock.biomass_model = s.dir / "model.json";
            pipeline::RunContext ctx;
            ctx.threads = threads;
            ctx.tile = tile;
            const auto r = pipeline::run_stock(cfg, ctx);
            REQUIRE(r.model);
            std::int64_t model_pixels = 0;
            for (const auto& h : r.habitats)
                model_pixels += h.model_pixels;
            if (reference.empty()) {
                for (const char* f : rasters)
                    reference.push_back(pixels(cfg.output_dir / f));
                ref_habitats = r.habitats;
                ref_model_pixels = model_pixels;
                // The model applies somewhere, or this test would not exercise it.
                CHECK(model_pixels > 0);
                continue;
            }
            for (std::size_t k = 0; k < reference.size(); ++k) {
                INFO(rasters[k]);
                CHECK(same_bits(pixels(cfg.output_dir / rasters[k]), reference[k]));
            }
            CHECK(model_pixels == ref_model_pixels);
            REQUIRE(r.habitats.size() == ref_habitats.size());
            for (std::size_t i = 0; i < r.habitats.size(); ++i) {
                CHECK(r.habitats[i].pixels == ref_habitats[i].pixels);
                for (std::size_t p = 0; p < science::k_pool_count; ++p) {
                    // Exact sums: equal to the last bit, not approximately.
                    CHECK(r.habitats[i].total_mg_c[p] == ref_habitats[i].total_mg_c[p]);
                    CHECK(r.habitats[i].half_width_90_mg_c[p] == ref_habitats[i].half_width_90_mg_c[p]);
                }
            }
        }
    }
}
