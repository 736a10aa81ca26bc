#pragma once
// Private to io: RAII owners and helpers around the GDAL/OGR/OSR C APIs. Nothing outside src/io includes this.
#include <bluecarbon/io/raster_sink.hpp>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <bluecarbon/core/grid.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bluecarbon::io {

/// Collects the GDAL/OGR/OSR messages raised on this thread while alive, instead of letting GDAL print
/// them to stderr. Failures become exceptions at the call site (with GDAL's own words); warnings are
/// forwarded to the live GdalSession's message handler (see gdal_setup.hpp) when the capture ends.
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;

    /// True when a CE_Failure or CE_Fatal was raised.
    [[nodiscard]] bool failed() const noexcept { return !m_errors.empty(); }
    /// The failure messages joined with "; " (empty when none).
    [[nodiscard]] std::string errors() const;
    /// The failures, or when none were raised, `fallback` — for building an exception message.
    [[nodiscard]] std::string message_or(const std::string& fallback) const;
    [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return m_warnings; }

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum number, const char* message);
    std::vector<std::string> m_errors;
    std::vector<std::string> m_warnings;
    // Declared last: popped (destroyed) before the vectors it writes into.
    CPLErrorHandlerPusher m_pusher;
};

/// Sets a GDAL configuration option for the current thread only, restoring the previous value when it ends.
/// Used for options that must apply to our own files but not to the user's inputs (e.g. GDAL_PAM_ENABLED).
class ScopedThreadConfig {
public:
    ScopedThreadConfig(const char* key, const char* value);
    ~ScopedThreadConfig();
    ScopedThreadConfig(const ScopedThreadConfig&) = delete;
    ScopedThreadConfig& operator=(const ScopedThreadConfig&) = delete;

private:
    std::string m_key;
    std::string m_previous;
    bool m_had_previous{false};
};

/// GeoPackage timestamps (gpkg_contents.last_change) pinned to SOURCE_DATE_EPOCH for the current thread while it
/// lives, when that is set, so two runs write the same bytes; otherwise GDAL stamps the clock's time. Throws
/// ConfigError when SOURCE_DATE_EPOCH is set but not a number of seconds.
class ScopedGpkgTimestamp {
public:
    ScopedGpkgTimestamp();

private:
    std::optional<ScopedThreadConfig> m_pin;
};

/// An OSR spatial reference from a CRS WKT, in the traditional GIS axis order (x = easting/longitude), as
/// GDAL's geotransforms assume. Throws CrsError when the WKT cannot be parsed.
[[nodiscard]] OGRSpatialReference srs_from_wkt(const std::string& wkt);
/// WKT2 (2019) text of `srs`, one line.
[[nodiscard]] std::string srs_to_wkt(const OGRSpatialReference& srs);
/// True when the two CRSs are the same for georeferencing purposes (axis order ignored).
[[nodiscard]] bool same_crs(const OGRSpatialReference& a, const OGRSpatialReference& b);

/// The core's description of an OSR CRS (WKT2, geographic flag, units, ellipsoid, name).
[[nodiscard]] CrsInfo crs_info_from_srs(const OGRSpatialReference& srs);

/// Opens a raster read-only, one handle for the calling thread. Throws InputError naming the file (missing,
/// not a raster GDAL can read) with GDAL's reason.
[[nodiscard]] GDALDatasetUniquePtr open_raster_dataset(const std::filesystem::path& path);

/// Passes a GDAL message to the live GdalSession's handler (dropped when none). Thread-safe.
void forward_gdal_message(const std::string& message);

/// The GeoTIFF COMPRESS creation option for a codec ("DEFLATE", "ZSTD", "LZW", "NONE").
[[nodiscard]] const char* gdal_compress_option(Compression c);

/// The NUM_THREADS creation option for a thread budget: "ALL_CPUS" for 0, else the number.
[[nodiscard]] std::string gdal_num_threads(int threads);

/// "<text>: <detail>" when detail is not empty, else text.
[[nodiscard]] std::string with_detail(const std::string& text, const std::string& detail);

}  // namespace bluecarbon::io
