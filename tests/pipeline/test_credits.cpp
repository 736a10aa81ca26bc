// run_credits on a hand-worked parcel: a 1 ha square of bare flat of which 80 % carries young mangrove five years
// on, through VM0033 and CCER; a forest parcel excluded; determinism over threads and tiles; refusals.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/pipeline/credits.hpp>

#include "support/file_text.hpp"
#include "pipeline_fixtures.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace bluecarbon;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

constexpr double k_x0 = 390000, k_y0 = 3266000; // upper-left corner, EPSG:32651, 10 m cells

// A 40 x 40 map (16-pixel blocks): tidal flat (3) everywhere, forest (7) in rows 20-29 x columns 12-21 (parcel F);
// with `planted`, mangrove (5) in rows 10-17 of columns 10-19 (80 % of parcel A, cells 10-19 x 10-19). Both parcels
// straddle the edges of 16-pixel tiles.
void write_map(const fs::path& file, bool planted) {
    const Grid grid(crs_from_user("EPSG:32651"), GeoTransform{k_x0, 10, 0, k_y0, 0, -10}, 40, 40);
    RasterSinkOptions o;
    o.type = PixelType::uint8;
    o.nodata = 255;
    o.cog = false;
    o.block_size = 16;
    RasterSink sink(file, grid, o);
    Block<std::uint8_t> b(grid.full_window());
    for (int r = 0; r < 40; ++r) {
        for (int c = 0; c < 40; ++c) {
            std::uint8_t h = 3;
            if (r >= 20 && r < 30 && c >= 12 && c < 22)
                h = 7;
            if (planted && r >= 10 && r < 18 && c >= 10 && c < 20)
                h = 5;
            b.px[static_cast<std::size_t>(r * 40 + c)] = h;
        }
    }
    sink.write(b);
    sink.finish();
}

std::string square(const char* id, int c0, int r0, int n) {
    const double x0 = k_x0 + 10 * c0, x1 = x0 + 10 * n, y1 = k_y0 - 10 * r0, y0 = y1 - 10 * n;
    return fmt::format(R"({{ "type": "Feature", "properties": {{ "id": "{}" }}, "geometry": {{ "type": "Polygon", )"
                       R"("coordinates": [ [ [{},{}], [{},{}], [{},{}], [{},{}], [{},{}] ] ] }} }})",
                       id, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
}

struct Fixture {
    test::TempDir dir{"bc-credits"};
    Fixture() {
        write_map(dir / "base.tif", false);
        write_map(dir / "mon.tif", true);
        std::ofstream(dir / "parcels.geojson")
            << R"({ "type": "FeatureCollection", "crs": { "type": "name", "properties": { "name": )"
            << R"("urn:ogc:def:crs:EPSG::32651" } }, "features": [ )" << square("A", 10, 10, 10) << ", "
            << square("F", 12, 20, 10) << " ] }\n";
        std::ofstream(dir / "precision.csv") << "precision_up_to_pct,discount_pct\n10,0\n40,10\n60,30\n";
    }
    [[nodiscard]] config::ProjectConfig project(const std::string& credits_extra = "",
                                                const std::string& profile = "vm0033") const {
        const std::string text = "[project]\nclimate_zone = \"subtropical\"\n"
                                 "[habitat]\nmap = \"base.tif\"\n"
                                 "[habitat.classes]\n1 = \"water\"\n2 = \"seagrass\"\n3 = \"tidal_flat\"\n"
                                 "4 = \"salt_marsh\"\n5 = \"mangrove\"\n6 = \"aquaculture_pond\"\n7 = \"forest\"\n"
                                 "8 = \"other\"\n"
                                 "[stock]\nsoil = \"mineral\"\n"
                                 "[parcels]\npath = \"parcels.geojson\"\n"
                                 "[credits]\nstart_year = 2020\nend_year = 2040\nprofile = \"" +
                                 profile +
                                 "\"\nbuffer_percent = 15\nprice = 10\ncurrency = \"USD\"\n"
                                 "discount_rate = 5\n" +
                                 credits_extra +
                                 "\n[[credits.snapshots]]\nyear = 2020\nmap = \"base.tif\"\n"
                                 "[[credits.snapshots]]\nyear = 2025\nmap = \"mon.tif\"\n";
        return config::parse_project(text, dir / "project.toml");
    }
};

using bluecarbon::test::slurp;

pipeline::RunContext run_with(int threads, std::int64_t tile) {
    pipeline::RunContext rc;
    rc.threads = threads;
    rc.tile = tile;
    return rc;
}

// Shipped Tier-1 rows (data/tier1_pools.csv 2026.1), subtropical mangrove on mineral soil:
constexpr double k_growth = 18.1, k_cap = 75, k_rs = 0.96, k_cf = 0.45; // t d.m./ha/yr, t d.m./ha, -, t C/t d.m.
constexpr double k_co2 = 44.0 / 12.0;
// Relative 90 % half-widths: the growth and soil-rate rows give no interval, so the stock rows' do:
// AGB 75 (37.5-112.5) and SOC 286 (247-330), σ = width / (2 × 1.959964), half-width = 1.6448536 σ.
const double k_rel_bio = 1.6448536269514722 * (75.0 / (2 * 1.959963984540054)) / 75.0;
const double k_rel_soil = 1.6448536269514722 * (83.0 / (2 * 1.959963984540054)) / 286.0;

} // namespace

