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
    // The observer saw the tile phase: one advance per tile, begun and ended once each.
    REQUIRE_FALSE(obs.phases.empty());
    CHECK(obs.phases.back() == "stock");
    CHECK(obs.totals.back() == static_cast<std::int64_t>(r.tiles));
    CHECK(obs.last_done == static_cast<std::int64_t>(r.tiles));
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
