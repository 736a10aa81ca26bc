// The GDAL block cache of the raster steps scales with the workers, within bounds.
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace bluecarbon;

TEST_CASE("The stock GDAL cache is 16 MB per worker up to 256 MB", "[pipeline][gdal_cache]") {
    constexpr std::int64_t mib = 1024 * 1024;
    CHECK(pipeline::stock_gdal_cache_bytes(1) == 16 * mib);
    CHECK(pipeline::stock_gdal_cache_bytes(2) == 32 * mib);
    CHECK(pipeline::stock_gdal_cache_bytes(16) == 256 * mib);   // 16 x 16 MB, the bound itself
    CHECK(pipeline::stock_gdal_cache_bytes(64) == 256 * mib);   // 64 x 16 MB = 1 GB, bounded
    // 0 workers: every core.
    CHECK(pipeline::stock_gdal_cache_bytes(0) == std::min<std::int64_t>(16 * mib * default_thread_count(), 256 * mib));
}
