// Shards and their merge through the CLI: `stock --shard i/n` for every i, then `merge`, must write the very bytes
// one process writes (every raster with its COG overviews, the .aux.xml, stock_summary.csv), on the sample
// project with its rules (an otsu() scene statistic, tidal masks from the DEM) and a biomass model calibrated on
// its survey. Then the ways a merge or a resume must refuse.
#include <bluecarbon/cli/run_cli.hpp>
#include <bluecarbon/pipeline/scale.hpp>

#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::run;
using bluecarbon::test::slurp;
namespace fs = std::filesystem;

namespace {

// The sample project with its rules and a model calibrated on the mangrove plots.
fs::path rules_and_model_project(const fs::path& d) {
    REQUIRE(run({"sample", "--out", d.string(), "--quiet"}).code == 0);
    const fs::path project = d / "project.toml";
    REQUIRE(run({"survey", "calibrate", project.string(), "--habitats", "mangrove", "--quiet"}).code == 0);
    std::string toml = slurp(project);
    const std::string model = "#   biomass_model = \"output/biomass_model.json\"";
    const std::string map = "source = \"map\"";
    REQUIRE(toml.find(model) != std::string::npos);
    REQUIRE(toml.find(map) != std::string::npos);
    toml.replace(toml.find(model), model.size(), "biomass_model = \"output/biomass_model.json\"");
    toml.replace(toml.find(map), map.size(), "source = \"rules\"");
    std::ofstream(project) << toml;
    return project;
}

const std::vector<std::string> k_outputs = {"habitat.tif",         "habitat.tif.aux.xml",  "stock_agb.tif",
                                            "stock_bgb.tif",       "stock_dead.tif",       "stock_soc.tif",
                                            "stock_total.tif",     "uncertainty.tif",      "uncertainty_agb.tif",
                                            "uncertainty_bgb.tif", "uncertainty_dead.tif", "uncertainty_soc.tif",
                                            "stock_summary.csv"};

void require_same_outputs(const fs::path& a, const fs::path& b) {
    for (const auto& f : k_outputs) {
        INFO(f);
        REQUIRE(fs::exists(a / f));
        REQUIRE(fs::exists(b / f));
        CHECK(slurp(a / f) == slurp(b / f));
    }
}

}  // namespace

