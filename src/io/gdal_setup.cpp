#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include "gdal_util.hpp"

#include <ogr_srs_api.h>

#include <memory>
#include <mutex>

namespace bluecarbon {

namespace {

std::mutex g_handler_mutex;
std::shared_ptr<const std::function<void(const std::string&)>> g_handler;

// The process-wide GDAL handler: messages raised where no GdalErrorCapture is active (GDAL's own worker
// threads, e.g. GTiff compression threads) end up here instead of on stderr.
void CPL_STDCALL global_gdal_handler(CPLErr level, CPLErrorNum /*number*/, const char* message) {
    if (level == CE_Debug || level == CE_None || message == nullptr) return;
    io::forward_gdal_message(std::string(level == CE_Warning ? "GDAL warning: " : "GDAL error: ") + message);
}

}  // namespace

void set_gdal_message_handler(std::function<void(const std::string&)> handler) {
    std::shared_ptr<const std::function<void(const std::string&)>> h;
    if (handler) h = std::make_shared<const std::function<void(const std::string&)>>(std::move(handler));
    std::lock_guard lock(g_handler_mutex);
    g_handler = std::move(h);
}

namespace io {
void forward_gdal_message(const std::string& message) {
    std::shared_ptr<const std::function<void(const std::string&)>> h;
    {
        std::lock_guard lock(g_handler_mutex);
        h = g_handler;
    }
    if (h) (*h)(message);
}
}  // namespace io

void ensure_gdal_ready(const GdalSetupOptions& options) {
    static std::once_flag once;
    std::call_once(once, [&options] {
        CPLSetErrorHandler(global_gdal_handler);
        GDALAllRegister();
        // Bound the block cache: tiles in flight, not raster size, set the memory we use.
        GDALSetCacheMax64(options.cache_bytes);
        // GDAL_PAM_ENABLED=NO is applied per thread around our own writes (RasterSink), not process-wide,
        // so .aux.xml side files of the user's inputs (nodata, scale/offset) are still honoured.

        // Keep PROJ's default search path (proj.db, system grids) and add the grids shipped with the tool,
        // so geoid models are found offline.
        try {
            const auto grids = grids_dir();
            CPLStringList paths(OSRGetPROJSearchPaths(), TRUE);
            paths.AddString(grids.string().c_str());
            OSRSetPROJSearchPaths(paths.List());
        } catch (const Error&) {
            // No grids folder installed: PROJ keeps its defaults; a conversion that needs a grid will fail
            // later with PROJ's message naming the missing grid.
        }
    });
    // The library calls ensure_gdal_ready() with default options from many places, possibly before the
    // program sets its own cache size: a non-default size is therefore applied whenever it is asked for.
    if (options.cache_bytes != GdalSetupOptions{}.cache_bytes) GDALSetCacheMax64(options.cache_bytes);
}

}  // namespace bluecarbon
