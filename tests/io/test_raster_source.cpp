// RasterSource: opening, band selection, scale/offset, validity, alignment onto a grid, and bad input.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/raster_source.hpp>

#include "io_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>

using namespace bluecarbon;
using bluecarbon::test::FixtureBand;
using bluecarbon::test::FixtureRaster;
using bluecarbon::test::TempDir;
using Catch::Matchers::Contains;

namespace {

// A 4 x 3 projected raster with the given band(s), origin (500000, 3300000), 10 m pixels.
FixtureRaster small_utm(std::vector<FixtureBand> bands, GDALDataType type = GDT_Float32) {
    FixtureRaster r;
    r.width = 4;
    r.height = 3;
    r.gt = {500000, 10, 0, 3300000, 0, -10};
    r.epsg = 32651;
    r.type = type;
    r.bands = std::move(bands);
    return r;
}

std::vector<double> iota(int n, double start = 1.0) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = start + i;
    return v;
}

// The class of the test scene at a geographic position: four quadrants around (121.9E, 29.5N), a point on
// the Xiangshan coast. Patches are kilometres wide, so reading at points far from the dividing lines has one
// unambiguous answer whatever the CRS or resampling grid.
int quadrant_class(double lon, double lat) { return 1 + (lon >= 121.9 ? 1 : 0) + (lat >= 29.5 ? 2 : 0); }

}  // namespace

TEST_CASE("RasterSource reads a file on its own grid", "[io][raster_source]") {
    TempDir dir;
    const auto path = dir / "a.tif";
    test::write_fixture(path, small_utm({FixtureBand{iota(12), {}, {}, {}, "b1"}}));
    const auto src = RasterSource::open(path);
    CHECK(src->band_count() == 1);
    CHECK(src->band_name(0) == "b1");
    CHECK_FALSE(src->is_warped());
    CHECK(src->grid().width() == 4);
    CHECK(src->grid().height() == 3);
    CHECK(src->grid().transform() == GeoTransform{500000, 10, 0, 3300000, 0, -10});
    CHECK_THAT(src->grid().crs().name, Contains("UTM zone 51N"));
    CHECK(src->block_width() == 64);
    CHECK(src->block_height() == 64);

    Block<float> b;
    src->read(0, Window{1, 1, 2, 2}, b);
    // Row-major values 1..12 on a 4-wide grid: (1,1) = 6, (2,1) = 7, (1,2) = 10, (2,2) = 11.
    CHECK(b.window == Window{1, 1, 2, 2});
    CHECK(b.px == std::vector<float>{6, 7, 10, 11});
    CHECK(b.valid == std::vector<std::uint8_t>{1, 1, 1, 1});

    const Grid g = read_grid(path);
    CHECK(g.width() == 4);
    CHECK(g.transform() == src->grid().transform());
}

TEST_CASE("Scale and offset come from the file unless overridden", "[io][raster_source]") {
    TempDir dir;
    const auto path = dir / "refl.tif";
    // Sentinel-2 style: uint16 digital numbers with scale 1e-4 and offset -0.1 (reflectance = DN * 1e-4 - 0.1).
    FixtureBand band{{5000, 1000, 0, 20000, 1500, 2500, 3500, 4500, 100, 200, 300, 400}, {}, 1e-4, -0.1, ""};
    test::write_fixture(path, small_utm({band}, GDT_UInt16));
    Block<float> b;

    SECTION("file scale/offset") {
        RasterSource::open(path)->read(0, Window{0, 0, 2, 1}, b);
        CHECK_THAT(b.px[0], Catch::Matchers::WithinAbs(0.4, 1e-6));   // 5000 * 1e-4 - 0.1
        CHECK_THAT(b.px[1], Catch::Matchers::WithinAbs(0.0, 1e-6));   // 1000 * 1e-4 - 0.1
    }
    SECTION("scale overridden, file offset kept") {
        RasterSourceOptions o;
        o.scale = 1e-3;
        RasterSource::open(path, o)->read(0, Window{0, 0, 2, 1}, b);
        CHECK_THAT(b.px[0], Catch::Matchers::WithinAbs(4.9, 1e-5));   // 5000 * 1e-3 - 0.1
        CHECK_THAT(b.px[1], Catch::Matchers::WithinAbs(0.9, 1e-5));   // 1000 * 1e-3 - 0.1
    }
    SECTION("both overridden") {
        RasterSourceOptions o;
        o.scale = 2.0;
        o.offset = 1.0;
        RasterSource::open(path, o)->read(0, Window{0, 0, 2, 1}, b);
        CHECK(b.px[0] == 10001.0F);  // 5000 * 2 + 1, exact in float
        CHECK(b.px[1] == 2001.0F);
    }
}

