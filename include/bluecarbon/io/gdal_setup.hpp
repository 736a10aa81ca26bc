#pragma once
/// Process-wide GDAL/PROJ set-up, done once (idempotent, thread-safe): registers drivers, bounds GDAL's block
/// cache (so memory does not grow with raster size), routes GDAL messages away from stderr, and adds the
/// shipped grids/ folder to PROJ's search path so geoid conversions work offline.
#include <cstdint>
#include <functional>
#include <string>

namespace bluecarbon {

struct GdalSetupOptions {
    /// GDAL block cache. Reads and writes stream whole blocks, so a small cache suffices; measured on a
    /// 10000 x 10000 NDVI run, 32-64 MB was both faster and leaner than 128 MB (fewer page faults).
    std::int64_t cache_bytes{64LL * 1024 * 1024};
};

/// Idempotent and thread-safe. The set-up runs once; a non-default cache size is applied on every call that
/// asks for it (so a program's own size wins over the library's earlier default-argument calls).
void ensure_gdal_ready(const GdalSetupOptions& options = {});

/// Where GDAL warnings (and errors raised outside any call we check) go: `handler(message)` may be called
/// from any thread, so it must be thread-safe. Default (or an empty function): the messages are dropped,
/// since failures that matter already surface as exceptions. GDAL never prints to stderr itself.
void set_gdal_message_handler(std::function<void(const std::string&)> handler);

}  // namespace bluecarbon