TEST_CASE("stock in 1 2 3 and 7 shards then merge writes the bytes of one process", "[cli][shard]") {
    test::TempDir dir("bc-shard");
    const fs::path project = rules_and_model_project(dir / "sample");
    const fs::path single = dir / "single";
    auto r = run({"stock", project.string(), "--out", single.string(), "--quiet", "--tile", "128"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    // The run really used the rules' scene statistic and the model.
    CHECK(slurp(single / "stock_run.json").find("otsu(mvi)") != std::string::npos);
    CHECK(slurp(single / "stock_summary.csv").find("model") != std::string::npos);
    for (int n : {1, 2, 3, 7}) {
        const fs::path out = dir / ("n" + std::to_string(n));
        for (int i = n - 1; i >= 0; --i) {  // any order
            r = run({"stock", project.string(), "--out", out.string(), "--quiet", "--tile", "128", "--threads",
                     std::to_string(1 + i % 2), "--shard", std::to_string(i) + "/" + std::to_string(n)});
            INFO(r.err);
            REQUIRE(r.code == 0);
            CHECK_FALSE(fs::exists(out / "stock_total.tif"));
        }
        r = run({"merge", out.string(), "--quiet"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        INFO("n = " << n);
        require_same_outputs(single, out);
    }
}

TEST_CASE("habitat in 2 shards then merge writes the bytes of one process", "[cli][shard]") {
    test::TempDir dir("bc-shard-habitat");
    const fs::path project = rules_and_model_project(dir / "sample");
    const fs::path single = dir / "single", out = dir / "sharded";
    REQUIRE(run({"habitat", project.string(), "--out", single.string(), "--quiet", "--tile", "128"}).code == 0);
    for (const char* spec : {"0/2", "1/2"})
        REQUIRE(run({"habitat", project.string(), "--out", out.string(), "--quiet", "--tile", "128", "--shard", spec})
                    .code == 0);
    const auto r = run({"merge", out.string(), "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"command\": \"habitat\"") != std::string::npos);
    for (const char* f : {"habitat.tif", "habitat.tif.aux.xml"}) CHECK(slurp(single / f) == slurp(out / f));
    CHECK_FALSE(fs::exists(out / "stock_total.tif"));
}

TEST_CASE("merge and resume refuse shards that do not make one run", "[cli][shard][errors]") {
    test::TempDir dir("bc-shard-bad");
    const fs::path project = rules_and_model_project(dir / "sample");
    auto shard = [&](const fs::path& out, const std::string& spec, std::vector<std::string> extra = {},
                     const std::string& tile = "128") {
        std::vector<std::string> a{"stock", project.string(), "--out", out.string(), "--quiet", "--tile", tile,
                                   "--shard", spec};
        a.insert(a.end(), extra.begin(), extra.end());
        return run(a);
    };
    auto merge_error = [&](const fs::path& out) {
        const auto r = run({"merge", out.string(), "--quiet"});
        CHECK(r.code == 2);
        CHECK_FALSE(fs::exists(out / "stock_total.tif"));
        return r.err;
    };

    SECTION("an index not below the count") {
        const auto r = shard(dir / "bad", "3/3");
        CHECK(r.code == 2);
        CHECK(r.err.find("--shard: 3/3: the index must be below the count") != std::string::npos);
        CHECK(shard(dir / "bad", "1-of-3").code == 2);
    }
    SECTION("--mpi with --shard or in a build without MPI") {
        auto r = run({"stock", project.string(), "--mpi", "--shard", "0/2", "--quiet"});
        CHECK(r.code == 2);
        CHECK(r.err.find("--shard: not with --mpi") != std::string::npos);
        if (!pipeline::mpi_available()) {
            r = run({"stock", project.string(), "--mpi", "--quiet"});
            CHECK(r.code == 2);
            CHECK(r.err.find("built without MPI") != std::string::npos);
        }
    }
    SECTION("a missing shard, a duplicated one, shards of two splits") {
        const fs::path out = dir / "o";
        REQUIRE(shard(out, "0/3").code == 0);
        REQUIRE(shard(out, "2/3").code == 0);
        CHECK(merge_error(out).find("shard 1 of 3 is missing (shard-1-of-3)") != std::string::npos);
        fs::copy(out / "shard-0-of-3", out / "shard-1-of-3");
        CHECK(merge_error(out).find("shard-1-of-3: its manifest is that of shard 0 of 3") != std::string::npos);
        fs::remove_all(out / "shard-1-of-3");
        REQUIRE(shard(out, "1/2").code == 0);
        CHECK(merge_error(out).find("shards of different splits") != std::string::npos);
    }
    SECTION("shards of different plans tool versions or inputs") {
        const fs::path out = dir / "o";
        REQUIRE(shard(out, "0/2").code == 0);
        // The sample is 600 pixels wide in 512-pixel blocks: 128 rounds to 512, 1024 to the whole width.
        REQUIRE(shard(out, "1/2", {}, "1024").code == 0);
        CHECK(merge_error(out).find("tile width 512 vs 600") != std::string::npos);
        REQUIRE(shard(out, "1/2").code == 0);
        const fs::path m = out / "shard-1-of-2" / "manifest.json";
        std::string text = slurp(m);
        const auto at = text.find("\"tool_version\": \"") + 17;
        text.insert(at, "9.");
        std::ofstream(m) << text;
        CHECK(merge_error(out).find("tool version") != std::string::npos);
        REQUIRE(shard(out, "1/2").code == 0);
        std::ofstream(project, std::ios::app) << "\n# edited\n";
        REQUIRE(shard(out, "1/2").code == 0);
        CHECK(merge_error(out).find("input project changed") != std::string::npos);
    }
    SECTION("an unfinished shard, and a resume after the inputs changed") {
        const fs::path out = dir / "o";
        REQUIRE(shard(out, "0/2").code == 0);
        REQUIRE(shard(out, "1/2").code == 0);
        const fs::path journal = out / "shard-1-of-2" / "journal.txt";
        std::string j = slurp(journal);
        j.erase(j.find('\n') + 1);  // only its first tile stays done
        std::ofstream(journal, std::ios::trunc) << j;
        CHECK(merge_error(out).find("shard-1-of-2 is unfinished (1 of") != std::string::npos);
        std::ofstream(project, std::ios::app) << "\n# edited\n";
        const auto r = shard(out, "1/2", {"--resume"});
        CHECK(r.code == 2);
        CHECK(r.err.find("holds a checkpoint of another run: input project changed") != std::string::npos);
    }
}
