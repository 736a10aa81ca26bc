// A reprojected (warped) input read tile by tile gives the same pixels whatever the tile size: each tile's warp
// must sample the source exactly as the whole-grid read does (no seams at tile edges, no dependence on the
// window's size in the resampling kernel).
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/raster_source.hpp>

#include "io_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace bluecarbon;

namespace {
// Reads `src` over `grid` in tiles of `tile` x `tile` and assembles the full image.
std::vector<float> read_tiled(const RasterSource& src, const Grid& grid, std::int64_t tile) {
    std::vector<float> out(static_cast<std::size_t>(grid.width() * grid.height()), -1.0F);
    Block<float> b;
    for (std::int64_t r = 0; r < grid.height(); r += tile)
        for (std::int64_t c = 0; c < grid.width(); c += tile) {
            const Window w{c, r, std::min(tile, grid.width() - c), std::min(tile, grid.height() - r)};
            src.read(0, w, b);
            for (std::int64_t y = 0; y < w.rows; ++y)
                for (std::int64_t x = 0; x < w.cols; ++x) {
                    const auto i = b.index(x, y); // window-relative
                    out[static_cast<std::size_t>((w.row_off + y) * grid.width() + w.col_off + x)] =
                        b.valid[i] ? b.px[i] : std::nanf("");
                }
        }
    return out;
}
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
} // namespace

TEST_CASE("a warped input gives identical pixels for any tile size", "[io][raster_source][warp][determinism]") {
    const auto resampling = GENERATE(Resampling::nearest, Resampling::bilinear, Resampling::cubic);
    test::TempDir dir;
    // A smooth field in EPSG:4326 (0.0005 degree pixels) over the Xiangshan coast, read onto a 60 m UTM grid.
    const auto path = dir / "field_4326.tif";
    {
        test::FixtureRaster r;
        r.width = 400;
        r.height = 400;
        r.gt = {121.80, 0.0005, 0, 29.60, 0, -0.0005};
        r.epsg = 4326;
        r.type = GDT_Float32;
        std::vector<double> v(400 * 400);
        for (int row = 0; row < 400; ++row)
            for (int col = 0; col < 400; ++col)
                v[static_cast<std::size_t>(row * 400 + col)] = std::sin(col * 0.05) * std::cos(row * 0.07) + row * 0.01;
        r.bands = {test::band_of(v)};
        test::write_fixture(path, r);
    }
    const auto centre = test::project(121.9, 29.5, 32651);
    const double x0 = std::floor((centre[0] - 6000) / 60.0) * 60.0;
    const double y0 = std::ceil((centre[1] + 4500) / 60.0) * 60.0;
    const Grid grid(crs_from_user("EPSG:32651"), GeoTransform{x0, 60, 0, y0, 0, -60}, 200, 150);
    RasterSourceOptions o;
    o.resampling = resampling;
    const auto src = RasterSource::open_aligned(path, grid, o);
    REQUIRE(src->is_warped());
    const auto whole = read_tiled(*src, grid, 1000); // one window: the whole grid
    std::size_t valid = 0;
    for (float v : whole)
        valid += std::isnan(v) ? 0 : 1;
    CHECK(valid == 200u * 150u); // the field covers the grid
    for (const std::int64_t tile : {7, 64, 128, 149}) {
        INFO("tile " << tile);
        const auto tiled = read_tiled(*src, grid, tile);
        std::size_t differ = 0;
        double worst = 0;
        for (std::size_t i = 0; i < whole.size(); ++i) {
            differ += tiled[i] != whole[i] ? 1 : 0;
            worst = std::max(worst, std::abs(static_cast<double>(tiled[i]) - whole[i]));
        }
        INFO(differ << " pixels differ, by up to " << worst);
        CHECK(same_bits(tiled, whole));
    }
}
