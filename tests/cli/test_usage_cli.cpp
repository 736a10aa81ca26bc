// The rough edges a new user meets (issue 17): unknown commands, per-command help, where errors point,
// option combinations, --threads 0, one JSON shape for every command, JSON errors, band typos caught early.
#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace bluecarbon::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> indices_args(const TempDir& dir) {
    return {"indices", "--input", (dir / "refl.tif").string(), "--bands", "green=1,red=2,nir=3,swir1=4",
            "--index", "ndvi",    "--out",                      (dir / "out").string(), "--quiet"};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

/// The sample project written into `dir`, with `from` replaced by `to` in its project.toml.
fs::path sample_project(const TempDir& dir, const std::string& from = "", const std::string& to = "") {
    REQUIRE(run({"sample", "--out", dir.path().string(), "--quiet"}).code == 0);
    const fs::path toml = dir / "project.toml";
    if (!from.empty()) {
        std::string text = slurp(toml);
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        std::ofstream(toml, std::ios::binary) << text;
    }
    return toml;
}
}  // namespace

TEST_CASE("an unknown command lists the commands that exist", "[cli][usage]") {
    const auto r = run({"frobnicate"});
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("unknown command 'frobnicate' (commands: sample, indices") && Contains("stock") &&
                          Contains("survey") && Contains("invest"));
    CHECK_THAT(r.err, !Contains("A subcommand is required"));
    const auto nested = run({"survey", "plots"});
    CHECK(nested.code == 2);
    CHECK_THAT(nested.err, Contains("unknown command 'survey plots' (commands of survey: trees, cores, calibrate)"));
    const auto none = run({});
    CHECK(none.code == 2);
    CHECK_THAT(none.err, Contains("a command is required (commands: sample, indices") &&
                             Contains("(see `bluecarbon --help`)"));
}

TEST_CASE("<command> --help prints that command's help", "[cli][usage]") {
    const auto stock = run({"stock", "--help"});
    CHECK(stock.code == 0);
    CHECK_THAT(stock.out, Contains("Carbon stock maps of a project") && Contains("--compress-level"));
    CHECK_THAT(stock.out, Contains("uncertainty.tif") && Contains("uncertainty_{agb,bgb,dead,soc}.tif"));
    CHECK_THAT(stock.out, !Contains("Field surveys"));  // not the top-level list of commands
    const auto trees = run({"survey", "trees", "--help"});
    CHECK(trees.code == 0);
    CHECK_THAT(trees.out, Contains("--no-species-equations"));
    const auto unknown = run({"parcelz", "--help"});
    CHECK(unknown.code == 2);
    CHECK_THAT(unknown.err, Contains("unknown command 'parcelz'"));
}

TEST_CASE("usage errors inside a command point to that command's help", "[cli][usage]") {
    TempDir dir;
    const auto r = run({"stock", (dir / "p.toml").string(), "--tile", "0"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("--tile: must be at least 1 (got 0)") && Contains("(see `bluecarbon stock --help`)"));
    const auto s = run({"survey", "cores", "--no-such-flag"});
    CHECK(s.code == 2);
    CHECK_THAT(s.err, Contains("(see `bluecarbon survey cores --help`)"));
    CHECK_THAT(s.err, !Contains("`bluecarbon --help`"));
}

TEST_CASE("usage: --compress-level is refused for codecs without levels", "[cli][usage][bad-input]") {
    TempDir dir;
    write_reflectance(dir / "refl.tif", ReflectanceFixture{});
    for (const char* codec : {"lzw", "none"}) {
        const auto r = run(with(indices_args(dir), {"--compress", codec, "--compress-level", "5"}));
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains(std::string("--compress-level: ") + codec + " has no compression level"));
        CHECK(files_in(dir / "out").empty());
    }
    CHECK(run(with(indices_args(dir), {"--compress", "lzw"})).code == 0);
}

