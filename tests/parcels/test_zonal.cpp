// Zonal statistics: each statistic by hand on small rasters, nodata and scale/offset through real GeoTIFFs,
// bit-identical results for threads 1/2 x three tile sizes.
#include "io/io_fixtures.hpp"
#include "parcels_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/parcels/zonal.hpp>
#include <bluecarbon/parcels/zonal_run.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace bluecarbon;
using namespace bluecarbon::parcels;

namespace {

// 4 x 3 cells of 10 m, origin (0, 30), values 1..12 row by row.
Grid small_grid() { return Grid(CrsInfo{}, GeoTransform{0, 10, 0, 30, 0, -10}, 4, 3); }

Block<float> small_values() {
    Block<float> b(Window{0, 0, 4, 3});
    for (std::size_t i = 0; i < b.size(); ++i) b.px[i] = static_cast<float>(i + 1);
    return b;
}

// A 20 x 20 m square offset by half a cell: coverage 1/4 at its corner cells, 1/2 on its sides, 1 in the middle.
CoverageBlock half_offset_square(const Grid& g) {
    return coverage_fractions(PixelPolygon(test::wkt_polygon("POLYGON((5 5,25 5,25 25,5 25,5 5))"), g.transform()),
                              g.full_window());
}

std::vector<Stat> all_scalar_stats() {
    return {Stat::count,    Stat::sum,      Stat::mean,     Stat::min,          Stat::max,
            Stat::stdev,    Stat::variance, Stat::median,   Stat::majority,     Stat::minority,
            Stat::variety,  Stat::frac,     Stat::weighted_sum, Stat::weighted_mean, Stat::area_m2, Stat::total};
}

}  // namespace

TEST_CASE("Each statistic matches a hand computation", "[parcels][zonal]") {
    const Grid g = small_grid();
    auto values = small_values();
    values.valid[values.index(2, 2)] = 0;  // cell value 11 is nodata
    Block<float> weights(Window{0, 0, 4, 3}, 2.0f);
    weights.px[weights.index(1, 1)] = 0.0f;  // the fully covered cell weighs nothing
    weights.valid[weights.index(0, 0)] = 0;  // and the first cell has no weight
    const ZonalOptions opts(all_scalar_stats());
    ZonalPartial z;
    accumulate(half_offset_square(g), values, &weights, g, opts, z);

    // Covered valid cells (value, coverage): (1,.25) (2,.5) (3,.25) (5,.5) (6,1) (7,.5) (9,.25) (10,.5).
    const double count = .25 + .5 + .25 + .5 + 1 + .5 + .25 + .5;                       // 3.75
    const double sum = 1 * .25 + 2 * .5 + 3 * .25 + 5 * .5 + 6 * 1 + 7 * .5 + 9 * .25 + 10 * .5;  // 21.25
    const double sum_sq = 1 * .25 + 4 * .5 + 9 * .25 + 25 * .5 + 36 * 1 + 49 * .5 + 81 * .25 + 100 * .5;
    const double mean = sum / count;
    CHECK(z.count() == 3.75);
    CHECK(z.sum() == 21.25);
    CHECK(z.mean() == Approx(mean).epsilon(1e-15));
    CHECK(z.min() == 1.0);
    CHECK(z.max() == 10.0);
    CHECK(z.variance() == Approx(sum_sq / count - mean * mean).epsilon(1e-13));
    CHECK(z.stdev() == Approx(std::sqrt(sum_sq / count - mean * mean)).epsilon(1e-13));
    // Weighted median: s_i = i c_i + 7 Σ_{j<i} c_j = 0, 2.25, 5.75, 8.5, 14.5, 20, 22.5, 26.25; half of 26.25 is
    // 13.125, between s_3 = 8.5 (x = 5) and s_4 = 14.5 (x = 6): 5 + 4.625 / 6.
    CHECK(z.median() == Approx(5.0 + 4.625 / 6.0).epsilon(1e-15));
    CHECK(z.majority() == 6.0);  // the only fully covered cell
    CHECK(z.minority() == 1.0);  // 1, 3 and 9 tie at 0.25: the smallest value
    CHECK(z.variety() == 8.0);
    const auto frac = z.frac();
    REQUIRE(frac.size() == 8);
    CHECK(frac.at(6.0) == Approx(1.0 / 3.75).epsilon(1e-15));
    CHECK(frac.at(9.0) == Approx(0.25 / 3.75).epsilon(1e-15));
    // Weights 2 everywhere except 0 at value 6 and none at value 1:
    // Σ x c w = 2(2·.5 + 3·.25 + 5·.5 + 7·.5 + 9·.25 + 10·.5) + 0 = 30; Σ c w = 2(.5+.25+.5+.5+.25+.5) = 5.
    CHECK(z.weighted_sum() == 30.0);
    CHECK(z.weighted_mean() == 6.0);
    CHECK(z.area_m2() == 375.0);           // 3.75 cells of 100 m²
    CHECK(z.total() == Approx(0.2125));    // 21.25 (per ha) × 100 m² / 10⁴
    CHECK(z.value(Stat::total) == z.total());
}

