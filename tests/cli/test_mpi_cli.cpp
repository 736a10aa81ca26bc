// MPI: `mpirun -n N bluecarbon stock project.toml --mpi` with 1, 2 and 3 ranks must write the bytes of one
// process (rank r computes shard r/N, then each rank finishes its share of the rasters, rank 0 the tables). In a build without MPI, --mpi must exit 2 with the reason.
#include <bluecarbon/pipeline/scale.hpp>

#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

using namespace bluecarbon;
using bluecarbon::test::run;
using bluecarbon::test::slurp;
namespace fs = std::filesystem;

TEST_CASE("stock --mpi on 1 2 and 3 ranks writes the bytes of one process", "[cli][mpi]") {
    test::TempDir dir("bc-mpi");
    const fs::path d = dir / "sample";
    REQUIRE(run({"sample", "--out", d.string(), "--quiet"}).code == 0);
    const fs::path project = d / "project.toml";
    std::string toml = slurp(project);
    const std::string map = "source = \"map\"";
    toml.replace(toml.find(map), map.size(), "source = \"rules\"");
    // A percentile of a variable with many distinct values takes a second, exact read of its bucket: the ranks
    // then exchange twice (the coarse histograms, then the exact values).
    const std::string marsh = "ndvi > 0.3 && intertidal";
    REQUIRE(toml.find(marsh) != std::string::npos);
    toml.replace(toml.find(marsh), marsh.size(), "ndvi > 0.3 && ndvi > percentile(ndvi, 10) && intertidal");
    std::ofstream(project) << toml;
    if (!pipeline::mpi_available()) {
        const auto r = run({"stock", project.string(), "--mpi", "--quiet"});
        CHECK(r.code == 2);
        CHECK(r.err.find("built without MPI") != std::string::npos);
        return;
    }
    const fs::path single = dir / "single";
    REQUIRE(run({"stock", project.string(), "--out", single.string(), "--quiet", "--tile", "128"}).code == 0);
    for (int ranks : {1, 2, 3}) {
        const fs::path out = dir / ("ranks" + std::to_string(ranks));
        // Open MPI keeps its plugins' allocations at exit, in frames LeakSanitizer cannot unwind or suppress by
        // name: leak checks stay off for the ranks only (the single-process runs check our own code for leaks).
        const std::string cmd = "ASAN_OPTIONS=detect_leaks=0 mpirun -n " + std::to_string(ranks) +
                                " --oversubscribe --allow-run-as-root " +
                                std::string(test::k_bluecarbon_exe) + " stock '" + project.string() + "' --out '" +
                                out.string() + "' --quiet --tile 128 --threads 1 --mpi > '" + (dir / "log").string() +
                                "' 2>&1";
        const int status = std::system(cmd.c_str());
        INFO(slurp(dir / "log"));
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
        for (const char* f : {"habitat.tif", "habitat.tif.aux.xml", "stock_agb.tif", "stock_bgb.tif", "stock_dead.tif",
                              "stock_soc.tif", "stock_total.tif", "uncertainty.tif", "uncertainty_agb.tif",
                              "uncertainty_bgb.tif", "uncertainty_dead.tif", "uncertainty_soc.tif",
                              "stock_summary.csv"}) {
            INFO(ranks << " ranks: " << f);
            CHECK(slurp(out / f) == slurp(single / f));
        }
    }
    // The ranks share the scene statistics (exchanges): a rank refused before it takes part must not leave the
    // others waiting for it. Rank 2's checkpoint is made another run's (tile 256): every rank stops, none hangs.
    const fs::path out = dir / "ranks3";
    const fs::path manifest = out / "shard-2-of-3" / "manifest.json";
    std::string text = slurp(manifest);
    const std::string tile = "\"tile\": \"128\"";
    REQUIRE(text.find(tile) != std::string::npos);
    text.replace(text.find(tile), tile.size(), "\"tile\": \"256\"");
    std::ofstream(manifest) << text;
    const std::string cmd = "ASAN_OPTIONS=detect_leaks=0 timeout 120 mpirun -n 3 --oversubscribe --allow-run-as-root " +
                            std::string(test::k_bluecarbon_exe) + " stock '" + project.string() + "' --out '" +
                            out.string() + "' --quiet --tile 128 --threads 1 --mpi --resume > '" +
                            (dir / "log").string() + "' 2>&1";
    const int status = std::system(cmd.c_str());
    const std::string log = slurp(dir / "log");
    INFO(log);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0);
    CHECK(WEXITSTATUS(status) != 124);  // timeout's code: a rank hung
    CHECK(log.find("holds a checkpoint of another run: parameter tile 256 vs 128") != std::string::npos);
    CHECK(log.find("another rank failed") != std::string::npos);
}
