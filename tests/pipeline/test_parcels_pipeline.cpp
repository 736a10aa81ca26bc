// run_parcels / run_zonal called as a host program would: the stock step run only when its rasters are missing
// or stale, parcel totals equal to the zonal totals on the same raster, request errors naming the field.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/pipeline/parcels.hpp>
#include <bluecarbon/pipeline/zonal.hpp>

#include "pipeline/pipeline_fixtures.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace bluecarbon;
namespace fs = std::filesystem;

TEST_CASE("run_parcels runs the stock step only when its rasters are missing or stale", "[pipeline][parcels]") {
    test::SampleProject s;
    const auto cfg = s.with_output("out");
    pipeline::RunContext ctx;
    ctx.threads = 2;
    ctx.tile = 128;
    const auto first = pipeline::run_parcels(cfg, ctx);
    REQUIRE(first.stock);
    CHECK(first.stock_reason == "habitat.tif is missing");
    CHECK(fs::exists(cfg.output_dir / "tidal.tif"));
    CHECK(fs::exists(cfg.output_dir / "parcels.gpkg"));
    CHECK(fs::exists(cfg.output_dir / "parcels.geojson"));
    // The sample: an owner per parcel; P07 (300 m²) fails the minimum mapping unit and P08 (salt marsh with the
    // seawall and ponds behind it, above HAT) the tidal frame; every other parcel is eligible.
    const auto& recs = first.parcels.parcels;
    REQUIRE(recs.size() == 8);
    CHECK(first.parcels.eligible == 6);
    for (const auto& rec : recs) {
        INFO(rec.id);
        CHECK_FALSE(rec.owner.empty());
        const std::string want = rec.id == "P07" ? "below_mmu" : rec.id == "P08" ? "outside_tidal_frame" : "";
        CHECK(rec.eligibility.reasons_text() == want);
        CHECK(rec.tidal_share >= 0.0);
        CHECK(rec.tidal_share <= 1.0);
    }
    CHECK(recs[6].area_m2 < 400.0);
    CHECK(recs[7].tidal_share < 0.5);

    const auto second = pipeline::run_parcels(cfg, ctx);
    CHECK_FALSE(second.stock);
    CHECK(pipeline::to_json(second).find("\"stock_ran\": false") != std::string::npos);

    // An input newer than the rasters: the stock step runs again.
    const auto refl = s.dir.path() / "reflectance.tif";
    fs::last_write_time(refl, fs::last_write_time(cfg.output_dir / "stock_total.tif") + std::chrono::seconds(5));
    CHECK(pipeline::stock_outputs_stale(cfg) == std::string("reflectance.tif is newer than the stock rasters"));
    const auto third = pipeline::run_parcels(cfg, ctx);
    REQUIRE(third.stock);
    CHECK(third.stock_reason == "reflectance.tif is newer than the stock rasters");
    // Same rasters, same parcels: the same numbers, bit for bit.
    for (std::size_t i = 0; i < recs.size(); ++i)
        CHECK(third.parcels.parcels[i].stock_mg_c[4] == recs[i].stock_mg_c[4]);
}

TEST_CASE("parcel stock totals equal run_zonal's total statistic on stock_total.tif", "[pipeline][parcels][zonal]") {
    test::SampleProject s;
    const auto cfg = s.with_output("out");
    pipeline::RunContext ctx;
    ctx.threads = 1;
    const auto p = pipeline::run_parcels(cfg, ctx);

    pipeline::ZonalRequest z;
    z.raster = {cfg.output_dir / "stock_total.tif", ""};
    z.polygons = *cfg.parcels.path;
    z.id_field = "id";
    z.stats = parcels::parse_stats("total,area_m2");
    z.out = s.dir.path() / "zonal.csv";
    ctx.threads = 2;
    ctx.tile = 64;  // another tile size and thread count: the sums are exact, so still bit-identical
    const auto zr = pipeline::run_zonal(z, ctx);
    CHECK(zr.summary.parcels == 8);
    CHECK(pipeline::summary_text(zr).find("zonal: 8 rows x 2 columns (total, area_m2)") == 0);
    const auto table = read_csv(z.out);
    REQUIRE(table.size() == 8);
    for (std::size_t i = 0; i < 8; ++i) {
        const auto& rec = p.parcels.parcels[i];
        CHECK(table.field(i, 0) == rec.id);
        CHECK(*parse_number(table.field(i, 1)) == rec.stock_mg_c[4]);
        CHECK(rec.stock_total_mg_co2e == rec.stock_mg_c[4] * (44.0 / 12.0));
    }
}

