// Checkpoints: the real executable, `stock --resume`, killed with SIGKILL at random moments (during the scene
// statistics, the tiles, the merge, the clean-up) and started again with --resume until it finishes, must end
// with the very bytes of an uninterrupted run.
#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::run;
using bluecarbon::test::slurp;
namespace fs = std::filesystem;

namespace {

pid_t start_quietly(const std::vector<std::string>& args) {
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        std::freopen("/dev/null", "w", stderr);
        std::freopen("/dev/null", "w", stdout);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

}  // namespace

TEST_CASE("stock --resume after kill -9 at 20 random moments ends with the bytes of one run", "[cli][resume]") {
    test::TempDir dir("bc-resume");
    const fs::path d = dir / "sample";
    REQUIRE(run({"sample", "--out", d.string(), "--quiet"}).code == 0);
    const fs::path project = d / "project.toml";
    std::string toml = slurp(project);
    const std::string map = "source = \"map\"";
    toml.replace(toml.find(map), map.size(), "source = \"rules\"");
    std::ofstream(project) << toml;

    const fs::path single = dir / "single";
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(run({"stock", project.string(), "--out", single.string(), "--quiet", "--tile", "128", "--threads", "2"})
                .code == 0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Kill moments spread over a whole checkpointed run (process start-up, and its journal's syncs, included).
    std::mt19937 rng(20261207);
    std::uniform_real_distribution<double> moment(0.0, 1.5 * seconds + 0.3);

    const fs::path out = dir / "resumed";
    const std::vector<std::string> cmd{test::k_bluecarbon_exe, "stock", project.string(), "--out", out.string(), "--quiet",
                                       "--tile", "128", "--threads", "2", "--resume"};
    const std::vector<std::string> outputs{"habitat.tif", "habitat.tif.aux.xml", "stock_agb.tif", "stock_soc.tif",
                                           "stock_total.tif", "uncertainty.tif", "uncertainty_agb.tif",
                                           "uncertainty_soc.tif", "stock_summary.csv"};
    auto same_as_single = [&] {
        for (const auto& f : outputs) {
            INFO(f);
            CHECK(slurp(out / f) == slurp(single / f));
        }
    };
    int kills = 0, finished = 0;
    while (kills < 20) {
        const pid_t pid = start_quietly(cmd);
        REQUIRE(pid > 0);
        std::this_thread::sleep_for(std::chrono::duration<double>(moment(rng)));
        kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
            ++kills;
            continue;
        }
        // It finished before the kill: it must have finished well; start over for more kills mid-run.
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
        ++finished;
        same_as_single();
        fs::remove_all(out);
    }
    const pid_t pid = start_quietly(cmd);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    same_as_single();
    CHECK_FALSE(fs::exists(out / "shard-0-of-1"));  // the checkpoint is removed once merged
    INFO(kills << " kills, " << finished << " runs finished before their kill");
    CHECK(kills == 20);
}
