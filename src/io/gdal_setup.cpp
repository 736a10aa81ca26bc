#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include "gdal_util.hpp"

#include <ogr_srs_api.h>

#include <atomic>
#include <memory>
#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace bluecarbon {

namespace {

using Handler = std::function<void(const std::string&)>;

// The message handler of the innermost live session (null: messages dropped). Guarded: GDAL's worker
// threads may report while the main thread opens or closes a session.
std::mutex g_handler_mutex;
std::shared_ptr<const Handler> g_handler;
std::atomic<int> g_releasing_sessions{0};

// Installed by a session: messages raised where no GdalErrorCapture is active (GDAL's own worker threads,
// e.g. GTiff compression threads) end up in the session's handler instead of on stderr.
void CPL_STDCALL session_gdal_handler(CPLErr level, CPLErrorNum /*number*/, const char* message) {
    if (level == CE_Debug || level == CE_None || message == nullptr) return;
    io::forward_gdal_message(std::string(level == CE_Warning ? "GDAL warning: " : "GDAL error: ") + message);
}

}  // namespace

namespace io {
void forward_gdal_message(const std::string& message) {
    std::shared_ptr<const Handler> h;
    {
        std::lock_guard lock(g_handler_mutex);
        h = g_handler;
    }
    if (h) (*h)(message);
}
}  // namespace io

void ensure_gdal_ready() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

struct GdalSession::Saved {
    CPLErrorHandler error_handler{nullptr};
    void* error_user_data{nullptr};
    std::int64_t cache_bytes{0};
    CPLStringList proj_paths;
    bool proj_paths_changed{false};
    std::shared_ptr<const Handler> message_handler;
    bool releases{false};
};

GdalSession::GdalSession(GdalSessionOptions options) : m_saved(new Saved) {
    ensure_gdal_ready();
    Saved& s = *m_saved;
    {
        std::lock_guard lock(g_handler_mutex);
        s.message_handler = g_handler;
        g_handler = options.message_handler ? std::make_shared<const Handler>(std::move(options.message_handler))
                                            : nullptr;
    }
    s.error_user_data = CPLGetErrorHandlerUserData();
    s.error_handler = CPLSetErrorHandlerEx(session_gdal_handler, nullptr);
    // Bound the block cache: tiles in flight, not raster size, set the memory we use.
    s.cache_bytes = GDALGetCacheMax64();
    GDALSetCacheMax64(options.cache_bytes);
    if (options.shipped_grids) {
        try {
            const auto grids = grids_dir();
            s.proj_paths.Assign(OSRGetPROJSearchPaths(), TRUE);
            CPLStringList paths(s.proj_paths);
            paths.AddString(grids.string().c_str());
            OSRSetPROJSearchPaths(paths.List());
            s.proj_paths_changed = true;
        } catch (const Error&) {
            // No grids folder installed: PROJ keeps its defaults; a conversion that needs a grid fails later
            // with PROJ's message naming the missing grid.
        }
    }
    s.releases = options.release_memory_between_phases;
    if (s.releases) ++g_releasing_sessions;
}

GdalSession::~GdalSession() {
    std::unique_ptr<Saved> s(m_saved);
    if (s->releases) --g_releasing_sessions;
    if (s->proj_paths_changed) OSRSetPROJSearchPaths(s->proj_paths.List());
    GDALSetCacheMax64(s->cache_bytes);
    CPLSetErrorHandlerEx(s->error_handler, s->error_user_data);
    std::lock_guard lock(g_handler_mutex);
    g_handler = std::move(s->message_handler);
}

bool GdalSession::releases_memory() noexcept { return g_releasing_sessions.load() > 0; }

void release_phase_memory() noexcept {
#ifdef __GLIBC__
    if (!GdalSession::releases_memory()) return;
    malloc_trim(0);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

}  // namespace bluecarbon
