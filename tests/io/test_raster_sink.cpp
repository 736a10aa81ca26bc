// RasterSink, OutputTransaction and the output-folder helpers.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include "io_fixtures.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace bluecarbon;
using bluecarbon::test::TempDir;
using Catch::Matchers::Contains;

namespace {

Grid utm_grid(std::int64_t w, std::int64_t h) {
    return Grid(crs_from_user("EPSG:32651"), GeoTransform{380000, 30, 0, 3270000, 0, -30}, w, h);
}

// The tiles of a grid, row-major.
std::vector<Window> tiles_of(const Grid& g, std::int64_t tw, std::int64_t th) {
    std::vector<Window> out;
    for (std::int64_t r = 0; r < g.height(); r += th)
        for (std::int64_t c = 0; c < g.width(); c += tw)
            out.push_back({c, r, std::min(tw, g.width() - c), std::min(th, g.height() - r)});
    return out;
}

// A test pattern with invalid pixels: value(c, r) = 0.25 c - 0.5 r (exact in float32), invalid where
// (c + 2r) % 7 == 0.
Block<float> pattern(const Window& w) {
    Block<float> b(w);
    for (std::int64_t r = 0; r < w.rows; ++r)
        for (std::int64_t c = 0; c < w.cols; ++c) {
            const auto gc = w.col_off + c, gr = w.row_off + r;
            b.px[b.index(c, r)] = static_cast<float>(0.25 * static_cast<double>(gc) - 0.5 * static_cast<double>(gr));
            b.valid[b.index(c, r)] = (gc + 2 * gr) % 7 != 0;
        }
    return b;
}

double expected_pattern(std::int64_t c, std::int64_t r, double nodata) {
    return (c + 2 * r) % 7 == 0 ? nodata : 0.25 * static_cast<double>(c) - 0.5 * static_cast<double>(r);
}

std::string image_structure(const std::filesystem::path& path, const char* key) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    const char* v = ds->GetMetadataItem(key, "IMAGE_STRUCTURE");
    return v != nullptr ? v : "";
}

}  // namespace

TEST_CASE("RasterSink writes a float32 COG with nodata, overviews and metadata", "[io][raster_sink]") {
    TempDir dir;
    const auto out = dir / "stock.tif";
    const Grid g = utm_grid(700, 500);  // not a multiple of the block size: edge tiles are partial
    RasterSinkOptions o;
    o.block_size = 256;
    o.description = "AGB carbon";
    o.unit = "Mg C/ha";
    o.metadata = {{"BLUECARBON_VERSION", "test"}};
    {
        RasterSink sink(out, g, o);
        for (const auto& w : tiles_of(g, 256, 256)) {
            auto b = pattern(w);
            if (w.col_off == 0 && w.row_off == 0) b.px[1] = std::nanf("");  // valid but NaN: stored as nodata
            sink.write(b);
        }
        sink.finish();
        CHECK(sink.path() == out);
    }
    REQUIRE(std::filesystem::exists(out));
    CHECK(test::folder_entries(dir.path()) == std::vector<std::string>{"stock.tif"});  // no temp, no .aux.xml

    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    CHECK(ds->GetRasterXSize() == 700);
    CHECK(ds->GetRasterYSize() == 500);
    GDALRasterBand* band = ds->GetRasterBand(1);
    CHECK(band->GetRasterDataType() == GDT_Float32);
    int has = 0;
    CHECK(band->GetNoDataValue(&has) == -9999.0);
    CHECK(has == 1);
    CHECK(std::string(band->GetDescription()) == "AGB carbon");
    CHECK(std::string(band->GetUnitType()) == "Mg C/ha");
    CHECK(std::string(ds->GetMetadataItem("BLUECARBON_VERSION")) == "test");
    CHECK(image_structure(out, "LAYOUT") == "COG");
    CHECK(image_structure(out, "COMPRESSION") == "DEFLATE");
    CHECK(band->GetOverviewCount() >= 1);
    int bw = 0, bh = 0;
    band->GetBlockSize(&bw, &bh);
    CHECK(bw == 256);
    CHECK(bh == 256);
    std::array<double, 6> gt{};
    ds->GetGeoTransform(gt.data());
    CHECK(gt == g.transform().to_gdal());
    CHECK(ds->GetSpatialRef() != nullptr);
    const char* code = ds->GetSpatialRef()->GetAuthorityCode(nullptr);
    CHECK(std::string(code ? code : "") == "32651");

    const auto px = test::read_all(out);
    std::int64_t mismatches = 0;
    for (std::int64_t r = 0; r < 500; ++r)
        for (std::int64_t c = 0; c < 700; ++c) {
            const double want = (c == 1 && r == 0) ? -9999.0 : expected_pattern(c, r, -9999.0);
            mismatches += px[static_cast<std::size_t>(r * 700 + c)] != want;
        }
    CHECK(mismatches == 0);
}

