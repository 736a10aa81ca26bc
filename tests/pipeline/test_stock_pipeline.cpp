// run_stock / run_habitat called as a host program would: no CLI, results returned, errors naming the concept.
#include <bluecarbon/pipeline/habitat.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include "pipeline/pipeline_fixtures.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>

using namespace bluecarbon;
namespace fs = std::filesystem;

TEST_CASE("run_stock returns what --json prints and writes the outputs", "[pipeline][stock]") {
    test::SampleProject s;
    const auto cfg = s.with_output("out");
    test::RecordingObserver obs;
    pipeline::RunContext ctx;
    ctx.threads = 2;
    ctx.tile = 64;
    ctx.progress = &obs;
    const auto r = pipeline::run_stock(cfg, ctx);
    CHECK(r.command == "stock");
    CHECK(r.threads == 2);
    // The tile count in the result is the one the run JSON records.
    CHECK(r.run_json.find("\"tiles\": " + std::to_string(r.tiles) + ",") != std::string::npos);
    REQUIRE(r.tier1);
    CHECK_FALSE(r.habitats.empty());
    CHECK(fs::exists(cfg.output_dir / "stock_total.tif"));
    CHECK(fs::exists(cfg.output_dir / "stock_run.json"));
    CHECK(std::find(r.outputs.begin(), r.outputs.end(), cfg.output_dir / "stock_run.json") != r.outputs.end());
    CHECK(r.run_json.find("\"command\": \"stock\"") != std::string::npos);
    // The observer saw the tile phase, one count per tile, then the rasters written in thousandths; every phase
    // begun and ended once, no count going back.
    const std::size_t tiles = obs.find("stock");
    REQUIRE(tiles < obs.phases.size());
    CHECK(obs.totals[tiles] == static_cast<std::int64_t>(r.tiles));
    CHECK(obs.last_done[tiles] == static_cast<std::int64_t>(r.tiles));
    REQUIRE(obs.phases.back() == "writing");
    CHECK(obs.find("writing") == obs.phases.size() - 1);
    CHECK(obs.totals.back() == 1000);
    CHECK(obs.last_done.back() == 1000);
    CHECK_FALSE(obs.went_back);
    CHECK(obs.ends == static_cast<int>(obs.phases.size()));
}

TEST_CASE("run_habitat writes the habitat map alone", "[pipeline][habitat]") {
    test::SampleProject s;
    const auto cfg = s.with_output("hab");
    const auto r = pipeline::run_habitat(cfg);
    CHECK(r.command == "habitat");
    CHECK_FALSE(r.tier1);
    CHECK(fs::exists(cfg.output_dir / "habitat.tif"));
    CHECK_FALSE(fs::exists(cfg.output_dir / "stock_total.tif"));
}

TEST_CASE("a bad tile size or thread count names the concept - nothing is written", "[pipeline][errors]") {
    test::SampleProject s;
    const auto cfg = s.with_output("bad");
    pipeline::RunContext ctx;
    ctx.tile = 0;
    CHECK_THROWS_WITH(pipeline::run_stock(cfg, ctx), "tile size: must be at least 1 (got 0)");
    ctx.tile.reset();
    ctx.threads = -1;
    CHECK_THROWS_WITH(pipeline::run_stock(cfg, ctx), "threads: must be at least 0 (got -1)");
    CHECK_FALSE(fs::exists(cfg.output_dir));
}

TEST_CASE("a cancelled run stops with Cancelled and publishes nothing", "[pipeline][cancel]") {
    test::SampleProject s;
    const auto cfg = s.with_output("cancelled");
    std::atomic<bool> cancel{true};
    pipeline::RunContext ctx;
    ctx.cancel = &cancel;
    CHECK_THROWS_AS(pipeline::run_stock(cfg, ctx), pipeline::Cancelled);
    CHECK_FALSE(fs::exists(cfg.output_dir / "stock_total.tif"));
    CHECK_FALSE(fs::exists(cfg.output_dir / "stock_run.json"));
}

namespace {
// Sets the cancel flag once the rasters are being written, as Ctrl-C in that phase would.
struct CancelWhileWriting : test::RecordingObserver {
    std::atomic<bool>* cancel{nullptr};
    void advance(std::int64_t done, std::int64_t total) override {
        RecordingObserver::advance(done, total);
        if (phases.back() == "writing") *cancel = true;
    }
};
}  // namespace

TEST_CASE("a cancel while the rasters are written stops the copies and publishes nothing", "[pipeline][cancel]") {
    test::SampleProject s;
    const auto cfg = s.with_output("cancelled_writing");
    std::atomic<bool> cancel{false};
    CancelWhileWriting obs;
    obs.cancel = &cancel;
    pipeline::RunContext ctx;
    ctx.threads = 2;
    ctx.progress = &obs;
    ctx.cancel = &cancel;
    CHECK_THROWS_AS(pipeline::run_stock(cfg, ctx), pipeline::Cancelled);
    REQUIRE(obs.phases.back() == "writing");
    CHECK(obs.last_done.back() < 1000);  // stopped part-way
    CHECK(obs.abandons == 1);  // "writing" abandoned, every earlier phase ended
    CHECK(obs.ends == static_cast<int>(obs.phases.size()) - 1);
    // Nothing published and no temporary left: the folder holds no file at all.
    std::size_t files = 0;
    if (fs::exists(cfg.output_dir))
        for (const auto& e : fs::recursive_directory_iterator(cfg.output_dir)) files += e.is_regular_file() ? 1 : 0;
    CHECK(files == 0);
}
