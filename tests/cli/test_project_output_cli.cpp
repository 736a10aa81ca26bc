// Every project command takes --out DIR (alias --output): its outputs go there, and the outputs of earlier steps
// are read from there, so a chain of steps can run into any folder without editing the project file.
#include "cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::test;
namespace fs = std::filesystem;

namespace {

struct OutputSample {
    TempDir dir{"bc-project-output-cli"};
    OutputSample() {
        const auto r = run({"sample", "--out", dir.path().string(), "--quiet", "--threads", "2"});
        if (r.code != 0)
            throw std::runtime_error(r.err);
    }
    [[nodiscard]] std::string project() const { return (dir / "project.toml").string(); }
    // `command project.toml extra... [--quiet --threads 2]`, failing the test on a non-zero exit (certify, quick
    // and silent, takes neither option).
    void step(const std::string& command, const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> args = {command, project()};
        args.insert(args.end(), extra.begin(), extra.end());
        if (command != "certify")
            args.insert(args.end(), {"--quiet", "--threads", "2"});
        const auto r = run(args);
        INFO(command << ": " << r.err);
        REQUIRE(r.code == 0);
    }
};

} // namespace

TEST_CASE("parcels, credits and certify write to --out and read the earlier steps' outputs from it",
          "[cli][output]") {
    OutputSample s;
    const fs::path elsewhere = s.dir / "elsewhere";
    s.step("parcels", {"--out", elsewhere.string()}); // runs the stock step first, into the same folder
    s.step("credits", {"--output", elsewhere.string()});
    s.step("certify", {"--out", elsewhere.string()});
    CHECK(fs::exists(elsewhere / "stock_total.tif"));
    CHECK(fs::exists(elsewhere / "parcels.gpkg"));
    CHECK_FALSE(fs::exists(s.dir / "output")); // the project's own output folder is never touched

    // The same steps into the project's output give the same bytes: --out moves the files, nothing else.
    s.step("parcels");
    s.step("credits");
    s.step("certify");
    for (const char* name : {"parcels.geojson", "credits.csv", "stock_summary.csv"}) {
        INFO(name);
        CHECK(slurp(elsewhere / name) == slurp(s.dir / "output" / name));
    }
    const auto certificates = files_in(s.dir / "output" / "certificates");
    REQUIRE(certificates.size() >= 2); // the sample credits two parcels
    for (const auto& c : certificates) {
        INFO(c.filename());
        CHECK(slurp(elsewhere / "certificates" / c.filename()) == slurp(c));
    }
}

TEST_CASE("habitat and stock also take --output, run and report also --out", "[cli][output]") {
    OutputSample s;
    const fs::path a = s.dir / "a", b = s.dir / "b";
    s.step("habitat", {"--output", a.string()});
    CHECK(fs::exists(a / "habitat.tif"));
    s.step("stock", {"--output", a.string()});
    CHECK(fs::exists(a / "stock_total.tif"));
    s.step("run", {"--out", b.string(), "--steps", "stock"});
    CHECK(fs::exists(b / "stock_total.tif"));
    CHECK(fs::exists(b / "run.json"));
    CHECK(slurp(b / "stock_total.tif") == slurp(a / "stock_total.tif"));
    s.step("report", {"--out", b.string()});
    CHECK(fs::exists(b / "report.html"));
    CHECK_FALSE(fs::exists(s.dir / "output"));
}

TEST_CASE("lots --out lists the lots of the registry in that folder", "[cli][output]") {
    OutputSample s;
    const fs::path c = s.dir / "c";
    s.step("run", {"--output", c.string()}); // every step: the registry issues the credits, lots lists them
    const std::string listed = slurp(c / "lots.csv");
    REQUIRE_FALSE(listed.empty());
    fs::remove(c / "lots.csv");
    s.step("lots", {"--out", c.string()});
    CHECK(slurp(c / "lots.csv") == listed);
    CHECK_FALSE(fs::exists(s.dir / "output"));
}