TEST_CASE("RasterSink writes uint8 class rasters with a colour table and category names", "[io][raster_sink]") {
    TempDir dir;
    const auto out = dir / "habitat.tif";
    const Grid g = utm_grid(300, 200);
    RasterSinkOptions o;
    o.type = PixelType::uint8;
    o.nodata = 255;
    o.block_size = 128;
    o.overview_resampling = "NEAREST";
    o.color_table = {{0, 0, 0, 0}, {10, 120, 40, 255}, {200, 180, 90, 255}};
    o.category_names = {"none", "mangrove", "saltmarsh"};
    RasterSink sink(out, g, o);
    for (const auto& w : tiles_of(g, 128, 128)) {
        Block<std::uint8_t> b(w);
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t c = 0; c < w.cols; ++c) {
                const auto gc = w.col_off + c, gr = w.row_off + r;
                b.px[b.index(c, r)] = static_cast<std::uint8_t>((gc / 50 + gr / 50) % 3);
                b.valid[b.index(c, r)] = gc != gr;
            }
        sink.write(b);
    }
    sink.finish();

    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    GDALRasterBand* band = ds->GetRasterBand(1);
    CHECK(band->GetRasterDataType() == GDT_Byte);
    CHECK(band->GetNoDataValue() == 255.0);
    REQUIRE(band->GetColorTable() != nullptr);
    const GDALColorEntry* e = band->GetColorTable()->GetColorEntry(1);
    REQUIRE(e != nullptr);
    CHECK(e->c1 == 10);
    CHECK(e->c2 == 120);
    CHECK(e->c3 == 40);
    CHECK(std::string(band->GetMetadataItem("CATEGORY_1")) == "mangrove");
    CHECK(std::string(band->GetMetadataItem("CATEGORY_2")) == "saltmarsh");
    CHECK(image_structure(out, "LAYOUT") == "COG");

    const auto px = test::read_all(out);
    std::int64_t mismatches = 0;
    for (std::int64_t r = 0; r < 200; ++r)
        for (std::int64_t c = 0; c < 300; ++c) {
            const double want = c == r ? 255.0 : static_cast<double>((c / 50 + r / 50) % 3);
            mismatches += px[static_cast<std::size_t>(r * 300 + c)] != want;
        }
    CHECK(mismatches == 0);
}

TEST_CASE("RasterSink converts floats to int16 by rounding and clamping", "[io][raster_sink]") {
    TempDir dir;
    const auto out = dir / "dem.tif";
    const Grid g = utm_grid(8, 1);
    RasterSinkOptions o;
    o.type = PixelType::int16;
    o.nodata = -32768;
    o.block_size = 16;
    o.compression = Compression::zstd;
    RasterSink sink(out, g, o);
    Block<float> b(Window{0, 0, 8, 1});
    b.px = {2.5F, -2.5F, 1.4F, -1.6F, 40000.0F, -40000.0F, 7.0F, 0.0F};
    b.valid = {1, 1, 1, 1, 1, 1, 1, 0};
    sink.write(b);
    sink.finish();
    // Half away from zero: 2.5 -> 3, -2.5 -> -3; 1.4 -> 1; -1.6 -> -2; clamped to [-32768, 32767];
    // the invalid pixel is nodata.
    CHECK(test::read_all(out) == std::vector<double>{3, -3, 1, -2, 32767, -32768, 7, -32768});
    CHECK(image_structure(out, "COMPRESSION") == "ZSTD");
    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    CHECK(ds->GetRasterBand(1)->GetRasterDataType() == GDT_Int16);
    CHECK(ds->GetRasterBand(1)->GetNoDataValue() == -32768.0);
}