TEST_CASE("Majority, minority and frac on a class raster", "[parcels][zonal]") {
    const Grid g = small_grid();
    Block<float> classes(Window{0, 0, 4, 3});
    // Classes: row 0: 1 2 2 9, row 1: 3 3 1 9, row 2: 2 1 1 9.
    const float cls[] = {1, 2, 2, 9, 3, 3, 1, 9, 2, 1, 1, 9};
    std::memcpy(classes.px.data(), cls, sizeof(cls));
    const ZonalOptions opts({Stat::majority, Stat::minority, Stat::variety, Stat::frac, Stat::count});
    ZonalPartial z;
    accumulate(half_offset_square(g), classes, nullptr, g, opts, z);
    // Σ c per class: 1: .25 (0,0) + .5 (2,1) + .5 (1,2) + .25 (2,2) = 1.5; 2: .5 (1,0) + .25 (2,0) + .25 (0,2) = 1;
    // 3: .5 (0,1) + 1 (1,1) = 1.5. Classes 1 and 3 tie for the majority: the smaller wins.
    CHECK(z.count() == 4.0);
    CHECK(z.majority() == 1.0);
    CHECK(z.minority() == 2.0);
    CHECK(z.variety() == 3.0);
    const auto f = z.frac();
    CHECK(f.at(1.0) == 1.5 / 4.0);
    CHECK(f.at(2.0) == 1.0 / 4.0);
    CHECK(f.at(3.0) == 1.5 / 4.0);
}

TEST_CASE("Minimum coverage drops thinly covered cells", "[parcels][zonal]") {
    const Grid g = small_grid();
    const ZonalOptions opts({Stat::count, Stat::sum}, 0.5);
    ZonalPartial z;
    accumulate(half_offset_square(g), small_values(), nullptr, g, opts, z);
    // Only the half and fully covered cells remain: values 2, 5, 7, 10 at 0.5 and 6 at 1.
    CHECK(z.count() == 3.0);
    CHECK(z.sum() == 0.5 * (2 + 5 + 7 + 10) + 6);
    CHECK_THROWS_AS(ZonalOptions({Stat::sum}, 1.5), ConfigError);
    CHECK_THROWS_AS(ZonalOptions({Stat::sum}, -0.1), ConfigError);
}

TEST_CASE("Statistics lists parse and refuse unknown names", "[parcels][zonal]") {
    CHECK(parse_stats("count, sum,mean") == std::vector<Stat>{Stat::count, Stat::sum, Stat::mean});
    CHECK_THROWS_WITH(parse_stats("sum,avg"), Catch::Contains("unknown statistic 'avg'"));
    CHECK_THROWS_AS(parse_stats("sum,sum"), ConfigError);
    CHECK_THROWS_AS(parse_stats(""), ConfigError);
    for (Stat s : all_scalar_stats()) CHECK(parse_stats(stat_name(s)) == std::vector<Stat>{s});
}

TEST_CASE("Empty parcels give zero sums and NaN means", "[parcels][zonal]") {
    const ZonalPartial z;
    CHECK(z.count() == 0.0);
    CHECK(z.sum() == 0.0);
    CHECK(std::isnan(z.mean()));
    CHECK(std::isnan(z.min()));
    CHECK(std::isnan(z.median()));
    CHECK(std::isnan(z.majority()));
}