TEST_CASE("usage: --threads 0 means every core, as threads = 0 does in a project", "[cli][usage]") {
    TempDir dir;
    write_reflectance(dir / "refl.tif", ReflectanceFixture{});
    const auto r = run(with(indices_args(dir), {"--threads", "0", "--json"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["threads"].get<unsigned>() == std::max(1u, std::thread::hardware_concurrency()));
}

TEST_CASE("usage: --json has bluecarbon_version and outputs on every command", "[cli][usage][json]") {
    TempDir dir;
    write_reflectance(dir / "refl.tif", ReflectanceFixture{});
    const fs::path toml = sample_project(dir);
    // run first: the certify, verify and registry commands below act on its certificates and registry.
    const auto ran = run({"run", toml.string(), "--json", "--quiet"});
    INFO(ran.err);
    REQUIRE(ran.code == 0);
    CHECK(nlohmann::json::parse(ran.out)["bluecarbon_version"].is_string());
    // run closes (and checkpoints) every registry connection before it returns.
    const fs::path out = dir / "output";
    REQUIRE(fs::exists(out / "registry.db"));
    CHECK_FALSE(fs::exists(out / "registry.db-wal"));
    CHECK_FALSE(fs::exists(out / "registry.db-shm"));
    const std::string certificate = (out / "certificates" / "P01.json").string();
    const std::string db = (out / "registry.db").string();
    const std::vector<std::vector<std::string>> commands{
        {"certify", toml.string(), "--json"},
        {"verify", certificate, "--json"},
        {"keygen", "--out", (dir / "keys").string(), "--json"},
        {"registry", "list", db, "--json"},
        {"registry", "audit", db, "--json"},
        {"registry", "export", db, "--gpkg", (dir / "blocks.gpkg").string(), "--json"},
        {"parcels", toml.string(), "--json", "--quiet"},
        {"credits", toml.string(), "--json", "--quiet"},
        {"zonal", "--raster", (out / "stock_total.tif").string(), "--polygons", (dir / "parcels.geojson").string(),
         "--id", "id", "--stats", "sum", "--out", (dir / "zonal.csv").string(), "--json", "--quiet"},
        with(indices_args(dir), {"--json"}),
        {"sample", "--out", (dir / "s2").string(), "--json", "--quiet"},
        {"habitat", toml.string(), "--json", "--quiet"},
        {"stock", toml.string(), "--json", "--quiet"},
        {"survey", "cores", "--cores", (dir / "cores.csv").string(), "--out", (dir / "c").string(),
         "--mc", "10", "--json", "--quiet"},
        {"survey", "trees", "--trees", (dir / "trees.csv").string(), "--plots",
         (dir / "plots.csv").string(), "--out", (dir / "t").string(), "--mc", "10", "--json", "--quiet",
         "--drop-invalid"}};
    for (const auto& args : commands) {
        const auto r = run(args);
        INFO(args[0] << " " << args[1] << ": " << r.err);
        REQUIRE(r.code == 0);
        const auto j = nlohmann::json::parse(r.out);
        CHECK(j["bluecarbon_version"].is_string());
        CHECK_FALSE(j.contains("version"));
        REQUIRE(j["outputs"].is_array());
        // verify, registry list and registry audit only read: their outputs are an empty list.
        const bool reads = args[0] == "verify" || (args[0] == "registry" && args[1] != "export");
        CHECK(j["outputs"].empty() == reads);
        for (const auto& f : j["outputs"]) CHECK(fs::exists(f.get<std::string>()));
    }
}

TEST_CASE("with --json an error is printed as {\"error\": ...} on stdout", "[cli][usage][json]") {
    TempDir dir;
    const auto r = run({"indices", "--input", (dir / "missing.tif").string(), "--index", "ndvi", "--out",
                        (dir / "out").string(), "--json", "--quiet"});
    CHECK(r.code == 2);
    const auto j = nlohmann::json::parse(r.out);
    CHECK_THAT(j["error"].get<std::string>(), Contains("missing.tif"));
    CHECK(j["exit_code"] == 2);
    CHECK_THAT(r.err, Contains("missing.tif"));  // and on stderr as always
    const auto usage = run({"stock", "--json"});
    CHECK(usage.code == 2);
    CHECK(nlohmann::json::parse(usage.out).contains("error"));
}

TEST_CASE("a band-name typo in a project's bands is caught before any work", "[cli][usage][bad-input]") {
    TempDir dir;
    // The sample's stock run reads no reflectance band (a habitat map, Tier-1 pools), so the typo would
    // otherwise go unnoticed until a run that reads the band.
    const fs::path toml = sample_project(dir, "nir = 3", "nir = \"nir_b9\"");
    const auto r = run({"stock", toml.string(), "--quiet"});
    INFO(r.err);
    CHECK(r.code == 2);
    // The line the typo sits on, counted in the file as written (the sample's comments move it).
    std::ifstream in(toml);
    int line = 0, typo_line = 0;
    for (std::string text; std::getline(in, text) && typo_line == 0;)
        if (++line, text.find("nir_b9") != std::string::npos) typo_line = line;
    CHECK_THAT(r.err, Contains("project.toml:" + std::to_string(typo_line) + ": inputs.reflectance.bands.nir") &&
                          Contains("nir_b9"));
    CHECK_FALSE(fs::exists(dir / "output" / "stock_total.tif"));
}
