// The parcels job: areas, stocks, tidal share and each eligibility rule on a small stock folder; totals equal
// zonal's; parcels.gpkg columns as named by the contract.
#include "io/io_fixtures.hpp"
#include "support/rectangles.hpp"
#include "support/temp_dir.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/parcels_job.hpp>
#include <bluecarbon/parcels/zonal_job.hpp>

#include <catch2/catch.hpp>
#include <ogrsf_frmts.h>
#include <fmt/format.h>

#include <fstream>
#include <functional>

using namespace bluecarbon;
using namespace bluecarbon::parcels;
using bluecarbon::test::rectangle_geojson;
namespace fs = std::filesystem;

namespace {

// 40 x 30 cells of 10 m (UTM 51N) from (500000, 10300). Mangrove (5) in columns 0..19, forest (7) in 20..39;
// rows 0..14 lie in the tidal frame, rows 15..29 do not.
void write_stock(const fs::path& dir) {
    fs::create_directories(dir);
    const auto raster = [&](const std::string& name, const std::function<double(int, int)>& f, GDALDataType type) {
        test::FixtureRaster r;
        r.width = 40;
        r.height = 30;
        r.gt = {500000, 10, 0, 10300, 0, -10};
        r.epsg = 32651;
        r.type = type;
        test::FixtureBand b;
        for (int row = 0; row < 30; ++row)
            for (int col = 0; col < 40; ++col) b.values.push_back(f(col, row));
        r.bands.push_back(b);
        write_fixture(dir / name, r);
    };
    raster("habitat.tif", [](int c, int) { return c < 20 ? 5 : 7; }, GDT_Byte);
    raster("stock_agb.tif", [](int, int) { return 10; }, GDT_Float32);
    raster("stock_bgb.tif", [](int, int) { return 5; }, GDT_Float32);
    raster("stock_dead.tif", [](int, int) { return 1; }, GDT_Float32);
    raster("stock_soc.tif", [](int, int) { return 200; }, GDT_Float32);
    raster("stock_total.tif", [](int c, int) { return 216 + c; }, GDT_Float32);
    raster("uncertainty.tif", [](int, int) { return 20; }, GDT_Float32);
    raster("uncertainty_agb.tif", [](int, int) { return 4; }, GDT_Float32);
    raster("uncertainty_bgb.tif", [](int, int) { return 3; }, GDT_Float32);
    raster("uncertainty_dead.tif", [](int c, int) { return c < 20 ? 0.5 : 1.5; }, GDT_Float32);
    raster("uncertainty_soc.tif", [](int, int) { return 15; }, GDT_Float32);
    raster("tidal.tif", [](int, int r) { return r < 15 ? 1 : 0; }, GDT_Byte);
}

std::string collection(const std::vector<std::array<std::string, 3>>& f) {
    std::string s = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32651"}},"features":[)";
    for (std::size_t i = 0; i < f.size(); ++i)
        s += fmt::format(R"({}{{"type":"Feature","properties":{{"pid":"{}","owner":"{}"}},"geometry":{}}})", i ? "," : "",
                         f[i][0], f[i][1], f[i][2]);
    return s + "]}";
}

const std::string k_bowtie =
    R"({"type":"Polygon","coordinates":[[[500300,10010],[500340,10050],[500340,10010],[500300,10050],[500300,10010]]]})";

ParcelsRequest request(const test::TempDir& dir) {
    ParcelsRequest req;
    req.polygons = dir / "parcels.geojson";
    req.id_field = "pid";
    req.owner_field = "owner";
    req.credited = dir / "credited.geojson";
    req.stock_dir = dir / "out";
    req.tidal_frame = dir / "out" / "tidal.tif";
    req.habitats = {{2, "seagrass", true}, {4, "salt_marsh", true}, {5, "mangrove", true}, {7, "forest", false}};
    req.make_valid = true;
    req.output_dir = dir / "out";
    req.tile_size = 16;
    return req;
}

void write_inputs(const test::TempDir& dir) {
    write_stock(dir / "out");
    std::ofstream(dir / "parcels.geojson") << collection({
        {"P1", "A", rectangle_geojson(500010, 10270, 500040, 10290)}, // 600 m² mangrove in the tidal frame: eligible
        {"P2", "", rectangle_geojson(500050, 10270, 500060, 10280)},  // 100 m², no owner
        {"P3", "B", rectangle_geojson(500250, 10200, 500290, 10240)}, // forest, overlaps P4 by 10 x 40 m
        {"P4", "C", rectangle_geojson(500280, 10200, 500320, 10240)},
        {"P5", "D", rectangle_geojson(500010, 10010, 500050, 10050)}, // mangrove below the tidal frame
        {"P6", "E", rectangle_geojson(500100, 10130, 500140, 10170)}, // half in the frame; overlaps credited C1
        {"P7", "F", k_bowtie},                                        // invalid, repaired
    });
    std::ofstream(dir / "credited.geojson")
        << collection({{"C1", "x", rectangle_geojson(500120, 10130, 500160, 10170)}});
}

}  // namespace