TEST_CASE("Nodata, NaN and values outside the valid range become invalid pixels", "[io][raster_source]") {
    TempDir dir;
    const auto path = dir / "v.tif";
    const double nan = std::nan("");
    FixtureBand band{{0, 100, 200, 300, nan, 50, -5, 0, 1, 2, 3, 4}, 0.0, {}, {}, ""};
    test::write_fixture(path, small_utm({band}));
    Block<float> b;

    SECTION("file nodata and NaN") {
        RasterSource::open(path)->read(0, Window{0, 0, 4, 2}, b);
        CHECK(b.valid == std::vector<std::uint8_t>{0, 1, 1, 1, 0, 1, 1, 0});
        CHECK(b.px == std::vector<float>{0, 100, 200, 300, 0, 50, -5, 0});  // invalid pixels read as 0
    }
    SECTION("valid range, applied after scaling") {
        RasterSourceOptions o;
        o.valid_min = 0.0;
        o.valid_max = 250.0;
        RasterSource::open(path, o)->read(0, Window{0, 0, 4, 2}, b);
        CHECK(b.valid == std::vector<std::uint8_t>{0, 1, 1, 0, 0, 1, 0, 0});  // 300 > 250, -5 < 0
        o.scale = 10.0;  // now 100 -> 1000 and 50 -> 500 exceed 250; 200 -> 2000 too
        RasterSource::open(path, o)->read(0, Window{0, 0, 4, 2}, b);
        CHECK(b.valid == std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 0, 0});
    }
    SECTION("nodata overridden by the user") {
        RasterSourceOptions o;
        o.nodata = 100.0;  // 0 is now a valid value, 100 is not
        RasterSource::open(path, o)->read(0, Window{0, 0, 4, 1}, b);
        CHECK(b.valid == std::vector<std::uint8_t>{1, 0, 1, 1});
    }
    SECTION("an empty valid range is a configuration error") {
        RasterSourceOptions o;
        o.valid_min = 5.0;
        o.valid_max = 1.0;
        CHECK_THROWS_AS(RasterSource::open(path, o), ConfigError);
    }
}

TEST_CASE("Bands are selected by index or by description", "[io][raster_source]") {
    TempDir dir;
    const auto path = dir / "multi.tif";
    test::write_fixture(path, small_utm({FixtureBand{iota(12, 100), {}, {}, {}, "green"},
                                         FixtureBand{iota(12, 200), {}, {}, {}, "red"},
                                         FixtureBand{iota(12, 300), {}, {}, {}, "NIR"}}));
    RasterSourceOptions o;
    o.bands = {"nir", "1", " red "};  // names are case-insensitive and trimmed
    const auto src = RasterSource::open(path, o);
    REQUIRE(src->band_count() == 3);
    CHECK(src->band_name(0) == "NIR");
    CHECK(src->band_name(1) == "green");
    CHECK(src->band_name(2) == "red");
    Block<float> b;
    src->read(0, Window{3, 2, 1, 1}, b);
    CHECK(b.px[0] == 311.0F);  // band 3 starts at 300; pixel (3, 2) is the 12th: 300 + 11
    src->read(1, Window{3, 2, 1, 1}, b);
    CHECK(b.px[0] == 111.0F);
    src->read(2, Window{0, 0, 1, 1}, b);
    CHECK(b.px[0] == 200.0F);

    const auto all = RasterSource::open(path);
    CHECK(all->band_count() == 3);
}

