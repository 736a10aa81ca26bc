#pragma once
/// Process-wide GDAL/PROJ set-up, done once (idempotent, thread-safe): registers drivers, bounds GDAL's block
/// cache (so memory does not grow with raster size), routes GDAL messages away from stderr, and adds the
/// shipped grids/ folder to PROJ's search path so geoid conversions work offline.
#include <cstdint>
#include <functional>
#include <string>

namespace bluecarbon {

struct GdalSetupOptions {
    /// GDAL block cache. Reads and writes stream whole blocks, so a small cache suffices and keeps peak
    /// memory independent of raster size: on a 10000 x 10000 NDVI run (2 threads), 16-24 MB used less CPU
    /// and memory than 48-128 MB (peak RSS 102 MB at 16 MB, 138 MB at 48 MB, 157 MB at 64 MB).
    std::int64_t cache_bytes{32LL * 1024 * 1024};
};

/// Idempotent and thread-safe. The set-up runs once; a non-default cache size is applied on every call that
/// asks for it (so a program's own size wins over the library's earlier default-argument calls).
void ensure_gdal_ready(const GdalSetupOptions& options = {});

/// Where GDAL warnings (and errors raised outside any call we check) go: `handler(message)` may be called
/// from any thread, so it must be thread-safe. Default (or an empty function): the messages are dropped,
/// since failures that matter already surface as exceptions. GDAL never prints to stderr itself.
void set_gdal_message_handler(std::function<void(const std::string&)> handler);

}  // namespace bluecarbon
