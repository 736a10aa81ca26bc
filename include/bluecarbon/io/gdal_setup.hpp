#pragma once
/// Process-wide GDAL/PROJ set-up, done once (idempotent, thread-safe): registers drivers, bounds GDAL's block
/// cache (so memory does not grow with raster size), routes GDAL messages away from stderr, and adds the
/// shipped grids/ folder to PROJ's search path so geoid conversions work offline.
#include <cstdint>

namespace bluecarbon {

struct GdalSetupOptions {
    std::int64_t cache_bytes{128LL * 1024 * 1024};
};

void ensure_gdal_ready(const GdalSetupOptions& options = {});

}  // namespace bluecarbon