TEST_CASE("credits on a hand-worked parcel with VM0033", "[pipeline][credits]") {
    Fixture f;
    auto cfg = f.project("vintages = [[2020, 2023], [2023, 2025]]");
    cfg.output_dir = f.dir / "out";
    const auto r = pipeline::run_credits(cfg, run_with(1, 16));
    REQUIRE(r.rows.size() == 4);
    CHECK(r.profile == "VM0033");
    CHECK(r.profile_version == "2.1");

    // Parcel A: 100 cells of 100 m² = 1 ha; 80 cells (0.8 ha) become mangrove in 2020 (the change a monitoring map
    // shows is dated from the start of the period it closes). Cover 80 % >= 50 %: VM0033's full 1.46 t C/ha/yr.
    // 2020-2022: AGB 0 -> 54.3 (3 x 18.1); biomass C = 54.3 x 1.96 x 0.45 = 47.8926 t C/ha; soil 3 x 1.46 = 4.38.
    const double bio1 = 0.8 * 3 * k_growth * (1 + k_rs) * k_cf * k_co2;
    const double soil1 = 0.8 * 3 * 1.46 * k_co2;
    const auto& a1 = r.rows[0];
    CHECK(a1.parcel_id == "A");
    CHECK(a1.baseline_t_co2e == 0.0); // bare flat held unchanged: no flows at Tier 1
    CHECK(a1.project_t_co2e == Approx(-(bio1 + soil1)).epsilon(1e-12));
    CHECK(a1.ner_t_co2e == Approx(153.33296).epsilon(1e-12)); // 0.8 x 52.2726 x 44/12
    const double u1 = std::hypot(bio1 * k_rel_bio, soil1 * k_rel_soil) / (bio1 + soil1);
    CHECK(a1.uncertainty_pct == Approx(100 * u1).epsilon(1e-12));
    CHECK(u1 == Approx(0.38459).epsilon(1e-4)); // above 20 %: NER x (1 - U + 0.20)
    const double adj1 = (bio1 + soil1) * (1 - u1 + 0.20);
    CHECK(a1.adjusted_ner_t_co2e == Approx(adj1).epsilon(1e-12));
    CHECK(a1.buffer_t_co2e == Approx(0.15 * adj1).epsilon(1e-12));
    const double net1 = 0.85 * adj1; // 106.28...
    CHECK(a1.credits_t_co2e == static_cast<std::int64_t>(std::floor(net1)));
    CHECK(a1.credits_t_co2e == 106);
    CHECK(a1.carried_t_co2e == Approx(net1 - 106).epsilon(1e-9));
    CHECK(a1.value == 1060.0); // 106 x 10 USD

    // 2023-2024: AGB 54.3 -> 72.4 -> 75 (capped): + 20.7 t d.m./ha; soil 2 x 1.46.
    const double bio2 = 0.8 * (k_cap - 3 * k_growth) * (1 + k_rs) * k_cf * k_co2;
    const double soil2 = 0.8 * 2 * 1.46 * k_co2;
    const auto& a2 = r.rows[1];
    CHECK(a2.vintage_start == 2023);
    CHECK(a2.vintage_end == 2025);
    CHECK(a2.ner_t_co2e == Approx(bio2 + soil2).epsilon(1e-12));
    const double u2 = std::hypot(bio2 * k_rel_bio, soil2 * k_rel_soil) / (bio2 + soil2);
    const double net2 = 0.85 * (bio2 + soil2) * (1 - u2 + 0.20) + (net1 - 106); // the remainder carries
    CHECK(a2.credits_t_co2e == static_cast<std::int64_t>(std::floor(net2)));
    CHECK(a2.carried_t_co2e == Approx(net2 - std::floor(net2)).epsilon(1e-9));

    // Forest parcel: VM0033 does not cover it.
    CHECK(r.rows[2].parcel_id == "F");
    CHECK_THAT(r.rows[2].excluded_reason, Contains("not forest"));
    CHECK(r.rows[2].credits_t_co2e == 0);
    CHECK(r.parcels_excluded == 1);
    CHECK(r.parcels[0].habitat_before == "tidal_flat");
    CHECK(r.parcels[0].habitat_project == "mangrove");
    CHECK(r.parcels[0].area_ha == Approx(1.0).epsilon(1e-12));
    // NPV at 2020, 5 %: each vintage's value discounted from its end year.
    CHECK(r.npv == Approx(1060.0 / std::pow(1.05, 3) + 10.0 * a2.credits_t_co2e / std::pow(1.05, 5)).epsilon(1e-12));

    // credits.csv has the contract's columns; parcels.gpkg the totals.
    const auto csv = slurp(cfg.output_dir / "credits.csv");
    CHECK(csv.rfind("parcel_id,profile,profile_version,vintage_start,vintage_end,baseline_t_co2e,project_t_co2e,"
                    "leakage_t_co2e,ner_t_co2e,uncertainty_pct,adjusted_ner_t_co2e,buffer_t_co2e,credits_t_co2e,"
                    "carried_t_co2e,value,excluded_reason\n",
                    0) == 0);
    CHECK(csv.find("A,VM0033,2.1,2020,2023,0,") != std::string::npos);
    PolygonReadOptions po;
    po.id_field = "parcel_id";  // the parcels.gpkg contract
    po.attribute_fields = {"credits_t_co2e", "buffer_t_co2e", "credits_excluded_reason"};
    const auto gpkg = read_polygons(cfg.output_dir / "parcels.gpkg", po);
    REQUIRE(gpkg.size() == 2);
    CHECK(gpkg.attributes[0][0] == std::to_string(a1.credits_t_co2e + a2.credits_t_co2e));
    CHECK_THAT(gpkg.attributes[1][2], Contains("not forest"));
}