TEST_CASE("Blocks written in shuffled order from several threads decode identically", "[io][raster_sink][threads]") {
    TempDir dir;
    const Grid g = utm_grid(1000, 700);
    RasterSinkOptions o;
    o.block_size = 128;
    const auto reference = dir / "reference.tif";
    {
        RasterSink sink(reference, g, o);
        for (const auto& w : tiles_of(g, 256, 256)) sink.write(pattern(w));
        sink.finish();
    }
    const auto expected = test::read_all(reference);

    SECTION("block-aligned tiles") {
        auto tiles = tiles_of(g, 256, 256);
        std::mt19937 rng(42);
        std::shuffle(tiles.begin(), tiles.end(), rng);
        const auto out = dir / "shuffled.tif";
        RasterSink sink(out, g, o);
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (std::size_t i = t; i < tiles.size(); i += 4) sink.write(pattern(tiles[i]));
            });
        for (auto& t : threads) t.join();
        sink.finish();
        CHECK(test::read_all(out) == expected);
    }
    SECTION("tiles that do not align to blocks") {
        auto tiles = tiles_of(g, 100, 70);
        std::mt19937 rng(7);
        std::shuffle(tiles.begin(), tiles.end(), rng);
        const auto out = dir / "unaligned.tif";
        RasterSink sink(out, g, o);
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < 3; ++t)
            threads.emplace_back([&, t] {
                for (std::size_t i = t; i < tiles.size(); i += 3) sink.write(pattern(tiles[i]));
            });
        for (auto& t : threads) t.join();
        sink.finish();
        CHECK(test::read_all(out) == expected);
    }
    // And both agree with the pattern itself.
    std::int64_t mismatches = 0;
    for (std::int64_t r = 0; r < 700; ++r)
        for (std::int64_t c = 0; c < 1000; ++c)
            mismatches += expected[static_cast<std::size_t>(r * 1000 + c)] != expected_pattern(c, r, -9999.0);
    CHECK(mismatches == 0);
}

TEST_CASE("A plain tiled GeoTIFF when COG is off", "[io][raster_sink]") {
    TempDir dir;
    const auto out = dir / "plain.tif";
    const Grid g = utm_grid(300, 300);
    RasterSinkOptions o;
    o.cog = false;
    o.block_size = 128;
    {
        RasterSink sink(out, g, o);
        // Only part of the grid is written: the rest must read back as nodata.
        sink.write(pattern(Window{0, 0, 128, 128}));
        CHECK_FALSE(std::filesystem::exists(out));  // still under its temporary name
        sink.finish();
    }
    CHECK(test::folder_entries(dir.path()) == std::vector<std::string>{"plain.tif"});
    CHECK(image_structure(out, "LAYOUT") != "COG");
    CHECK(image_structure(out, "COMPRESSION") == "DEFLATE");
    const auto px = test::read_all(out);
    CHECK(px[0] == -9999.0);                                        // (0, 0): (0 + 0) % 7 == 0 -> invalid
    CHECK(px[1] == 0.25);                                           // (1, 0)
    CHECK(px[static_cast<std::size_t>(200 * 300 + 200)] == -9999);  // never written
}

TEST_CASE("No temporary file survives a sink that is not finished", "[io][raster_sink]") {
    TempDir dir;
    const Grid g = utm_grid(256, 256);
    RasterSinkOptions o;
    o.block_size = 128;
    SECTION("destroyed without finish") {
        {
            RasterSink sink(dir / "a.tif", g, o);
            sink.write(pattern(Window{0, 0, 128, 128}));
            CHECK(test::folder_entries(dir.path()).size() == 1);  // the hidden temporary file
        }
        CHECK(test::folder_entries(dir.path()).empty());
    }
    SECTION("an exception unwinds through the sink") {
        const auto run = [&] {
            RasterSink sink(dir / "b.tif", g, o);
            sink.write(pattern(Window{0, 0, 128, 128}));
            sink.write(pattern(Window{200, 200, 128, 128}));  // outside the grid: throws
            sink.finish();
        };
        CHECK_THROWS_AS(run(), std::out_of_range);
        CHECK(test::folder_entries(dir.path()).empty());
    }
    SECTION("bad options fail before anything is created") {
        o.type = PixelType::uint8;
        o.nodata = 300;
        CHECK_THROWS_AS(RasterSink(dir / "c.tif", g, o), ConfigError);
        CHECK_THROWS_WITH(RasterSink(dir / "c.tif", g, o), Contains("c.tif") && Contains("nodata 300"));
        CHECK(test::folder_entries(dir.path()).empty());
    }
}