TEST_CASE("Bad band selections name the file and the band", "[io][raster_source][bad-input]") {
    TempDir dir;
    const auto path = dir / "three.tif";
    test::write_fixture(path, small_utm({test::band_of(iota(12)), test::band_of(iota(12)), test::band_of(iota(12))}));
    RasterSourceOptions o;
    SECTION("index out of range") {
        o.bands = {"1", "5"};
        CHECK_THROWS_MATCHES(RasterSource::open(path, o), InputError,
                             Catch::Matchers::Predicate<InputError>(
                                 [&](const InputError& e) {
                                     const std::string m = e.what();
                                     return m.find(path.string()) != std::string::npos &&
                                            m.find("band 5 is out of range") != std::string::npos &&
                                            m.find("3 bands") != std::string::npos;
                                 },
                                 "names the file, the band and the band count"));
    }
    SECTION("zero is out of range too") {
        o.bands = {"0"};
        CHECK_THROWS_WITH(RasterSource::open(path, o), Contains("band 0 is out of range"));
    }
    SECTION("unknown band name") {
        o.bands = {"swir1"};
        CHECK_THROWS_MATCHES(RasterSource::open(path, o), InputError,
                             Catch::Matchers::Predicate<InputError>(
                                 [&](const InputError& e) {
                                     const std::string m = e.what();
                                     return m.find(path.string()) != std::string::npos &&
                                            m.find("'swir1'") != std::string::npos &&
                                            m.find('\n') == std::string::npos;
                                 },
                                 "names the file and the band on one line"));
    }
}

TEST_CASE("Missing files, non-rasters and rasters without a CRS are input errors", "[io][raster_source][bad-input]") {
    TempDir dir;
    SECTION("missing file") {
        const auto path = dir / "nope.tif";
        CHECK_THROWS_AS(RasterSource::open(path), InputError);
        CHECK_THROWS_WITH(RasterSource::open(path), Contains(path.string()) && Contains("no such file"));
        CHECK_THROWS_WITH(read_grid(path), Contains(path.string()));
    }
    SECTION("not a raster") {
        const auto path = dir / "notes.tif";
        std::ofstream(path) << "this is a text file, not a GeoTIFF\n";
        CHECK_THROWS_AS(RasterSource::open(path), InputError);
        CHECK_THROWS_WITH(RasterSource::open(path), Contains(path.string()) && Contains("not a raster"));
    }
    SECTION("no CRS") {
        const auto path = dir / "nocrs.tif";
        auto r = small_utm({test::band_of(iota(12))});
        r.epsg = 0;
        test::write_fixture(path, r);
        CHECK_THROWS_AS(RasterSource::open(path), InputError);
        CHECK_THROWS_WITH(RasterSource::open(path), Contains(path.string() + " has no CRS"));
        const Grid target(crs_from_user("EPSG:32651"), GeoTransform{500000, 10, 0, 3300000, 0, -10}, 4, 3);
        CHECK_THROWS_WITH(RasterSource::open_aligned(path, target), Contains(path.string() + " has no CRS"));
    }
    SECTION("target grid without a CRS") {
        const auto path = dir / "ok.tif";
        test::write_fixture(path, small_utm({test::band_of(iota(12))}));
        const Grid target(CrsInfo{}, GeoTransform{500000, 10, 0, 3300000, 0, -10}, 4, 3);
        RasterSourceOptions o;
        o.grid_name = "primary.tif";
        CHECK_THROWS_AS(RasterSource::open_aligned(path, target, o), InputError);
        CHECK_THROWS_WITH(RasterSource::open_aligned(path, target, o),
                          Contains(path.string()) && Contains("primary.tif has no CRS"));
    }
}

