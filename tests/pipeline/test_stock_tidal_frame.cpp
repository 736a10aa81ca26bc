// tidal.tif: the stock step's tidal frame (1 between MLLW and HAT) checked against the sample scene's own
// heights above the geoid, which the generator knows exactly (a second method: no DEM, no PROJ geoid grid).
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include "pipeline/pipeline_fixtures.hpp"
#include "sample/scene.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

using namespace bluecarbon;
namespace fs = std::filesystem;

TEST_CASE("run_stock writes tidal.tif from the DEM and the tidal datums", "[pipeline][stock][tidal]") {
    test::SampleProject s;
    const auto cfg = s.with_output("out");
    pipeline::RunContext ctx;
    ctx.threads = 2;
    ctx.tile = 128;
    const auto r = pipeline::run_stock(cfg, ctx);
    const fs::path tidal = cfg.output_dir / "tidal.tif";
    REQUIRE(fs::exists(tidal));
    CHECK(std::find(r.outputs.begin(), r.outputs.end(), tidal) != r.outputs.end());
    CHECK(r.run_json.find("tidal.tif") != std::string::npos);

    const auto src = RasterSource::open(tidal);
    REQUIRE(src->grid().width() == sample::k_sample_size);
    Block<float> b;
    src->read(0, src->grid().full_window(), b);
    // Heights from the generator vs the DEM converted with the shipped EGM96 grid differ by centimetres at most,
    // so cells further than 0.1 m from MLLW and HAT must agree exactly; those nearer may go either way.
    std::int64_t inside = 0, agree = 0, compared = 0;
    for (std::int64_t row = 0; row < sample::k_sample_size; ++row)
        for (std::int64_t col = 0; col < sample::k_sample_size; ++col) {
            const auto i = static_cast<std::size_t>(row * sample::k_sample_size + col);
            REQUIRE(b.valid[i] == 1);
            const double h = sample::sample_pixel(col, row).orthometric_m;
            inside += b.px[i] == 1.0F;
            if (std::abs(h - sample::k_mllw_m) < 0.1 || std::abs(h - sample::k_hat_m) < 0.1) continue;
            ++compared;
            const float want = h >= sample::k_mllw_m && h <= sample::k_hat_m ? 1.0F : 0.0F;
            agree += b.px[i] == want;
        }
    CHECK(agree == compared);
    CHECK(compared > 300000);  // nearly all of the 360,000 cells are clear of the datums
    // The sample has wide flats, marsh and mangrove between the datums and hills and sea outside them.
    CHECK(inside > 36000);
    CHECK(inside < 324000);
}

TEST_CASE("without [tidal] the stock step writes no tidal.tif", "[pipeline][stock][tidal]") {
    test::SampleProject s;
    auto cfg = s.with_output("notidal");
    cfg.tidal.reset();
    cfg.dem.reset();
    pipeline::RunContext ctx;
    ctx.threads = 1;
    const auto r = pipeline::run_stock(cfg, ctx);
    CHECK(fs::exists(cfg.output_dir / "stock_total.tif"));
    CHECK_FALSE(fs::exists(cfg.output_dir / "tidal.tif"));
    CHECK(r.run_json.find("tidal.tif") == std::string::npos);
}