TEST_CASE("parcels computes areas, stocks and each eligibility rule", "[parcels][parcels_job]") {
    test::TempDir dir;
    write_inputs(dir);
    const auto res = run_parcels_job(request(dir));
    REQUIRE(res.parcels.size() == 7);
    CHECK(res.habitat_columns == std::vector<std::string>{"ha_mangrove", "ha_forest"});
    CHECK(res.repaired == 1);
    const auto& p = res.parcels;
    // P1: 3 x 2 cells, columns 1..3: Σ (216 + c) × 100 m² / 10⁴ = 2 (217 + 218 + 219) / 100.
    CHECK(p[0].id == "P1");
    CHECK(p[0].owner == "A");
    CHECK(p[0].area_planar_m2 == Approx(600.0).epsilon(1e-12));
    // UTM shrinks distances by k = 0.9996 on the central meridian, so the ground area is larger: 600 / k².
    CHECK(p[0].area_m2 == Approx(600.0 / (0.9996 * 0.9996)).epsilon(2e-6));
    CHECK(p[0].habitat_ha == std::vector<double>{0.06, 0.0});
    CHECK(p[0].stock_mg_c[0] == Approx(0.6));   // 10 Mg C/ha × 0.06 ha
    CHECK(p[0].stock_mg_c[3] == Approx(12.0));  // 200 × 0.06
    CHECK(p[0].stock_mg_c[4] == Approx(2.0 * (217 + 218 + 219) / 100.0).epsilon(1e-12));
    CHECK(p[0].stock_total_mg_co2e == Approx(p[0].stock_mg_c[4] * 44.0 / 12.0).epsilon(1e-15));
    CHECK(p[0].stock_total_ci90_mg_c == Approx(1.2));  // 20 × 0.06 ha, summed linearly
    // Each pool's half-width likewise: agb 4 × 0.06 ha, bgb 3 × 0.06, dead 0.5 × 0.06 (columns < 20), soc 15 × 0.06.
    CHECK(p[0].stock_ci90_mg_c[0] == Approx(0.24));
    CHECK(p[0].stock_ci90_mg_c[1] == Approx(0.18));
    CHECK(p[0].stock_ci90_mg_c[2] == Approx(0.03));
    CHECK(p[0].stock_ci90_mg_c[3] == Approx(0.9));
    // P3: 40 × 40 m from column 25 on (forest, dead 1.5), of which 0.16 ha: 1.5 × 0.16 = 0.24.
    CHECK(p[2].stock_ci90_mg_c[2] == Approx(0.24));
    CHECK(p[0].tidal_share == 1.0);
    CHECK(p[0].eligibility.eligible);
    CHECK(p[1].eligibility.reasons_text() == "below_mmu;no_owner");
    CHECK(p[2].eligibility.reasons_text() == "overlaps:P4");
    CHECK(p[3].eligibility.reasons_text() == "overlaps:P3");
    CHECK(p[2].habitat_ha == std::vector<double>{0.0, 0.16});
    CHECK(p[4].tidal_share == 0.0);
    CHECK(p[4].eligibility.reasons_text() == "outside_tidal_frame");
    CHECK(p[5].tidal_share == 0.5);  // rows 13..16: two of four in the frame
    CHECK(p[5].eligibility.reasons_text() == "previously_credited:C1");
    CHECK(p[6].eligibility.reasons_text() == "invalid_geometry");
    CHECK(p[6].area_planar_m2 == Approx(800.0));  // the bow tie's two triangles: 2 × 40 × 20 / 2
    CHECK(res.eligible == 1);

    // parcels.gpkg: the contract's columns, one feature per parcel in input order; GeoJSON beside it.
    GDALDatasetUniquePtr ds(GDALDataset::Open(res.gpkg.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("parcels");
    REQUIRE(layer);
    std::vector<std::string> names;
    for (int i = 0; i < layer->GetLayerDefn()->GetFieldCount(); ++i)
        names.emplace_back(layer->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
    CHECK(names == std::vector<std::string>{"parcel_id", "owner", "area_m2", "area_planar_m2", "ha_mangrove",
                                            "ha_forest", "stock_agb_mg_c", "stock_bgb_mg_c", "stock_dead_mg_c",
                                            "stock_soc_mg_c", "stock_total_mg_c", "stock_total_mg_co2e",
                                            "stock_total_ci90_mg_c", "stock_agb_ci90_mg_c", "stock_bgb_ci90_mg_c",
                                            "stock_dead_ci90_mg_c", "stock_soc_ci90_mg_c", "tidal_share",
                                            "eligible", "reasons"});
    CHECK(layer->GetFeatureCount() == 7);
    OGRFeatureUniquePtr f(layer->GetNextFeature());
    CHECK(std::string(f->GetFieldAsString("parcel_id")) == "P1");
    CHECK(f->GetFieldAsInteger("eligible") == 1);
    CHECK(ds->GetLayerByName("layer_styles") != nullptr);
    CHECK(fs::exists(res.geojson));
}

TEST_CASE("parcels stock totals equal zonal --stats total", "[parcels][parcels_job]") {
    test::TempDir dir;
    write_inputs(dir);
    const auto res = run_parcels_job(request(dir));
    ZonalRequest z;
    z.raster = {dir / "out" / "stock_total.tif", ""};
    z.polygons = dir / "parcels.geojson";
    z.id_field = "pid";
    z.stats = {Stat::total};
    z.make_valid = true;
    z.out = dir / "z.csv";
    z.tile_size = 48;  // another tiling: the totals are still bit-identical
    (void)run_zonal_job(z);
    const auto t = read_csv(z.out);
    REQUIRE(t.size() == res.parcels.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
        CHECK(t.field(i, 0) == res.parcels[i].id);
        CHECK(std::stod(t.field(i, 1)) == res.parcels[i].stock_mg_c[4]);
    }
}

TEST_CASE("parcels stops on invalid parcels without --make-valid and writes nothing", "[parcels][parcels_job]") {
    test::TempDir dir;
    write_inputs(dir);
    auto req = request(dir);
    req.make_valid = false;
    try {
        (void)run_parcels_job(req);
        FAIL("no error");
    } catch (const InputError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("parcel 'P7' (feature 7): Self-intersection") != std::string::npos);
        CHECK(msg.find("--make-valid") != std::string::npos);
    }
    CHECK(!fs::exists(dir / "out" / "parcels.gpkg"));
    CHECK(!fs::exists(dir / "out" / "parcels.geojson"));
    req.make_valid = true;
    fs::remove(dir / "out" / "stock_soc.tif");
    CHECK_THROWS_WITH(run_parcels_job(req), Catch::Contains("stock_soc.tif: missing"));
}