TEST_CASE("Inputs that do not overlap the grid are a grid mismatch", "[io][raster_source][bad-input]") {
    TempDir dir;
    const auto path = dir / "far.tif";
    // A geographic raster near 100E 10N, far from the Xiangshan UTM grid.
    FixtureRaster r;
    r.width = 10;
    r.height = 10;
    r.gt = {100.0, 0.01, 0, 10.0, 0, -0.01};
    r.epsg = 4326;
    r.bands = {test::band_of(std::vector<double>(100, 1.0))};
    test::write_fixture(path, r);
    const auto c = test::project(121.9, 29.5, 32651);
    const Grid target(crs_from_user("EPSG:32651"), GeoTransform{c[0], 30, 0, c[1], 0, -30}, 100, 100);
    RasterSourceOptions o;
    o.grid_name = "habitat.tif";
    CHECK_THROWS_AS(RasterSource::open_aligned(path, target, o), GridMismatchError);
    CHECK_THROWS_WITH(RasterSource::open_aligned(path, target, o),
                      Contains(path.string()) && Contains("does not overlap habitat.tif"));

    // Same CRS, disjoint extents.
    const auto near = dir / "beside.tif";
    test::write_fixture(near, small_utm({test::band_of(iota(12))}));
    const Grid east(crs_from_user("EPSG:32651"), GeoTransform{500040, 10, 0, 3300000, 0, -10}, 4, 3);
    CHECK_THROWS_AS(RasterSource::open_aligned(near, east), GridMismatchError);
}

TEST_CASE("A truncated GeoTIFF fails with an input error, not a crash", "[io][raster_source][bad-input]") {
    TempDir dir;
    const auto path = dir / "cut.tif";
    FixtureRaster r;
    r.width = 256;
    r.height = 256;
    r.gt = {500000, 10, 0, 3300000, 0, -10};
    r.epsg = 32651;
    r.creation_options = {"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=DEFLATE"};
    std::vector<double> v(256 * 256);
    // Poorly compressible values, so the tile data (not the header) make up most of the file.
    std::uint32_t state = 12345;
    for (auto& x : v) {
        state = state * 1664525U + 1013904223U;
        x = static_cast<double>(state >> 8);
    }
    r.bands = {test::band_of(v)};
    test::write_fixture(path, r);
    const auto size = std::filesystem::file_size(path);
    REQUIRE(size > 100000);
    std::filesystem::resize_file(path, size / 2);

    // Either the open (if the directory was cut) or the read must fail, naming the file.
    const auto read_everything = [&] {
        const auto src = RasterSource::open(path);
        Block<float> b;
        src->read(0, src->grid().full_window(), b);
    };
    CHECK_THROWS_AS(read_everything(), InputError);
    CHECK_THROWS_WITH(read_everything(), Contains(path.string()));
}