TEST_CASE("OutputTransaction::stage is safe from several threads at once", "[io][output][threads]") {
    TempDir dir;
    std::vector<std::filesystem::path> staged[8];
    {
        OutputTransaction transaction;
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 500; ++i) {
                    const auto p = transaction.stage(dir / ("f" + std::to_string(t) + "_" + std::to_string(i)));
                    std::ofstream(p) << t;
                    staged[t].push_back(p);
                }
            });
        for (auto& t : threads) t.join();
        transaction.commit();
    }
    // Every one of the 4000 files was registered (all renamed into place), each under its own temporary name.
    std::set<std::filesystem::path> temps;
    for (const auto& v : staged) temps.insert(v.begin(), v.end());
    CHECK(temps.size() == 4000);
    const auto entries = test::folder_entries(dir.path());
    CHECK(entries.size() == 4000);
    CHECK(std::none_of(entries.begin(), entries.end(), [](const std::string& e) { return e.front() == '.'; }));
}

TEST_CASE("OutputTransaction publishes all files at commit, or none", "[io][output]") {
    TempDir dir;
    const Grid g = utm_grid(128, 128);
    RasterSinkOptions o;
    o.block_size = 64;
    const auto make_outputs = [&](OutputTransaction& tx) {
        RasterSink sink(dir / "ndvi.tif", g, o, &tx);
        sink.write(pattern(g.full_window()));
        sink.finish();
        write_text_file(dir / "run.json", "{\"ok\": true}\n", &tx);
    };
    SECTION("commit") {
        OutputTransaction tx;
        make_outputs(tx);
        CHECK_FALSE(std::filesystem::exists(dir / "ndvi.tif"));
        CHECK_FALSE(std::filesystem::exists(dir / "run.json"));
        CHECK(test::folder_entries(dir.path()).size() == 2);  // both staged under hidden names
        tx.commit();
        auto entries = test::folder_entries(dir.path());
        std::sort(entries.begin(), entries.end());
        CHECK(entries == std::vector<std::string>{"ndvi.tif", "run.json"});
        std::ifstream in(dir / "run.json");
        std::stringstream text;
        text << in.rdbuf();
        CHECK(text.str() == "{\"ok\": true}\n");
        CHECK(image_structure(dir / "ndvi.tif", "LAYOUT") == "COG");
    }
    SECTION("rollback when commit is never reached") {
        {
            OutputTransaction tx;
            make_outputs(tx);
            CHECK(test::folder_entries(dir.path()).size() == 2);
        }
        CHECK(test::folder_entries(dir.path()).empty());
    }
}

TEST_CASE("Output folders are created and checked for writing", "[io][output][bad-input]") {
    TempDir dir;
    SECTION("a new nested folder is created") {
        ensure_writable_dir(dir / "a/b/c");
        CHECK(std::filesystem::is_directory(dir / "a/b/c"));
        CHECK(test::folder_entries(dir / "a/b/c").empty());  // the probe file is gone
    }
    SECTION("a folder below a regular file cannot be created") {
        // Tests run as root, for whom chmod does not block writes; a path under a regular file fails for
        // everyone.
        std::ofstream(dir / "file.txt") << "x";
        const auto bad = dir / "file.txt" / "out";
        CHECK_THROWS_AS(ensure_writable_dir(bad), InputError);
        CHECK_THROWS_WITH(ensure_writable_dir(bad), Contains("output folder " + bad.string() + " is not writable"));
        CHECK_THROWS_WITH(RasterSink(bad / "x.tif", utm_grid(16, 16), RasterSinkOptions{}),
                          Contains("output folder " + bad.string() + " is not writable"));
    }
    SECTION("write_text_file replaces the file atomically") {
        write_text_file(dir / "t.txt", "one");
        write_text_file(dir / "t.txt", "two");
        std::ifstream in(dir / "t.txt");
        std::string s;
        in >> s;
        CHECK(s == "two");
        CHECK(test::folder_entries(dir.path()) == std::vector<std::string>{"t.txt"});
    }
}

