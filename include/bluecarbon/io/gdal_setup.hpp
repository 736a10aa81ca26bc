#pragma once
/// GDAL/PROJ set-up. The library itself only registers GDAL's drivers (idempotent); everything process-wide
/// (error handler, block cache size, PROJ search paths, returning freed heap to the system) is done by an
/// explicit GdalSession, which a program (the CLI, or a host application that wants the same behaviour)
/// creates and which restores the previous state when it ends. Without a session, the host's own GDAL
/// settings stay exactly as the host left them.
#include <cstdint>
#include <functional>
#include <string>

namespace bluecarbon {

/// Registers GDAL's drivers once (idempotent, thread-safe). Changes no setting.
void ensure_gdal_ready();

struct GdalSessionOptions {
    /// GDAL block cache. Reads and writes stream whole blocks, so a small cache suffices and keeps peak
    /// memory independent of raster size: on a 10000 x 10000 NDVI run (2 threads), 16-24 MB used less CPU
    /// and memory than 48-128 MB (peak RSS 102 MB at 16 MB, 138 MB at 48 MB, 157 MB at 64 MB).
    std::int64_t cache_bytes{32LL * 1024 * 1024};
    /// Where GDAL warnings (and errors raised outside any call the library checks, e.g. on GDAL's own
    /// compression threads) go; called from any thread. Empty: dropped (failures that matter already surface
    /// as exceptions). GDAL never prints to stderr while the session lives.
    std::function<void(const std::string&)> message_handler;
    /// Append the shipped grids/ folder to PROJ's search path (geoid models found offline).
    bool shipped_grids{true};
    /// Between a raster's tile phase and its overview/COG phase, empty GDAL's block cache and return freed
    /// heap pages to the system (malloc_trim), and likewise after the scene statistics (release_phase_memory):
    /// peak memory is then the larger phase, not their sum.
    bool release_memory_between_phases{true};
};

/// RAII: applies the options process-wide and restores the previous error handler, cache size, PROJ search
/// paths and message handler on destruction. Create one at a time, on the main thread, around library calls
/// (sessions may nest; destroy them in reverse order).
class GdalSession {
public:
    explicit GdalSession(GdalSessionOptions options = {});
    ~GdalSession();
    GdalSession(const GdalSession&) = delete;
    GdalSession& operator=(const GdalSession&) = delete;

    /// True while a session asking for release_memory_between_phases is alive.
    [[nodiscard]] static bool releases_memory() noexcept;

private:
    struct Saved;
    Saved* m_saved;
};

/// Under a GdalSession asking for release_memory_between_phases, after a phase whose large buffers are gone (the
/// scene statistics): hands the freed heap pages back to the system (glibc's malloc_trim) and fixes the mmap
/// threshold at glibc's initial 128 KB, so that the next phase does not inherit the threshold the last one's frees
/// raised (which kept a 20000^2 stock run's tile phase 5-10 MB larger); otherwise (no such session, or not glibc)
/// does nothing.
void release_phase_memory() noexcept;

}  // namespace bluecarbon
