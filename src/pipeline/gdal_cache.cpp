#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <algorithm>

namespace bluecarbon::pipeline {

std::int64_t stock_gdal_cache_bytes(int threads) noexcept {
    const int workers = threads > 0 ? threads : default_thread_count();
    return std::min(k_stock_gdal_cache_bytes_per_worker * std::max(workers, 1), k_stock_gdal_cache_bytes_max);
}

}  // namespace bluecarbon::pipeline