TEST_CASE("Zonal statistics read nodata and scale/offset from the raster's metadata", "[parcels][zonal][gdal]") {
    test::TempDir dir;
    // 4 x 3 Int16 raster, raw values 0..11, nodata = 7 (raw), scale 0.5, offset 10: x = 10 + raw / 2.
    test::FixtureRaster r;
    r.width = 4;
    r.height = 3;
    r.gt = {0, 10, 0, 30, 0, -10};
    r.epsg = 32651;
    r.type = GDT_Int16;
    r.creation_options = {};
    test::FixtureBand b;
    for (int i = 0; i < 12; ++i) b.values.push_back(i);
    b.nodata = 7;
    b.scale = 0.5;
    b.offset = 10;
    r.bands.push_back(b);
    write_fixture(dir / "v.tif", r);
    const auto src = RasterSource::open(dir / "v.tif");
    const std::vector<MultiPolygon> parcels = {test::wkt_polygon("POLYGON((5 5,25 5,25 25,5 25,5 5))"),
                                               test::wkt_polygon("POLYGON((500 500,510 500,510 510,500 500))")};
    const auto res = compute_zonal({src.get(), 0}, parcels, ZonalOptions({Stat::count, Stat::sum, Stat::total}));
    // Covered cells raw (coverage): 0(.25) 1(.5) 2(.25) 4(.5) 5(1) 6(.5) 8(.25) 9(.5) 10(.25); raw 7 is not covered.
    // Σ c = 4; Σ c raw = .5 + .5 + 2 + 5 + 3 + 2 + 4.5 + 2.5 = 20; Σ c x = 10 Σ c + Σ c raw / 2 = 40 + 10 = 50.
    CHECK(res.parcels[0].count() == 4.0);
    CHECK(res.parcels[0].sum() == 50.0);
    CHECK(res.parcels[0].total() == Approx(50.0 * 100 / 1e4));
    CHECK(res.off_grid == std::vector<std::size_t>{1});
    CHECK(res.parcels[1].count() == 0.0);

    // Now a polygon over the nodata cell (raw 7 at col 3, row 1): the cell is excluded from every statistic.
    const std::vector<MultiPolygon> over_nodata = {test::wkt_polygon("POLYGON((25 5,40 5,40 20,25 20,25 5))")};
    const auto z = compute_zonal({src.get(), 0}, over_nodata, ZonalOptions({Stat::count, Stat::sum, Stat::max}));
    // Cells: (2,1) raw 6 c .25·... x from 25 to 30 is half a column, y 10..20 is row 1 whole, y 5..10 half of row 2:
    // (2,1) .5, (3,1) nodata, (2,2) raw 10 .25, (3,2) raw 11 .5.
    CHECK(z.parcels[0].count() == 1.25);
    CHECK(z.parcels[0].sum() == .5 * 13 + .25 * 15 + .5 * 15.5);
    CHECK(z.parcels[0].max() == 15.5);
}

TEST_CASE("Zonal results are bit-identical for threads 1/2 and three tile sizes", "[parcels][zonal][omp]") {
    test::TempDir dir;
    test::FixtureRaster r;
    r.width = 203;
    r.height = 157;
    r.gt = {400000, 10, 0, 3300000, 0, -10};
    r.epsg = 32651;
    r.type = GDT_Float32;
    r.creation_options = {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"};
    test::FixtureBand b;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-50, 300);
    for (int i = 0; i < r.width * r.height; ++i) b.values.push_back(i % 97 == 0 ? -9999 : std::round(u(rng) * 8) / 8);
    b.nodata = -9999;
    r.bands.push_back(b);
    write_fixture(dir / "v.tif", r);
    const auto src = RasterSource::open(dir / "v.tif");
    // Stars and holed squares scattered over the raster and beyond its edges.
    std::vector<MultiPolygon> parcels;
    for (int i = 0; i < 40; ++i) {
        const double cx = 400000 - 150 + (i * 577) % 2300, cy = 3300000 + 100 - (i * 389) % 1800;
        const double rad = 15 + (i * 37) % 260;
        std::string wkt = "POLYGON((";
        for (int k = 0; k <= 14; ++k) {
            const double a = 2 * M_PI * (k % 14) / 14 + i, rr = k % 2 ? rad * 0.55 : rad;
            wkt += fmt::format("{}{:.17g} {:.17g}", k ? "," : "", cx + rr * std::cos(a), cy + rr * std::sin(a));
        }
        wkt += fmt::format("),({0} {1},{0} {2},{3} {2},{3} {1},{0} {1}))", cx - rad * 0.2, cy - rad * 0.2,
                           cy + rad * 0.2, cx + rad * 0.2);
        parcels.push_back(test::wkt_polygon(wkt));
    }
    const ZonalOptions opts({Stat::count, Stat::sum, Stat::mean, Stat::variance, Stat::median, Stat::min, Stat::max,
                             Stat::majority, Stat::area_m2, Stat::total});
    const auto reference = compute_zonal({src.get(), 0}, parcels, opts, {16, 1});
    REQUIRE(reference.tiles > 10);
    double covered = 0;
    for (const auto& p : reference.parcels) covered += p.count();
    CHECK(covered > 1000);
    for (int threads : {1, 2})
        for (std::int64_t tile : {16, 48, 112}) {
            const auto res = compute_zonal({src.get(), 0}, parcels, opts, {tile, threads});
            for (std::size_t i = 0; i < parcels.size(); ++i)
                for (Stat s : opts.stats()) {
                    const double a = res.parcels[i].value(s), e = reference.parcels[i].value(s);
                    INFO("parcel " << i << " " << stat_name(s) << " threads " << threads << " tile " << tile);
                    CHECK(((std::isnan(a) && std::isnan(e)) || a == e));
                }
        }
}