TEST_CASE("Inputs in EPSG:4326 and EPSG:32651 align to one grid over the Xiangshan coast",
          "[io][raster_source][align]") {
    TempDir dir;
    const int utm = 32651;
    const double res = 60.0;
    // Target grid: 300 x 300 pixels of 60 m whose upper-left corner is snapped to the 60 m lattice,
    // 9 km west/north of the point (121.9E, 29.5N).
    const auto centre = test::project(121.9, 29.5, utm);
    const double x0 = std::floor((centre[0] - 9000) / res) * res;
    const double y0 = std::ceil((centre[1] + 9000) / res) * res;
    const Grid target(crs_from_user("EPSG:32651"), GeoTransform{x0, res, 0, y0, 0, -res}, 300, 300);

    // (a) geographic raster, 0.0005 degree pixels over 121.78-122.02E, 29.38-29.62N (covers the grid).
    const auto geo_path = dir / "classes_4326.tif";
    {
        FixtureRaster r;
        r.width = 480;
        r.height = 480;
        r.gt = {121.78, 0.0005, 0, 29.62, 0, -0.0005};
        r.epsg = 4326;
        r.type = GDT_Byte;
        std::vector<double> v(480 * 480);
        for (int row = 0; row < 480; ++row)
            for (int col = 0; col < 480; ++col)
                v[static_cast<std::size_t>(row * 480 + col)] =
                    quadrant_class(121.78 + (col + 0.5) * 0.0005, 29.62 - (row + 0.5) * 0.0005);
        r.bands = {test::band_of(v)};
        test::write_fixture(geo_path, r);
    }
    // (b) UTM raster on the same 60 m lattice but with its origin 30 pixels west and north of the grid's, and
    // 360 x 360 pixels: read by offset, without warping.
    const auto utm_path = dir / "classes_32651.tif";
    // (c) UTM raster at 20 m: resampled (nearest) through a warp.
    const auto utm20_path = dir / "classes_32651_20m.tif";
    const auto write_utm = [&](const std::filesystem::path& path, double ox, double oy, double px, int n) {
        FixtureRaster r;
        r.width = n;
        r.height = n;
        r.gt = {ox, px, 0, oy, 0, -px};
        r.epsg = utm;
        r.type = GDT_Byte;
        const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
        std::vector<double> lon(count), lat(count), v(count);
        for (int row = 0; row < n; ++row)
            for (int col = 0; col < n; ++col) {
                const auto i = static_cast<std::size_t>(row) * static_cast<std::size_t>(n) + static_cast<std::size_t>(col);
                lon[i] = ox + (col + 0.5) * px;  // pixel centres, still in UTM here
                lat[i] = oy - (row + 0.5) * px;
            }
        test::unproject(lon, lat, utm);
        for (std::size_t i = 0; i < count; ++i) v[i] = quadrant_class(lon[i], lat[i]);
        r.bands = {test::band_of(v)};
        test::write_fixture(path, r);
    };
    write_utm(utm_path, x0 - 30 * res, y0 + 30 * res, res, 360);
    write_utm(utm20_path, x0 - 600, y0 + 600, 20.0, 960);

    RasterSourceOptions o;
    o.resampling = Resampling::nearest;
    const auto geo = RasterSource::open_aligned(geo_path, target, o);
    const auto same = RasterSource::open_aligned(utm_path, target, o);
    const auto fine = RasterSource::open_aligned(utm20_path, target, o);
    CHECK(geo->is_warped());
    CHECK_FALSE(same->is_warped());
    CHECK(fine->is_warped());
    for (const auto* s : {geo.get(), same.get(), fine.get()}) {
        CHECK(s->grid().transform() == target.transform());
        CHECK(s->grid().width() == 300);
    }

    Block<float> a, b, c;
    geo->read(0, target.full_window(), a);
    same->read(0, target.full_window(), b);
    fine->read(0, target.full_window(), c);
    CHECK(a.valid_count() == 300 * 300);  // the geographic raster covers the whole grid
    CHECK(b.valid_count() == 300 * 300);
    CHECK(c.valid_count() == 300 * 300);

    // Points 5 km from the dividing lines: each quadrant's class, read at the grid pixel holding the point.
    struct Probe {
        double lon, lat;
        float expected;
    };
    for (const Probe p : {Probe{121.85, 29.45, 1}, Probe{121.95, 29.45, 2}, Probe{121.85, 29.55, 3},
                          Probe{121.95, 29.55, 4}}) {
        const auto xy = test::project(p.lon, p.lat, utm);
        const auto col = static_cast<std::int64_t>(std::floor((xy[0] - x0) / res));
        const auto row = static_cast<std::int64_t>(std::floor((y0 - xy[1]) / res));
        INFO("lon " << p.lon << " lat " << p.lat << " -> pixel " << col << ", " << row);
        REQUIRE(col >= 0);
        REQUIRE(col < 300);
        REQUIRE(row >= 0);
        REQUIRE(row < 300);
        CHECK(a.px[a.index(col, row)] == p.expected);
        CHECK(b.px[b.index(col, row)] == p.expected);
        CHECK(c.px[c.index(col, row)] == p.expected);
        // A single-pixel window at that place reads the same as the whole-grid read.
        Block<float> one;
        geo->read(0, Window{col, row, 1, 1}, one);
        CHECK(one.px[0] == p.expected);
    }
    // Away from the two dividing lines every pixel agrees: only pixels straddling a line (at most a couple of
    // rows and columns of the 300 x 300 grid) may differ.
    std::int64_t differ = 0;
    for (std::size_t i = 0; i < a.px.size(); ++i) differ += (a.px[i] != b.px[i]) + (c.px[i] != b.px[i]);
    CHECK(differ <= 4 * 300);
}

