// The zonal job end to end: polygons from a file (other CRS transformed), CSV and GeoPackage tables, bad input.
#include "io/io_fixtures.hpp"
#include "support/file_text.hpp"
#include "support/rectangles.hpp"
#include "support/temp_dir.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/geometry.hpp>
#include <bluecarbon/parcels/zonal_job.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>

using namespace bluecarbon;
using namespace bluecarbon::parcels;
using bluecarbon::test::rectangle_geojson;
using bluecarbon::test::write_text;
namespace fs = std::filesystem;

namespace {

// 40 x 30 cells of 10 m in UTM 51N at (500000, 10300) .. (500400, 10000); value = 1 + col, nodata none.
void write_raster(const fs::path& p, double x0 = 500000) {
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

std::string utm_collection(const std::vector<std::pair<std::string, std::string>>& features) {
    std::string s = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32651"}},"features":[)";
    for (std::size_t i = 0; i < features.size(); ++i)
        s += fmt::format(R"({}{{"type":"Feature","properties":{{"pid":"{}"}},"geometry":{}}})", i ? "," : "",
                         features[i].first, features[i].second);
    return s + "]}";
}

}  // namespace

TEST_CASE("zonal writes one CSV row per polygon in input order, id first", "[parcels][zonal_job]") {
    test::TempDir dir;
    write_raster(dir / "v.tif");
    // B: cols 2..3 (values 3, 4) whole rows 0..1 -> 4 cells; A: half of col 10 (value 11) and col 11 (12) over one row.
    write_text(dir / "p.geojson", utm_collection({{"B", rectangle_geojson(500020, 10280, 500040, 10300)},
                                                  {"A", rectangle_geojson(500105, 10290, 500120, 10300)},
                                                  {"OUT", rectangle_geojson(600000, 10000, 600010, 10010)}}));
    ZonalRequest req;
    req.raster = parse_raster_band((dir / "v.tif").string());
    req.polygons = dir / "p.geojson";
    req.id_field = "pid";
    req.stats = parse_stats("count,sum,mean,frac,total");
    req.out = dir / "z.csv";
    req.tile_size = 16;
    const auto s = run_zonal_job(req);
    CHECK(s.parcels == 3);
    CHECK(s.off_grid == 1);
    REQUIRE(s.warnings.size() == 1);
    CHECK(s.warnings[0].find("1 of 3 polygons lie outside") != std::string::npos);
    const auto t = read_csv(dir / "z.csv");
    const std::vector<std::string> header{"pid",      "count",    "sum",     "mean",    "frac_3",
                                          "frac_4",   "frac_11",  "frac_12", "total"};
    CHECK(t.header() == header);
    REQUIRE(t.size() == 3);
    // B: 4 cells, Σ x c = 2·3 + 2·4 = 14; total = 14 × 100 m² / 10⁴.
    CHECK(t.rows()[0].fields == std::vector<std::string>{"B", "4", "14", "3.5", "0.5", "0.5", "0", "0", "0.14"});
    // A: coverage .5 at value 11 and 1 at value 12: count 1.5, sum 17.5.
    CHECK(t.rows()[1].fields[0] == "A");
    CHECK(t.rows()[1].fields[1] == "1.5");
    CHECK(t.rows()[1].fields[2] == "17.5");
    CHECK(t.rows()[2].fields[0] == "OUT");
    // Off the raster: an empty row (exactextract would write count 0 and sum 0).
    for (std::size_t c = 1; c < header.size(); ++c) CHECK(t.rows()[2].fields[c].empty());
}

TEST_CASE("zonal transforms polygons from another CRS and counts exact covered area", "[parcels][zonal_job]") {
    test::TempDir dir;
    write_raster(dir / "v.tif");
    // A WGS 84 triangle inside the raster; its count must be its area in UTM 51N over the 100 m² cell.
    const std::vector<std::array<double, 2>> lonlat = {{123.00005, 0.0910}, {123.00030, 0.0918}, {123.00012, 0.0925}};
    std::string coords;
    for (int i = 0; i <= 3; ++i) coords += fmt::format("{}[{:.9f},{:.9f}]", i ? "," : "", lonlat[i % 3][0], lonlat[i % 3][1]);
    write_text(dir / "p.geojson",
               R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"pid":"T"},"geometry":{"type":"Polygon","coordinates":[[)" +
                   coords + "]]}}]}");
    MultiPolygon tri;
    tri.parts.push_back({{}, {}});
    for (int i = 0; i <= 3; ++i) tri.parts[0].exterior.push_back({lonlat[i % 3][0], lonlat[i % 3][1]});
    std::vector<MultiPolygon> v{tri};
    transform_polygons(v, crs_from_user("EPSG:4326"), crs_from_user("EPSG:32651"));
    const double area = planar_area(v[0]);
    REQUIRE(area > 1000);
    const auto bounds = v[0].bounds();
    REQUIRE(bounds.xmin > 500000);
    REQUIRE(bounds.xmax < 500400);
    REQUIRE(bounds.ymin > 10000);
    REQUIRE(bounds.ymax < 10300);

    ZonalRequest req;
    req.raster = {dir / "v.tif", "1"};
    req.polygons = dir / "p.geojson";
    req.id_field = "pid";
    req.stats = {Stat::count, Stat::area_m2};
    req.out = dir / "z.gpkg";
    (void)run_zonal_job(req);
    PolygonReadOptions o;
    o.id_field = "pid";
    o.attribute_fields = {"count", "area_m2"};
    const auto t = read_polygons(dir / "z.gpkg", o);
    REQUIRE(t.size() == 1);
    CHECK(std::stod(t.attributes[0][0]) == Approx(area / 100.0).epsilon(1e-9));
    CHECK(std::stod(t.attributes[0][1]) == Approx(area).epsilon(1e-9));
}

TEST_CASE("zonal refuses bad input with one line and writes nothing", "[parcels][zonal_job]") {
    test::TempDir dir;
    write_raster(dir / "v.tif");
    write_raster(dir / "far.tif", 900000);
    write_text(dir / "p.geojson", utm_collection({{"B", rectangle_geojson(500020, 10280, 500040, 10300)}}));
    write_text(dir / "bowtie.geojson",
               utm_collection({{"X", R"({"type":"Polygon","coordinates":[[[500000,10000],[500100,10100],[500100,10000],[500000,10100],[500000,10000]]]})"}}));
    write_text(dir / "off.geojson", utm_collection({{"F", rectangle_geojson(700000, 10000, 700100, 10100)}}));
    ZonalRequest base;
    base.raster = {dir / "v.tif", ""};
    base.polygons = dir / "p.geojson";
    base.id_field = "pid";
    base.stats = {Stat::sum};
    base.out = dir / "z.csv";
    const auto fails = [&](ZonalRequest r, const std::string& fragment) {
        INFO(fragment);
        try {
            (void)run_zonal_job(r);
            FAIL("no error");
        } catch (const InputError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(fragment) != std::string::npos);
            CHECK(std::string(e.what()).find('\n') == std::string::npos);
        }
        CHECK(!fs::exists(r.out));
    };
    auto r = base;
    r.min_coverage = 1.5;
    fails(r, "--min-coverage");
    r = base;
    r.out = dir / "z.txt";
    fails(r, ".csv or .gpkg");
    r = base;
    r.stats = {Stat::weighted_mean};
    fails(r, "--weights");
    r = base;
    r.polygons = dir / "off.geojson";
    fails(r, "do not overlap at all");
    r = base;
    r.polygons = dir / "bowtie.geojson";
    fails(r, "Self-intersection");
    r = base;
    r.stats = {Stat::weighted_sum};
    r.weights = RasterBandSpec{dir / "far.tif", ""};
    fails(r, "far.tif");
    r = base;
    r.polygons = dir / "missing.geojson";
    fails(r, "no such file");
    r = base;
    r.id_field = "nope";
    fails(r, "no id field 'nope'");

    // With make_valid the bow tie is repaired and counted.
    r = base;
    r.polygons = dir / "bowtie.geojson";
    r.make_valid = true;
    r.stats = {Stat::count};
    const auto s = run_zonal_job(r);
    CHECK(s.repaired == 1);
    CHECK(read_csv(r.out).rows()[0].fields[1] == "50");  // two triangles of 2500 m² = 50 cells
}

TEST_CASE("FILE:band specs split only when the whole text is not a file", "[parcels][zonal_job]") {
    CHECK(parse_raster_band("a.tif:2").file == "a.tif");
    CHECK(parse_raster_band("a.tif:2").band == "2");
    CHECK(parse_raster_band("a.tif:nir").band == "nir");
    CHECK(parse_raster_band("a.tif").band.empty());
}
