// `bluecarbon zonal` and `bluecarbon parcels` through run_cli: the issue's bad-input list (one line, exit 2,
// nothing written), a partial overlap (a warning and an empty row), and parcels totals equal to zonal totals.
#include "cli/cli_fixtures.hpp"
#include "io/io_fixtures.hpp"
#include "support/rectangles.hpp"
#include "support/temp_dir.hpp"

#include <bluecarbon/io/csv.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace bluecarbon;
using bluecarbon::test::rectangle_geojson;
using bluecarbon::test::write_text;
namespace fs = std::filesystem;

namespace {

// 40 x 30 cells of 10 m in UTM 51N from (500000, 10300); value = 1 + col.
void write_values(const fs::path& p, double x0 = 500000) {
    test::FixtureRaster r;
    r.width = 40;
    r.height = 30;
    r.gt = {x0, 10, 0, 10300, 0, -10};
    r.epsg = 32651;
    test::FixtureBand b;
    for (int row = 0; row < 30; ++row)
        for (int col = 0; col < 40; ++col) b.values.push_back(1 + col);
    r.bands.push_back(b);
    write_fixture(p, r);
}

// A GeoJSON FeatureCollection in EPSG:32651 with an "id" per feature.
std::string collection(const std::vector<std::pair<std::string, std::string>>& features) {
    std::string s = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
                    R"("urn:ogc:def:crs:EPSG::32651"}},"features":[)";
    for (std::size_t i = 0; i < features.size(); ++i)
        s += fmt::format(R"({}{{"type":"Feature","properties":{{"id":"{}"}},"geometry":{}}})", i ? "," : "",
                         features[i].first, features[i].second);
    return s + "]}";
}

struct ZonalFixture {
    test::TempDir dir{"bc-zonal-cli"};
    ZonalFixture() {
        write_values(dir / "v.tif");
        write_values(dir / "far.tif", 900000);
        write_text(dir / "p.geojson", collection({{"A", rectangle_geojson(500020, 10280, 500040, 10300)}}));
    }
    // zonal with the fixture's defaults, `replace` swapping an option's value (or adding options).
    [[nodiscard]] test::CliResult zonal(const std::map<std::string, std::string>& replace) const {
        std::map<std::string, std::string> o = {{"--raster", (dir / "v.tif").string()},
                                                {"--polygons", (dir / "p.geojson").string()},
                                                {"--id", "id"},
                                                {"--stats", "sum"},
                                                {"--out", (dir / "z.csv").string()}};
        for (const auto& [k, v] : replace) o[k] = v;
        std::vector<std::string> args{"zonal", "--quiet"};
        for (const auto& [k, v] : o) args.insert(args.end(), {k, v});
        return test::run(args);
    }
};

}  // namespace

TEST_CASE("zonal refuses each bad input with one line and exit 2 and writes nothing", "[cli][zonal]") {
    ZonalFixture f;
    write_text(f.dir / "empty.geojson", "");
    write_text(f.dir / "dup.geojson", collection({{"A", rectangle_geojson(500020, 10280, 500040, 10300)},
                                                  {"A", rectangle_geojson(500060, 10280, 500080, 10300)}}));
    write_text(f.dir / "off.geojson", collection({{"F", rectangle_geojson(700000, 10000, 700100, 10100)}}));
    write_text(f.dir / "line.geojson",
               collection({{"L", R"({"type":"LineString","coordinates":[[500000,10000],[500100,10100]]})"}}));
    write_text(f.dir / "point.geojson", collection({{"P", R"({"type":"Point","coordinates":[500010,10010]})"}}));
    write_text(f.dir / "nan.geojson",
               collection({{"N", R"({"type":"Polygon","coordinates":[[[500000,10000],[NaN,10000],)"
                                 R"([500100,10100],[500000,10000]]]})"}}));
    const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
        {{{"--polygons", (f.dir / "missing.geojson").string()}}, "no such file"},
        {{{"--polygons", (f.dir / "empty.geojson").string()}}, "the file is empty"},
        {{{"--id", "nope"}}, "no id field 'nope'"},
        {{{"--polygons", (f.dir / "dup.geojson").string()}}, "is not unique: 'A'"},
        {{{"--polygons", (f.dir / "off.geojson").string()}}, "do not overlap at all"},
        {{{"--stats", "sum,average"}}, "--stats: unknown statistic 'average'"},
        {{{"--min-coverage", "1.5"}}, "--min-coverage: must be between 0 and 1 (got 1.5)"},
        {{{"--min-coverage", "-0.1"}}, "--min-coverage: must be between 0 and 1 (got -0.1)"},
        {{{"--polygons", (f.dir / "line.geojson").string()}}, "polygons are needed"},
        {{{"--polygons", (f.dir / "point.geojson").string()}}, "polygons are needed"},
        {{{"--polygons", (f.dir / "nan.geojson").string()}}, "NaN"},
        {{{"--stats", "weighted_sum"}, {"--weights", (f.dir / "far.tif").string()}}, "far.tif"},
    };
    for (const auto& [opts, fragment] : cases) {
        const auto r = f.zonal(opts);
        INFO(fragment << " -> " << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find(fragment) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.out.empty());
        CHECK(test::files_in(f.dir.path()).size() == 9);  // the inputs only: no output, no temporary left behind
    }
}