namespace {

// Reads overview `level` (0-based) of band 1, as doubles.
std::vector<double> read_overview(const std::filesystem::path& path, int level, int& w, int& h) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    GDALRasterBand* ov = ds->GetRasterBand(1)->GetOverview(level);
    REQUIRE(ov != nullptr);
    w = ov->GetXSize();
    h = ov->GetYSize();
    std::vector<double> out(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    REQUIRE(ov->RasterIO(GF_Read, 0, 0, w, h, out.data(), w, h, GDT_Float64, 0, 0, nullptr) == CE_None);
    return out;
}

// Halves an image by the definition of the method: AVERAGE = mean of the non-nodata pixels of each 2x2 quad
// (nodata when none), NEAREST = the quad's lower-right pixel (clipped at odd edges), as GDAL picks for a
// factor of 2.
std::vector<double> halve(const std::vector<double>& img, int w, int h, double nodata, bool average) {
    const int hw = (w + 1) / 2, hh = (h + 1) / 2;
    std::vector<double> out(static_cast<std::size_t>(hw) * static_cast<std::size_t>(hh), nodata);
    for (int r = 0; r < hh; ++r)
        for (int c = 0; c < hw; ++c) {
            auto at = [&](int x, int y) { return img[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)]; };
            double& o = out[static_cast<std::size_t>(r) * static_cast<std::size_t>(hw) + static_cast<std::size_t>(c)];
            if (!average) {
                o = at(std::min(2 * c + 1, w - 1), std::min(2 * r + 1, h - 1));
                continue;
            }
            double sum = 0;
            int n = 0;
            for (int y = 2 * r; y < std::min(2 * r + 2, h); ++y)
                for (int x = 2 * c; x < std::min(2 * c + 2, w); ++x)
                    if (at(x, y) != nodata) {
                        sum += at(x, y);
                        ++n;
                    }
            if (n > 0) o = static_cast<double>(static_cast<float>(sum / n));
        }
    return out;
}

}  // namespace

TEST_CASE("COG overviews hold the average (or nearest) of each 2x2 quad, nodata excluded", "[io][raster_sink]") {
    TempDir dir;
    // 38 x 38 with 16-pixel blocks: levels of 19 x 19 and 10 x 10 (halved until one block holds a level),
    // odd sizes included.
    const Grid g = utm_grid(38, 38);
    RasterSinkOptions o;
    o.block_size = 16;
    SECTION("average") {
        const auto out = dir / "avg.tif";
        RasterSink sink(out, g, o);
        for (const auto& w : tiles_of(g, 16, 16)) sink.write(pattern(w));
        sink.finish();
        const auto full = test::read_all(out);
        int w1 = 0, h1 = 0, w2 = 0, h2 = 0;
        const auto ov1 = read_overview(out, 0, w1, h1);
        const auto ov2 = read_overview(out, 1, w2, h2);
        CHECK(w1 == 19);
        CHECK(h1 == 19);
        CHECK(w2 == 10);
        CHECK(h2 == 10);
        CHECK(ov1 == halve(full, 38, 38, -9999.0, true));
        CHECK(ov2 == halve(ov1, 19, 19, -9999.0, true));
        // By hand: quad (0,0) of the pattern holds (0,0) invalid [(0 + 0) % 7 == 0], (1,0) = 0.25,
        // (0,1) = -0.5, (1,1) = -0.25, so its average is (0.25 - 0.5 - 0.25) / 3 = -1/6.
        CHECK(ov1[0] == static_cast<double>(static_cast<float>(-1.0 / 6.0)));
    }
    SECTION("nearest, on a class raster") {
        const auto out = dir / "near.tif";
        o.type = PixelType::uint8;
        o.nodata = 255;
        o.overview_resampling = "NEAREST";
        RasterSink sink(out, g, o);
        Block<float> b(g.full_window());
        for (std::size_t i = 0; i < b.px.size(); ++i) b.px[i] = static_cast<float>(i % 11);
        sink.write(b);
        sink.finish();
        const auto full = test::read_all(out);
        int w1 = 0, h1 = 0;
        const auto ov1 = read_overview(out, 0, w1, h1);
        CHECK(ov1 == halve(full, 38, 38, 255.0, false));
        CHECK(ov1[0] == static_cast<double>((1 * 38 + 1) % 11));  // pixel (1, 1) of level 0
    }
}

