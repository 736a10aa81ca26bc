// BandStackSink: multi-band uint16 GeoTIFFs written tile by tile.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/band_stack_sink.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <algorithm>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {

Grid grid_of(std::int64_t w, std::int64_t h) {
    return Grid(crs_from_user("EPSG:32651"), GeoTransform{390000, 10, 0, 3266000, 0, -10}, w, h);
}

BandStackSinkOptions two_bands() {
    BandStackSinkOptions o;
    o.band_descriptions = {"green", "nir"};
    o.nodata = 0;
    o.scale = 1e-4;
    o.offset = 0.0;
    o.block_size = 32;
    return o;
}

// DN of band b at (col, row): distinct per pixel and band.
std::uint16_t dn(int b, std::int64_t c, std::int64_t r) {
    return static_cast<std::uint16_t>(1 + b * 5000 + r * 70 + c);
}

}  // namespace

TEST_CASE("BandStackSink writes every band's tiles in any order, nodata where invalid", "[io][band_stack_sink]") {
    test::TempDir dir;
    const fs::path path = dir / "stack.tif";
    const Grid grid = grid_of(70, 45);  // not a multiple of the 32-pixel blocks
    {
        BandStackSink sink(path, grid, two_bands());
        CHECK(sink.band_count() == 2);
        // Tiles of 32 (block-aligned) and one odd 13 x 7 window, written from several threads, shuffled.
        std::vector<std::pair<int, Window>> jobs;
        for (int b = 0; b < 2; ++b)
            for (std::int64_t r = 0; r < 45; r += 32)
                for (std::int64_t c = 0; c < 70; c += 32)
                    jobs.push_back(
                        {b, Window{c, r, std::min<std::int64_t>(32, 70 - c), std::min<std::int64_t>(32, 45 - r)}});
        std::shuffle(jobs.begin(), jobs.end(), std::mt19937(3));
        std::vector<std::thread> threads;
        for (int t = 0; t < 3; ++t)
            threads.emplace_back([&, t] {
                for (std::size_t j = static_cast<std::size_t>(t); j < jobs.size(); j += 3) {
                    const auto& [b, w] = jobs[j];
                    Block<std::uint16_t> blk(w);
                    for (std::int64_t r = 0; r < w.rows; ++r)
                        for (std::int64_t c = 0; c < w.cols; ++c) {
                            const auto i = blk.index(c, r);
                            blk.px[i] = dn(b, w.col_off + c, w.row_off + r);
                            blk.valid[i] = (w.col_off + c + w.row_off + r) % 11 != 0;  // some invalid pixels
                        }
                    sink.write(b, blk);
                }
            });
        for (auto& t : threads)
            t.join();
        // An unaligned window overwrites part of band 2.
        Block<std::uint16_t> odd(Window{5, 3, 13, 7}, 4242);
        sink.write(1, odd);
        CHECK_THROWS_AS(sink.write(2, odd), std::out_of_range);
        sink.finish();
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    REQUIRE(ds->GetRasterCount() == 2);
    CHECK(std::string(ds->GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE")) == "BAND");
    for (int b = 0; b < 2; ++b) {
        GDALRasterBand* band = ds->GetRasterBand(b + 1);
        CHECK(band->GetRasterDataType() == GDT_UInt16);
        CHECK(std::string(band->GetDescription()) == (b == 0 ? "green" : "nir"));
        int has = 0;
        CHECK(band->GetScale(&has) == 1e-4);
        CHECK(band->GetNoDataValue(&has) == 0.0);
        std::vector<std::uint16_t> px(70 * 45);
        REQUIRE(band->RasterIO(GF_Read, 0, 0, 70, 45, px.data(), 70, 45, GDT_UInt16, 0, 0, nullptr) == CE_None);
        for (std::int64_t r = 0; r < 45; ++r)
            for (std::int64_t c = 0; c < 70; ++c) {
                const std::uint16_t got = px[static_cast<std::size_t>(r * 70 + c)];
                const bool in_odd = b == 1 && c >= 5 && c < 18 && r >= 3 && r < 10;
                const std::uint16_t want = in_odd ? 4242 : (c + r) % 11 == 0 ? 0 : dn(b, c, r);
                REQUIRE(got == want);
            }
    }
}

TEST_CASE("BandStackSink files have the same bytes whatever order the tiles came in", "[io][band_stack_sink]") {
    test::TempDir dir;
    const Grid grid = grid_of(70, 45);  // 3 x 2 blocks of 32, the right and bottom ones partial
    for (const Compression compression : {Compression::none, Compression::deflate}) {
        INFO("compression " << static_cast<int>(compression));
        BandStackSinkOptions o = two_bands();
        o.compression = compression;
        std::vector<std::string> files;
        // Block-aligned tiles in two shuffled orders, then 35 x 20 windows through GDAL's block cache.
        for (const auto& [edge_c, edge_r, seed] : std::vector<std::tuple<std::int64_t, std::int64_t, unsigned>>{
                 {32, 32, 1}, {32, 32, 2}, {35, 20, 3}}) {
            const fs::path path = dir / ("stack_" + std::to_string(files.size()) + ".tif");
            std::vector<std::pair<int, Window>> jobs;
            for (int b = 0; b < 2; ++b)
                for (std::int64_t r = 0; r < 45; r += edge_r)
                    for (std::int64_t c = 0; c < 70; c += edge_c)
                        jobs.push_back({b, Window{c, r, std::min(edge_c, 70 - c), std::min(edge_r, 45 - r)}});
            std::shuffle(jobs.begin(), jobs.end(), std::mt19937(seed));
            BandStackSink sink(path, grid, o);
            for (const auto& [b, w] : jobs) {
                Block<std::uint16_t> blk(w);
                for (std::int64_t r = 0; r < w.rows; ++r)
                    for (std::int64_t c = 0; c < w.cols; ++c) blk.px[blk.index(c, r)] = dn(b, w.col_off + c, w.row_off + r);
                sink.write(b, blk);
            }
            sink.finish();
            files.push_back(test::slurp(path));
        }
        CHECK(files[1] == files[0]);
        CHECK(files[2] == files[0]);
    }
}

TEST_CASE("BandStackSink leaves nothing behind unless finished and committed", "[io][band_stack_sink]") {
    test::TempDir dir;
    {
        OutputTransaction tx;
        BandStackSink sink(dir / "a.tif", grid_of(40, 40), two_bands(), &tx);
        sink.write(0, Block<std::uint16_t>(Window{0, 0, 32, 32}, 7));
        sink.finish();  // staged, never committed
    }
    {
        BandStackSink sink(dir / "b.tif", grid_of(40, 40), two_bands());
        sink.write(0, Block<std::uint16_t>(Window{0, 0, 32, 32}, 7));
        // never finished
    }
    CHECK(fs::is_empty(dir.path()));
    auto bad = two_bands();
    bad.band_descriptions.clear();
    CHECK_THROWS_AS(BandStackSink(dir / "c.tif", grid_of(40, 40), bad), ConfigError);
    bad = two_bands();
    bad.block_size = 20;
    CHECK_THROWS_AS(BandStackSink(dir / "c.tif", grid_of(40, 40), bad), ConfigError);
    bad = two_bands();
    bad.compression_level = 13;  // DEFLATE goes to 12
    CHECK_THROWS_AS(BandStackSink(dir / "c.tif", grid_of(40, 40), bad), ConfigError);
    CHECK(fs::is_empty(dir.path()));
}