TEST_CASE("A grid larger than the file reads invalid pixels beyond the file's edge", "[io][raster_source][align]") {
    TempDir dir;
    const auto path = dir / "small.tif";
    test::write_fixture(path, small_utm({test::band_of(iota(12))}));
    // One pixel further west and north than the file, 6 x 5: the file sits at columns 1-4, rows 1-3.
    const Grid target(crs_from_user("EPSG:32651"), GeoTransform{499990, 10, 0, 3300010, 0, -10}, 6, 5);
    const auto src = RasterSource::open_aligned(path, target);
    CHECK_FALSE(src->is_warped());
    Block<float> b;
    src->read(0, target.full_window(), b);
    CHECK(b.valid_count() == 12);
    CHECK(b.valid[b.index(0, 0)] == 0);
    CHECK(b.px[b.index(1, 1)] == 1.0F);
    CHECK(b.px[b.index(4, 3)] == 12.0F);
    CHECK(b.valid[b.index(5, 4)] == 0);
}

TEST_CASE("Concurrent reads give the same pixels as sequential ones", "[io][raster_source][threads]") {
    TempDir dir;
    const auto path = dir / "big.tif";
    FixtureRaster r;
    r.width = 256;
    r.height = 256;
    r.gt = {121.8, 0.0005, 0, 29.6, 0, -0.0005};
    r.epsg = 4326;
    std::vector<double> v(256 * 256);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 977);
    r.bands = {test::band_of(v)};
    test::write_fixture(path, r);
    const auto c = test::project(121.86, 29.54, 32651);
    const Grid target(crs_from_user("EPSG:32651"), GeoTransform{c[0], 30, 0, c[1], 0, -30}, 128, 128);
    RasterSourceOptions o;
    o.resampling = Resampling::bilinear;
    const auto src = RasterSource::open_aligned(path, target, o);
    REQUIRE(src->is_warped());

    std::vector<Window> windows;
    for (std::int64_t y = 0; y < 128; y += 32)
        for (std::int64_t x = 0; x < 128; x += 32) windows.push_back({x, y, 32, 32});
    std::vector<Block<float>> expected(windows.size());
    for (std::size_t i = 0; i < windows.size(); ++i) src->read(0, windows[i], expected[i]);

    std::vector<Block<float>> got(windows.size());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (std::size_t i = static_cast<std::size_t>(t); i < windows.size(); i += 4) src->read(0, windows[i], got[i]);
        });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < windows.size(); ++i) {
        CHECK(got[i].px == expected[i].px);
        CHECK(got[i].valid == expected[i].valid);
    }
}

TEST_CASE("Pixels hidden by a mask band are invalid, read directly or through a warp", "[io][raster_source]") {
    TempDir dir;
    const auto path = dir / "masked.tif";
    // 40 x 40 geographic raster at 0.001 degree, value 7 everywhere; the mask hides the western half.
    FixtureRaster r;
    r.width = 40;
    r.height = 40;
    r.gt = {121.88, 0.001, 0, 29.52, 0, -0.001};
    r.epsg = 4326;
    r.bands = {test::band_of(std::vector<double>(1600, 7.0))};
    test::write_fixture(path, r);
    {
        CPLSetThreadLocalConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES");
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        REQUIRE(ds);
        REQUIRE(ds->CreateMaskBand(GMF_PER_DATASET) == CE_None);
        std::vector<std::uint8_t> mask(1600);
        for (int i = 0; i < 1600; ++i) mask[static_cast<std::size_t>(i)] = (i % 40) >= 20 ? 255 : 0;
        REQUIRE(ds->GetRasterBand(1)->GetMaskBand()->RasterIO(GF_Write, 0, 0, 40, 40, mask.data(), 40, 40, GDT_Byte,
                                                               0, 0, nullptr) == CE_None);
        CPLSetThreadLocalConfigOption("GDAL_TIFF_INTERNAL_MASK", nullptr);
    }
    SECTION("direct") {
        const auto src = RasterSource::open(path);
        Block<float> b;
        src->read(0, Window{18, 5, 4, 1}, b);
        CHECK(b.valid == std::vector<std::uint8_t>{0, 0, 1, 1});  // columns 18, 19 masked; 20, 21 not
        CHECK(b.px == std::vector<float>{0, 0, 7, 7});
    }
    SECTION("warped") {
        // A UTM grid of 20 m pixels around the raster's centre (121.90E, 29.50N): pixels well west of the
        // centre line fall in the masked half, those well east in the visible one.
        const auto c = test::project(121.90, 29.50, 32651);
        const Grid target(crs_from_user("EPSG:32651"), GeoTransform{c[0] - 1000, 20, 0, c[1] + 1000, 0, -20}, 100,
                          100);
        const auto src = RasterSource::open_aligned(path, target);
        REQUIRE(src->is_warped());
        Block<float> b;
        src->read(0, target.full_window(), b);
        CHECK(b.valid[b.index(20, 50)] == 0);  // 600 m west of the centre line
        CHECK(b.valid[b.index(80, 50)] == 1);  // 600 m east
        CHECK(b.px[b.index(80, 50)] == 7.0F);
    }
}