TEST_CASE("Compression levels are passed on and checked", "[io][raster_sink]") {
    TempDir dir;
    const Grid g = utm_grid(64, 64);
    RasterSinkOptions o;
    o.block_size = 32;
    o.compression_level = 1;
    {
        RasterSink sink(dir / "fast.tif", g, o);
        sink.write(pattern(g.full_window()));
        sink.finish();
    }
    CHECK(test::read_all(dir / "fast.tif") == test::read_all(dir / "fast.tif"));
    CHECK(image_structure(dir / "fast.tif", "COMPRESSION") == "DEFLATE");
    o.compression_level = 13;  // DEFLATE (libdeflate) stops at 12
    CHECK_THROWS_AS(RasterSink(dir / "bad.tif", g, o), ConfigError);
    CHECK_THROWS_WITH(RasterSink(dir / "bad.tif", g, o), Contains("bad.tif") && Contains("compression level 13"));
}

TEST_CASE("The predictor can be left out for class-valued rasters, in the COG and in a plain GeoTIFF",
          "[io][raster_sink]") {
    TempDir dir;
    const Grid g = utm_grid(64, 64);
    for (bool cog : {true, false}) {
        RasterSinkOptions o;
        o.block_size = 32;
        o.cog = cog;
        const auto with = dir / (cog ? "with.tif" : "with_plain.tif");
        const auto without = dir / (cog ? "without.tif" : "without_plain.tif");
        {
            RasterSink sink(with, g, o);
            sink.write(pattern(g.full_window()));
            sink.finish();
        }
        o.predictor = false;
        {
            RasterSink sink(without, g, o);
            sink.write(pattern(g.full_window()));
            sink.finish();
        }
        CHECK(image_structure(with, "PREDICTOR") == "3");
        CHECK(image_structure(without, "PREDICTOR").empty());  // none
        CHECK(image_structure(without, "COMPRESSION") == "DEFLATE");
        CHECK(test::read_all(without) == test::read_all(with));
    }
}