TEST_CASE("zonal warns about polygons off the raster and leaves their rows empty", "[cli][zonal]") {
    ZonalFixture f;
    // A: cols 2-3, rows 0-1 -> values 3, 4, 3, 4: count 4, sum 14. B lies 100 km east of the raster.
    write_text(f.dir / "some.geojson", collection({{"A", rectangle_geojson(500020, 10280, 500040, 10300)},
                                                   {"B", rectangle_geojson(600000, 10000, 600010, 10010)}}));
    const auto r = f.zonal({{"--polygons", (f.dir / "some.geojson").string()}, {"--stats", "count,sum,mean"}});
    REQUIRE(r.code == 0);
    CHECK(r.err.find("bluecarbon: warning: 1 of 2 polygons lie outside") != std::string::npos);
    CHECK(r.out.find("zonal: 2 rows x 3 columns (count, sum, mean)") == 0);
    CHECK(test::slurp(f.dir / "z.csv") == "id,count,sum,mean\nA,4,14,3.5\nB,,,\n");
}

TEST_CASE("parcels totals equal zonal --stats total on the same rasters", "[cli][parcels][zonal]") {
    test::TempDir dir{"bc-parcels-cli"};
    REQUIRE(test::run({"sample", "--out", dir.path().string(), "--quiet"}).code == 0);
    const auto p = test::run({"parcels", (dir / "project.toml").string(), "--json", "--quiet", "--threads", "2"});
    INFO(p.err);
    REQUIRE(p.code == 0);
    const auto j = nlohmann::json::parse(p.out);
    CHECK(j["stock_ran"] == true);
    CHECK(fs::exists(dir / "output" / "parcels.gpkg"));
    const auto z = test::run({"zonal", "--raster", (dir / "output" / "stock_total.tif").string(), "--polygons",
                              (dir / "parcels.geojson").string(), "--id", "id", "--stats", "total", "--out",
                              (dir / "z.csv").string(), "--tile", "64", "--threads", "1", "--quiet"});
    REQUIRE(z.code == 0);
    const auto table = read_csv(dir / "z.csv");
    REQUIRE(table.size() == j["rows"].size());
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(table.field(i, 0) == j["rows"][i]["parcel_id"].get<std::string>());
        CHECK(*parse_number(table.field(i, 1)) == j["rows"][i]["stock_total_mg_c"].get<double>());
    }
    // A second run finds the stock rasters up to date; its summary names the files.
    const auto again = test::run({"parcels", (dir / "project.toml").string(), "--quiet"});
    CHECK(again.code == 0);
    CHECK(again.out.find("stock step run first") == std::string::npos);
    CHECK(again.out.find("parcels.gpkg") != std::string::npos);
}

TEST_CASE("parcels without a [parcels] section fails with exit 2 before any work", "[cli][parcels]") {
    test::TempDir dir{"bc-parcels-cli"};
    write_text(dir / "project.toml", "[project]\nclimate_zone = \"subtropical\"\n[habitat]\nmap = \"h.tif\"\n"
                                     "[habitat.classes]\n1 = \"mangrove\"\n");
    const auto r = test::run({"parcels", (dir / "project.toml").string(), "--quiet"});
    CHECK(r.code == 2);
    CHECK(r.err.find("no [parcels] section") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "output"));
}
