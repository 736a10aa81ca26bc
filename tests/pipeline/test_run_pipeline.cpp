// `run` on the sample: run.json with every step (done or skipped with its reason), the report, and byte-identical
// outputs when run twice with SOURCE_DATE_EPOCH set.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/report.hpp>
#include <bluecarbon/pipeline/run.hpp>

#include "support/file_text.hpp"
#include "pipeline/pipeline_fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

using namespace bluecarbon;

namespace {
using bluecarbon::test::slurp;

/// Sets an environment variable for the scope (tests run one at a time in this executable).
struct ScopedEnv {
    std::string name;
    ScopedEnv(std::string n, const char* value) : name(std::move(n)) { setenv(name.c_str(), value, 1); }
    ~ScopedEnv() { unsetenv(name.c_str()); }
};
}  // namespace

TEST_CASE("run on the sample names every step and reproduces its report", "[pipeline][run]") {
    test::SampleProject p;
    const ScopedEnv epoch("SOURCE_DATE_EPOCH", "1767225600");  // 2026-01-01 00:00 UTC
    pipeline::RunContext rc;
    rc.threads = 2;
    const auto a = pipeline::run(p.with_output("a"), rc);
    const auto b = pipeline::run(p.with_output("b"), rc);
    const auto j = nlohmann::json::parse(slurp(a.run_json));
    std::vector<std::string> names;
    for (const auto& s : j["steps"]) names.push_back(s["step"].get<std::string>());
    CHECK(names == std::vector<std::string>{"stock", "surveys", "parcels", "credits", "certify", "registry", "lots",
                                            "report"});
    // The sample configures every step.
    for (std::size_t i = 0; i < names.size(); ++i) {
        INFO(names[i]);
        CHECK(j["steps"][i]["status"] == "done");
        CHECK(j["steps"][i]["seconds"].get<double>() >= 0);
    }
    CHECK(a.parcels > 0);
    CHECK(a.lots > 0);
    CHECK(j["versions"]["gdal"].get<std::string>().size() > 0);
    CHECK(j["versions"]["geos"].get<std::string>().size() > 0);
    CHECK(j["inputs"][0]["name"] == "project");
    CHECK(j["inputs"][0]["sha256"].get<std::string>().size() == 64);
    CHECK(j["peak_rss_mb"].get<double>() > 0);
    REQUIRE(std::filesystem::exists(a.report));
    const std::string html = slurp(a.report);
    CHECK(html.find("2026-01-01") != std::string::npos);
    CHECK(html == slurp(b.report));
    for (const char* f : {"report/habitat.png", "report/stock_total.png", "stock_summary.csv", "credits.csv",
                          "lots.csv", "lots.geojson", "parcels.geojson"})
        CHECK(slurp(p.dir.path() / "a" / f) == slurp(p.dir.path() / "b" / f));
    // Every raster and GeoPackage too (a GeoPackage's last_change is SOURCE_DATE_EPOCH's, not the clock's).
    std::size_t compared = 0;
    for (const auto& e : std::filesystem::directory_iterator(p.dir.path() / "a")) {
        const auto ext = e.path().extension();
        if (ext != ".tif" && ext != ".gpkg") continue;
        INFO(e.path().filename());
        CHECK(slurp(e.path()) == slurp(p.dir.path() / "b" / e.path().filename()));
        compared += ext == ".gpkg";
    }
    CHECK(compared == 1);  // parcels.gpkg (with the credit columns added by credits)
    // Certificates: the same files, byte for byte (Ed25519 is deterministic; the date is SOURCE_DATE_EPOCH's).
    std::size_t certificates = 0;
    for (const auto& e : std::filesystem::directory_iterator(p.dir.path() / "a" / "certificates")) {
        ++certificates;
        CHECK(slurp(e.path()) == slurp(p.dir.path() / "b" / "certificates" / e.path().filename()));
    }
    CHECK(certificates > 0);
    // Every registry connection (issue, lots, report) is closed and checkpointed before run returns.
    CHECK(std::filesystem::exists(p.dir.path() / "a" / "registry.db"));
    CHECK_FALSE(std::filesystem::exists(p.dir.path() / "a" / "registry.db-wal"));
    CHECK_FALSE(std::filesystem::exists(p.dir.path() / "a" / "registry.db-shm"));
}