TEST_CASE("finish_all finishes several sinks side by side, as finishing them one by one does", "[io][raster_sink][threads]") {
    TempDir dir;
    // 1000 x 700 with 128-pixel blocks: overview levels of 500 x 350, 250 x 175 and 125 x 88. Tiles of 100 x 70
    // do not align to blocks, so the tile phase leaves dirty blocks in GDAL's cache for finish_all to flush.
    const Grid g = utm_grid(1000, 700);
    const auto tiles = tiles_of(g, 100, 70);
    auto options = [](int k) {
        RasterSinkOptions o;
        o.block_size = 128;
        o.nodata = -1000.0 - k;
        o.overview_resampling = k % 2 == 0 ? "AVERAGE" : "NEAREST";
        return o;
    };
    auto write_all = [&](RasterSink& sink, int k) {
        for (const auto& w : tiles) {
            Block<float> b = pattern(w);
            for (auto& v : b.px) v += static_cast<float>(k);
            sink.write(b);
        }
    };
    constexpr int n = 5;
    for (int k = 0; k < n; ++k) {  // the references, finished one by one
        RasterSink sink(dir / ("serial" + std::to_string(k) + ".tif"), g, options(k));
        write_all(sink, k);
        sink.finish();
    }
    SECTION("all succeed, staged in one transaction") {
        OutputTransaction transaction;  // the finishing threads stage their files in it concurrently
        std::vector<std::unique_ptr<RasterSink>> sinks;
        std::vector<RasterSink*> raw;
        for (int k = 0; k < n; ++k) {
            sinks.push_back(std::make_unique<RasterSink>(dir / ("parallel" + std::to_string(k) + ".tif"), g,
                                                         options(k), &transaction));
            write_all(*sinks.back(), k);
            raw.push_back(sinks.back().get());
        }
        RasterSink::finish_all(raw, 3);
        CHECK_FALSE(std::filesystem::exists(dir / "parallel0.tif"));
        transaction.commit();
        for (int k = 0; k < n; ++k) {
            const auto ref = dir / ("serial" + std::to_string(k) + ".tif");
            const auto out = dir / ("parallel" + std::to_string(k) + ".tif");
            INFO("sink " << k);
            CHECK(image_structure(out, "LAYOUT") == "COG");
            CHECK(test::read_all(out) == test::read_all(ref));
            for (int level = 0; level < 3; ++level) {
                int w = 0, h = 0, rw = 0, rh = 0;
                const auto ov = read_overview(out, level, w, h);
                CHECK(ov == read_overview(ref, level, rw, rh));
                CHECK(w == rw);
            }
        }
    }
    SECTION("one fails: it is cleaned up, the others are finished, the error is rethrown") {
        std::vector<std::unique_ptr<RasterSink>> sinks;
        std::vector<RasterSink*> raw;
        for (int k = 0; k < 3; ++k) {
            const auto before = test::folder_entries(dir.path());
            sinks.push_back(std::make_unique<RasterSink>(dir / ("p" + std::to_string(k) + ".tif"), g, options(k)));
            write_all(*sinks.back(), k);
            raw.push_back(sinks.back().get());
            if (k == 1) {  // remove sink 1's temporary file: reopening it for the COG step fails
                for (const auto& e : test::folder_entries(dir.path()))
                    if (std::find(before.begin(), before.end(), e) == before.end())
                        std::filesystem::remove(dir / e);
            }
        }
        CHECK_THROWS_AS(RasterSink::finish_all(raw, 2), IoError);
        CHECK(std::filesystem::exists(dir / "p0.tif"));
        CHECK_FALSE(std::filesystem::exists(dir / "p1.tif"));
        CHECK(std::filesystem::exists(dir / "p2.tif"));
        sinks.clear();
        for (const auto& e : test::folder_entries(dir.path())) CHECK(e.front() != '.');  // no temporary left
    }
    std::vector<std::unique_ptr<RasterSink>> sinks;
    std::vector<RasterSink*> raw;
    for (int k = 0; k < n; ++k) {
        sinks.push_back(std::make_unique<RasterSink>(dir / ("q" + std::to_string(k) + ".tif"), g, options(k)));
        write_all(*sinks.back(), k);
        raw.push_back(sinks.back().get());
    }
    SECTION("progress: the share done rises by small steps to 1, one call at a time") {
        std::vector<double> shares;
        std::atomic<int> inside{0};
        bool overlapped = false;
        RasterSink::finish_all(raw, 3, [&](double share) {
            overlapped = overlapped || inside.fetch_add(1) != 0;
            shares.push_back(share);
            inside.fetch_sub(1);
            return true;
        });
        CHECK_FALSE(overlapped);
        REQUIRE(shares.size() > static_cast<std::size_t>(n));  // the COG copies report, not just each sink's end
        CHECK(std::is_sorted(shares.begin(), shares.end()));
        CHECK(shares.front() > 0);
        CHECK(shares.back() == 1.0);
        CHECK(std::filesystem::exists(dir / "q0.tif"));
    }
    SECTION("progress says stop: every sink is cleaned up and the interrupted one's error rethrown") {
        int calls = 0;
        CHECK_THROWS_AS(RasterSink::finish_all(raw, 2, [&](double) { return ++calls < 2; }), IoError);
        sinks.clear();
        for (const auto& e : test::folder_entries(dir.path())) {
            INFO(e);
            CHECK(e.front() != '.');  // no temporary left
            CHECK(e.front() != 'q');  // and no output
        }
    }
}

namespace {
// Offset in the file of block (x, y) of overview `level` (-1: the full image), from GDAL's TIFF metadata.
std::uint64_t block_offset(GDALDataset& ds, int level, int x, int y) {
    GDALRasterBand* b = ds.GetRasterBand(1);
    if (level >= 0) b = b->GetOverview(level);
    const char* v = b->GetMetadataItem(("BLOCK_OFFSET_" + std::to_string(x) + "_" + std::to_string(y)).c_str(), "TIFF");
    REQUIRE(v != nullptr);
    return std::stoull(v);
}
}  // namespace