TEST_CASE("credits keep the columns of an existing parcels.gpkg", "[pipeline][credits]") {
    Fixture f;
    auto cfg = f.project();
    cfg.output_dir = f.dir / "out";
    fs::create_directories(cfg.output_dir);
    // A parcels.gpkg as the parcels step writes it: other columns and a style.
    PolygonReadOptions po;
    po.id_field = "id";
    const auto parcels = read_polygons(f.dir / "parcels.geojson", po);
    po.id_field = "parcel_id";  // the parcels.gpkg contract
    PolygonLayerSpec spec{"parcels",
                          parcels.crs,
                          {{"parcel_id", VectorField::Type::text}, {"owner", VectorField::Type::text}},
                          "bluecarbon parcels",
                          "<qgis/>"};
    write_polygons_gpkg(cfg.output_dir / "parcels.gpkg", spec, parcels.geometries, {{"A", "Ms Li"}, {"F", "Mr Wu"}});
    const auto r = pipeline::run_credits(cfg, run_with(2, 16));
    CHECK_FALSE(r.parcels_gpkg_created);
    po.attribute_fields = {"owner", "credits_t_co2e"};
    const auto gpkg = read_polygons(cfg.output_dir / "parcels.gpkg", po);
    REQUIRE(gpkg.size() == 2);
    CHECK(gpkg.attributes[0][0] == "Ms Li");
    CHECK(gpkg.attributes[0][1] == std::to_string(r.parcels[0].credits_t_co2e));
    CHECK(r.parcels[0].credits_t_co2e > 0);
    // The layer style is still there.
    GDALDatasetUniquePtr ds(GDALDataset::Open((cfg.output_dir / "parcels.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    REQUIRE(styles != nullptr);
    OGRFeatureUniquePtr style(styles->GetNextFeature());
    REQUIRE(style);
    CHECK(std::string(style->GetFieldAsString("styleQML")) == "<qgis/>");
}

TEST_CASE("credits on a hand-worked parcel with CCER-14-002", "[pipeline][credits]") {
    Fixture f;
    auto cfg = f.project("precision_table = \"precision.csv\"", "ccer-14-002");
    cfg.output_dir = f.dir / "out";
    const auto r = pipeline::run_credits(cfg, run_with(1, 16));
    REQUIRE(r.rows.size() == 2);
    CHECK(r.profile == "CCER-14-002-V01");
    // 2020-2024: AGB 0 -> 75 (capped in the fifth year); soil at WS2013 Table 4.12's 1.62 t C/ha/yr (no cover gate).
    const double bio = 0.8 * k_cap * (1 + k_rs) * k_cf * k_co2; // 0.8 x 66.15 x 44/12
    const double soil = 0.8 * 5 * 1.62 * k_co2;
    const auto& a = r.rows[0];
    CHECK(a.baseline_t_co2e == 0.0);
    CHECK(a.project_t_co2e == Approx(-(bio + soil)).epsilon(1e-12));
    CHECK(a.ner_t_co2e == Approx(217.8).epsilon(1e-9)); // 0.8 x (66.15 + 8.1) x 44/12 = 217.8
    const double precision = 100 * std::hypot(bio * k_rel_bio, soil * k_rel_soil) / (bio + soil);
    CHECK(a.uncertainty_pct == Approx(precision).epsilon(1e-12));
    REQUIRE(precision > 10);
    REQUIRE(precision <= 40); // the table's 10 % discount
    CHECK(a.adjusted_ner_t_co2e == Approx(0.9 * (bio + soil)).epsilon(1e-12));
    CHECK(a.buffer_t_co2e == Approx(0.15 * 0.9 * (bio + soil)).epsilon(1e-12));
    CHECK(a.credits_t_co2e == static_cast<std::int64_t>(std::floor(0.85 * 0.9 * (bio + soil)))); // 166
    CHECK(a.credits_t_co2e == 166);
    // Forest before the project: not a bare flat or retired pond.
    CHECK_THAT(r.rows[1].excluded_reason, Contains("not forest"));
}

TEST_CASE("credits are identical for any thread count and tile size", "[pipeline][credits]") {
    Fixture f;
    std::string first;
    for (int threads : {1, 2}) {
        for (std::int64_t tile : {16, 32}) {
            auto cfg = f.project("vintages = [[2020, 2022], [2022, 2025]]");
            cfg.output_dir = f.dir / fmt::format("out-{}-{}", threads, tile);
            const auto r = pipeline::run_credits(cfg, run_with(threads, tile));
            const auto csv = slurp(cfg.output_dir / "credits.csv");
            if (first.empty())
                first = csv;
            CHECK(csv == first);
            CHECK(r.tiles >= 1);
        }
    }
}

TEST_CASE("credits refusals", "[pipeline][credits]") {
    Fixture f;
    auto cfg = f.project();
    cfg.output_dir = f.dir / "out";
    SECTION("a buffer below the profile's minimum") {
        cfg.credits.buffer_percent = 5;
        CHECK_THROWS_WITH(pipeline::run_credits(cfg, run_with(1, 16)),
                          Contains("credits.buffer_percent: 5 is below VM0033 2.1's minimum of 10 %"));
    }
    SECTION("a baseline equal to the project credits nothing") {
        cfg = f.project("baseline_map = \"mon.tif\"");
        cfg.output_dir = f.dir / "out";
        const auto r = pipeline::run_credits(cfg, run_with(1, 16));
        CHECK(r.rows[0].ner_t_co2e == 0.0);
        CHECK(r.credits_t_co2e == 0);
    }
    SECTION("a class code the project does not map") {
        cfg.habitat.classes = science::ClassMapping();
        cfg.habitat.classes.add(3, science::Habitat::tidal_flat);
        CHECK_THROWS_WITH(pipeline::run_credits(cfg, run_with(1, 16)), Contains("not in [habitat.classes]"));
        CHECK_FALSE(fs::exists(f.dir / "out" / "credits.csv")); // nothing is published
    }
}