TEST_CASE("a report layer named but not written is refused", "[pipeline][run]") {
    test::SampleProject p;
    auto cfg = p.with_output("empty");
    cfg.report.present = true;
    cfg.report.layers = {"stock_soc"};
    cfg.report.layers_origin = config::Origin{"project.toml", 40, "report.layers"};
    CHECK_THROWS_WITH(pipeline::run_report(cfg),
                      Catch::StartsWith("project.toml:40: report.layers: layer \"stock_soc\": "));
    CHECK_FALSE(std::filesystem::exists(cfg.output_dir / "report.html"));
}

TEST_CASE("run skips the steps whose section is missing and names them in run.json", "[pipeline][run]") {
    test::SampleProject p;
    auto cfg = p.with_output("partial");
    cfg.certify.present = false;  // and so no registry issue either
    cfg.registry.present = false;
    cfg.lots.present = false;
    pipeline::RunContext rc;
    rc.threads = 2;
    const auto r = pipeline::run(cfg, rc);
    const auto j = nlohmann::json::parse(slurp(r.run_json));
    std::map<std::string, std::pair<std::string, std::string>> steps;  // step -> (status, reason)
    for (const auto& s : j["steps"])
        steps[s["step"]] = {s["status"], s.contains("reason") ? s["reason"].get<std::string>() : ""};
    CHECK(steps.at("stock").first == "done");
    CHECK(steps.at("parcels").first == "done");
    CHECK(steps.at("credits").first == "done");
    CHECK(steps.at("certify") == std::pair<std::string, std::string>{"skipped", "no [certify] section"});
    CHECK(steps.at("registry") == std::pair<std::string, std::string>{"skipped", "no [registry] section"});
    CHECK(steps.at("lots") == std::pair<std::string, std::string>{"skipped", "no [lots] section"});
    CHECK(steps.at("report").first == "done");
    CHECK(r.lots == 0);
    CHECK_FALSE(std::filesystem::exists(cfg.output_dir / "lots.csv"));
    CHECK_FALSE(std::filesystem::exists(cfg.output_dir / "certificates"));
    CHECK_FALSE(std::filesystem::exists(cfg.output_dir / "registry.db"));
    CHECK(std::filesystem::exists(cfg.output_dir / "report.html"));
}

TEST_CASE("run --steps: a step asked for whose section is missing is an error, before anything is written",
          "[pipeline][run]") {
    test::SampleProject p;
    auto cfg = p.with_output("asked");
    cfg.lots.present = false;
    pipeline::RunContext rc;
    rc.threads = 2;
    CHECK_THROWS_WITH(pipeline::run(cfg, rc, pipeline::RunOptions{{"stock", "lots"}}),
                      "steps: lots was asked for but cannot run: no [lots] section in " + cfg.file.string());
    CHECK_THROWS_WITH(pipeline::run(cfg, rc, pipeline::RunOptions{{"stocks"}}),
                      Catch::StartsWith("steps: unknown step 'stocks' (steps: stock, surveys, parcels"));
    CHECK_FALSE(std::filesystem::exists(cfg.output_dir));
    // Only the steps asked for run; the others are named as not asked. Lots after parcels in the same run (from
    // credits.csv: without [registry]).
    auto with_lots = p.with_output("asked");
    with_lots.registry.present = false;
    const auto r = pipeline::run(with_lots, rc, pipeline::RunOptions{{"stock", "parcels", "credits", "lots"}});
    const auto j = nlohmann::json::parse(slurp(r.run_json));
    std::map<std::string, std::string> status;
    for (const auto& s : j["steps"]) {
        const std::string reason = s.contains("reason") ? ": " + s["reason"].get<std::string>() : "";
        status[s["step"]] = s["status"].get<std::string>() + reason;
    }
    CHECK(status.at("stock") == "done");
    CHECK(status.at("parcels") == "done");
    CHECK(status.at("lots") == "done");
    CHECK(status.at("certify") == "skipped: not in --steps");
    CHECK(status.at("report") == "skipped: not in --steps");
    CHECK_FALSE(std::filesystem::exists(with_lots.output_dir / "report.html"));
}