TEST_CASE("An uncompressed COG is laid out as GDAL's COG driver lays it out", "[io][raster_sink]") {
    TempDir dir;
    // 38 x 38 with 16-pixel blocks: levels of 19 x 19 and 10 x 10, odd sizes included. Tiles of 16 are halved as
    // they are written; tiles of 13 start on odd pixels, so the first level is then built from the image.
    const Grid g = utm_grid(38, 38);
    RasterSinkOptions o;
    o.block_size = 16;
    o.compression = Compression::none;
    std::vector<std::vector<double>> pixels;  // every level's pixels, per tile size
    for (const std::int64_t tile : {16, 13, 38}) {
        INFO("tiles of " << tile);
        const auto out = dir / ("none_" + std::to_string(tile) + ".tif");
        RasterSink sink(out, g, o);
        for (const auto& w : tiles_of(g, tile, tile)) sink.write(pattern(w));
        sink.finish();
        CHECK(image_structure(out, "LAYOUT") == "COG");
        CHECK(image_structure(out, "COMPRESSION").empty());
        const auto full = test::read_all(out);
        int w1 = 0, h1 = 0, w2 = 0, h2 = 0;
        const auto ov1 = read_overview(out, 0, w1, h1);
        const auto ov2 = read_overview(out, 1, w2, h2);
        CHECK(full.size() == 38u * 38u);
        CHECK(full[0] == -9999.0);           // (0, 0): (0 + 0) % 7 == 0, invalid
        CHECK(full[39] == 0.25 * 1 - 0.5 * 1);  // (1, 1)
        CHECK((w1 == 19 && h1 == 19 && w2 == 10 && h2 == 10));
        CHECK(ov1 == halve(full, 38, 38, -9999.0, true));
        CHECK(ov2 == halve(ov1, 19, 19, -9999.0, true));
        // Data after every IFD, the smallest level first, the blocks of a level in row-major order.
        GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        REQUIRE(ds);
        // (GDAL gives the overview levels blocks of at least 128 pixels: each level here is one block.)
        CHECK(block_offset(*ds, 1, 0, 0) < block_offset(*ds, 0, 0, 0));
        CHECK(block_offset(*ds, 0, 0, 0) < block_offset(*ds, -1, 0, 0));
        CHECK(block_offset(*ds, -1, 2, 0) < block_offset(*ds, -1, 0, 1));
        CHECK(block_offset(*ds, -1, 2, 2) > block_offset(*ds, -1, 1, 2));
        // Each block is preceded by its size (uint32): 16 x 16 float32 = 1024 bytes, and followed by its last 4.
        const std::string bytes = test::slurp(out);
        const std::uint64_t at = block_offset(*ds, -1, 1, 1);
        std::uint32_t leader = 0;
        std::memcpy(&leader, bytes.data() + at - 4, 4);
        CHECK(leader == 1024u);
        CHECK(bytes.compare(at + 1024, 4, bytes, at + 1020, 4) == 0);
        std::vector<double> levels = full;
        levels.insert(levels.end(), ov1.begin(), ov1.end());
        levels.insert(levels.end(), ov2.begin(), ov2.end());
        pixels.push_back(levels);
    }
    // The same pixels at every level whatever the tiles (the padding of edge blocks, outside the image, may
    // differ).
    CHECK(pixels[0] == pixels[1]);
    CHECK(pixels[0] == pixels[2]);
}

TEST_CASE("A plain GeoTIFF has the same bytes whatever the tiles it was written in", "[io][raster_sink]") {
    TempDir dir;
    // 300 x 200 with 128-pixel blocks: the right and bottom blocks are partial. Tiles of 128 go to the file block
    // by block, tiles of 50 and 96 through GDAL's block cache, each size in a shuffled order; then the whole grid
    // as one window. Uncompressed and DEFLATE.
    const Grid g = utm_grid(300, 200);
    for (const Compression compression : {Compression::none, Compression::deflate}) {
        INFO("compression " << static_cast<int>(compression));
        RasterSinkOptions o;
        o.cog = false;
        o.block_size = 128;
        o.compression = compression;
        std::vector<std::string> files;
        for (const std::int64_t tile : {128, 50, 96, 300}) {
            const auto out = dir / ("plain_" + std::to_string(tile) + ".tif");
            auto tiles = tiles_of(g, tile, tile);
            std::mt19937 rng(static_cast<unsigned>(tile));
            std::shuffle(tiles.begin(), tiles.end(), rng);  // the order a thread pool finishes them in
            RasterSink sink(out, g, o);
            for (const auto& w : tiles) sink.write(pattern(w));
            sink.finish();
            files.push_back(test::slurp(out));
            CHECK(test::read_all(out)[1] == 0.25);  // (1, 0)
        }
        for (std::size_t i = 1; i < files.size(); ++i) {
            INFO("file " << i);
            CHECK(files[i].size() == files[0].size());
            CHECK(files[i] == files[0]);
        }
    }
}
