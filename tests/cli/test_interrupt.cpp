// Ctrl-C (SIGINT) or SIGTERM during `stock`: the signal becomes the run's cancel flag, the run stops and its
// temporary files are removed; the next run also removes those a killed run left.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/interrupt_guard.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include "cli/cli_fixtures.hpp"
#include "sample/sample_writer.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

using namespace bluecarbon;
using bluecarbon::test::entry_count;
namespace fs = std::filesystem;

namespace {
// Sends `sig` to this process when the tile phase has begun, so the run's temporaries exist by then.
struct SignalOnFirstTile : pipeline::ProgressObserver {
    int sig;
    bool sent{false};
    std::string phase;
    explicit SignalOnFirstTile(int s) : sig(s) {}
    void begin(std::string_view p, std::int64_t) override { phase = p; }
    void advance(std::int64_t, std::int64_t) override {
        if (phase != "stock" || sent)
            return;
        sent = true;
        std::raise(sig); // the handler runs before raise returns
    }
    void end() override {}
};
} // namespace

TEST_CASE("a signal during stock cancels it and leaves no temporary file", "[cli][interrupt]") {
    const int sig = GENERATE(SIGINT, SIGTERM);
    test::TempDir dir("bc-interrupt");
    sample::write_sample_project(dir.path(), sample::WriteOptions{1, 512, nullptr});
    auto cfg = config::load_project(dir / "project.toml");
    cfg.output_dir = dir / "out";
    struct sigaction before {};
    sigaction(sig, nullptr, &before);
    {
        SignalOnFirstTile observer(sig);
        const pipeline::InterruptGuard guard;
        pipeline::RunContext rc;
        rc.threads = 2;
        rc.tile = 64; // many tiles: the signal comes long before the last one
        rc.progress = &observer;
        rc.cancel = guard.flag();
        CHECK_THROWS_AS(pipeline::run_stock(cfg, rc), pipeline::Cancelled);
        CHECK(observer.sent);
    }
    CHECK(entry_count(cfg.output_dir) == 0); // no output published, no hidden .tmp left
    // The guard gave the handler back.
    struct sigaction after {};
    sigaction(sig, nullptr, &after);
    CHECK(after.sa_handler == before.sa_handler);
}

TEST_CASE("stock removes the temporary files of a killed run before it writes", "[cli][interrupt]") {
    test::TempDir dir("bc-stale-run");
    sample::write_sample_project(dir.path(), sample::WriteOptions{1, 512, nullptr});
    auto cfg = config::load_project(dir / "project.toml");
    cfg.output_dir = dir / "out";
    fs::create_directories(cfg.output_dir);
    // A process that has exited: its id names no live process.
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    const auto stale = cfg.output_dir / (".stock_agb." + std::to_string(child) + ".0.tmp.tif");
    std::ofstream(stale) << "half-written";
    pipeline::RunContext rc;
    rc.threads = 2;
    (void)pipeline::run_stock(cfg, rc);
    CHECK_FALSE(fs::exists(stale));
    CHECK(fs::exists(cfg.output_dir / "stock_agb.tif"));
    for (const auto& e : fs::directory_iterator(cfg.output_dir))
        CHECK(e.path().filename().string().front() != '.'); // only the published files remain
}