TEST_CASE("GDAL prints nothing to stderr, even for broken inputs", "[io][raster_source][bad-input]") {
    TempDir dir;
    const auto bad = dir / "bad.tif";
    std::ofstream(bad) << "II*\0garbage";  // starts like a TIFF, is not one
    const auto log = dir / "stderr.txt";
    std::fflush(stderr);
    const int saved = dup(2);
    {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        dup2(fd, 2);
        ::close(fd);
    }
    int thrown = 0;
    try {
        (void)RasterSource::open(bad);
    } catch (const InputError&) {
        ++thrown;
    }
    try {
        (void)crs_from_user("EPSG:999999");
    } catch (const ConfigError&) {
        ++thrown;
    }
    std::fflush(stderr);
    dup2(saved, 2);
    ::close(saved);
    CHECK(thrown == 2);
    CHECK(std::filesystem::file_size(log) == 0);
}

TEST_CASE("Average resampling onto a coarser grid of the same CRS", "[io][raster_source][align]") {
    TempDir dir;
    const auto path = dir / "fine.tif";
    // 6 x 6 pixels of 10 m, value = column + 10 * row, with nodata -1 at (0, 0).
    FixtureRaster r;
    r.width = 6;
    r.height = 6;
    r.gt = {500000, 10, 0, 3300000, 0, -10};
    r.epsg = 32651;
    std::vector<double> v(36);
    for (int row = 0; row < 6; ++row)
        for (int col = 0; col < 6; ++col) v[static_cast<std::size_t>(row * 6 + col)] = col + 10.0 * row;
    v[0] = -1;
    FixtureBand band = test::band_of(v);
    band.nodata = -1.0;
    r.bands = {band};
    test::write_fixture(path, r);
    // 2 x 2 pixels of 30 m over the same area: each holds a 3 x 3 block of the file.
    const Grid target(crs_from_user("EPSG:32651"), GeoTransform{500000, 30, 0, 3300000, 0, -30}, 2, 2);
    RasterSourceOptions o;
    o.resampling = Resampling::average;
    const auto src = RasterSource::open_aligned(path, target, o);
    CHECK(src->is_warped());  // resolution differs
    Block<float> b;
    src->read(0, target.full_window(), b);
    CHECK(b.valid == std::vector<std::uint8_t>{1, 1, 1, 1});
    // Top-left block, nodata left out: the 8 values 1, 2, 10, 11, 12, 20, 21, 22 average to 99 / 8.
    CHECK_THAT(b.px[0], Catch::Matchers::WithinAbs(99.0 / 8.0, 1e-4));
    // The others are full 3 x 3 blocks, whose mean is the centre value: (4, 1) -> 14, (1, 4) -> 41, (4, 4) -> 44.
    CHECK_THAT(b.px[1], Catch::Matchers::WithinAbs(14.0, 1e-4));
    CHECK_THAT(b.px[2], Catch::Matchers::WithinAbs(41.0, 1e-4));
    CHECK_THAT(b.px[3], Catch::Matchers::WithinAbs(44.0, 1e-4));
}