TEST_CASE("parcel per-pool 90 % half-widths equal run_zonal's total on uncertainty_<pool>.tif",
          "[pipeline][parcels][zonal][uncertainty]") {
    test::SampleProject s;
    const auto cfg = s.with_output("out");
    pipeline::RunContext ctx;
    ctx.threads = 2;
    const auto p = pipeline::run_parcels(cfg, ctx);
    const char* pools[] = {"agb", "bgb", "dead", "soc"};
    for (std::size_t k = 0; k < 4; ++k) {
        INFO(pools[k]);
        pipeline::ZonalRequest z;
        z.raster = {cfg.output_dir / ("uncertainty_" + std::string(pools[k]) + ".tif"), ""};
        z.polygons = *cfg.parcels.path;
        z.id_field = "id";
        z.stats = parcels::parse_stats("total");
        z.out = s.dir.path() / ("zonal_" + std::string(pools[k]) + ".csv");
        ctx.threads = 1;
        ctx.tile = 64;  // another tile size and thread count: exact sums, bit-identical
        (void)pipeline::run_zonal(z, ctx);
        const auto table = read_csv(z.out);
        REQUIRE(table.size() == 8);
        for (std::size_t i = 0; i < 8; ++i) {
            const auto& rec = p.parcels.parcels[i];
            CHECK(table.field(i, 0) == rec.id);
            CHECK(*parse_number(table.field(i, 1)) == rec.stock_ci90_mg_c[k]);
        }
    }
    // The parcels with soil carbon carry a positive SOC half-width, and the columns are in parcels.gpkg.
    int with_soc = 0;
    for (const auto& rec : p.parcels.parcels)
        if (rec.stock_mg_c[3] > 0) {
            ++with_soc;
            CHECK(rec.stock_ci90_mg_c[3] > 0);
        }
    CHECK(with_soc > 0);
    const auto cols = parcels::parcel_columns(p.parcels.habitat_columns);
    for (const char* c : {"stock_agb_ci90_mg_c", "stock_bgb_ci90_mg_c", "stock_dead_ci90_mg_c", "stock_soc_ci90_mg_c",
                          "stock_total_ci90_mg_c"})
        CHECK(std::find(cols.begin(), cols.end(), c) != cols.end());
}

TEST_CASE("run_parcels without [parcels] and run_zonal with bad fields fail before writing", "[pipeline][parcels]") {
    test::SampleProject s;
    auto cfg = s.with_output("none");
    cfg.parcels = config::ParcelsConfig{};
    CHECK_THROWS_AS(pipeline::run_parcels(cfg), ConfigError);
    CHECK_FALSE(fs::exists(cfg.output_dir));

    pipeline::ZonalRequest z;
    z.raster = {s.dir.path() / "dem.tif", ""};
    z.polygons = s.dir.path() / "parcels.geojson";
    z.id_field = "id";
    z.stats = {parcels::Stat::sum};
    z.min_coverage = 1.5;
    z.out = s.dir.path() / "z.csv";
    CHECK_THROWS_WITH(pipeline::run_zonal(z), "min coverage: must be between 0 and 1 (got 1.5)");
    z.min_coverage = 0;
    z.stats.clear();
    CHECK_THROWS_WITH(pipeline::run_zonal(z), "stats: no statistic given");
    CHECK_FALSE(fs::exists(z.out));
}
