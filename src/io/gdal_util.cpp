#include "gdal_util.hpp"

#include <bluecarbon/core/source_date.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include <system_error>

namespace bluecarbon::io {

namespace fs = std::filesystem;

GdalErrorCapture::GdalErrorCapture() : m_pusher(&GdalErrorCapture::handler, this) {}

GdalErrorCapture::~GdalErrorCapture() {
    for (const auto& w : m_warnings) forward_gdal_message("GDAL warning: " + w);
}

void CPL_STDCALL GdalErrorCapture::handler(CPLErr level, CPLErrorNum /*number*/, const char* message) {
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (self == nullptr || message == nullptr) return;
    if (level == CE_Failure || level == CE_Fatal)
        self->m_errors.emplace_back(message);
    else if (level == CE_Warning)
        self->m_warnings.emplace_back(message);
    // CE_Debug (only with CPL_DEBUG=ON) is dropped.
}

std::string GdalErrorCapture::errors() const {
    std::string out;
    for (const auto& e : m_errors) {
        if (!out.empty()) out += "; ";
        out += e;
    }
    return out;
}

std::string GdalErrorCapture::message_or(const std::string& fallback) const {
    return failed() ? errors() : fallback;
}

ScopedThreadConfig::ScopedThreadConfig(const char* key, const char* value) : m_key(key) {
    if (const char* prev = CPLGetThreadLocalConfigOption(key, nullptr)) {
        m_previous = prev;
        m_had_previous = true;
    }
    CPLSetThreadLocalConfigOption(key, value);
}

ScopedThreadConfig::~ScopedThreadConfig() {
    CPLSetThreadLocalConfigOption(m_key.c_str(), m_had_previous ? m_previous.c_str() : nullptr);
}

ScopedGpkgTimestamp::ScopedGpkgTimestamp() {
    // GDAL's GeoPackage driver writes OGR_CURRENT_DATE, when set, instead of the time of day.
    if (const auto epoch = source_date_epoch()) m_pin.emplace("OGR_CURRENT_DATE", iso8601_utc_ms(*epoch).c_str());
}

std::string gdal_num_threads(int threads) { return threads <= 0 ? "ALL_CPUS" : std::to_string(threads); }

OGRSpatialReference srs_from_wkt(const std::string& wkt) {
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    GdalErrorCapture capture;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) {
        const std::string head = wkt.size() > 60 ? wkt.substr(0, 60) + "..." : wkt;
        throw CrsError(with_detail("cannot parse the CRS WKT '" + head + "'", capture.errors()));
    }
    return srs;
}

std::string srs_to_wkt(const OGRSpatialReference& srs) {
    const char* const options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
    char* text = nullptr;
    GdalErrorCapture capture;
    if (srs.exportToWkt(&text, options) != OGRERR_NONE || text == nullptr) {
        CPLFree(text);
        // Some CRSs (e.g. with non-standard parts) export only as WKT1; fall back to GDAL's default.
        text = nullptr;
        if (srs.exportToWkt(&text) != OGRERR_NONE || text == nullptr) {
            CPLFree(text);
            throw CrsError(with_detail("cannot export CRS '" + std::string(srs.GetName() ? srs.GetName() : "?") +
                                           "' as WKT",
                                       capture.errors()));
        }
    }
    std::string out(text);
    CPLFree(text);
    return out;
}

bool same_crs(const OGRSpatialReference& a, const OGRSpatialReference& b) {
    const char* const options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                   "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    GdalErrorCapture capture;
    return a.IsSame(&b, options) != 0;
}

GDALDatasetUniquePtr open_raster_dataset(const fs::path& path) {
    ensure_gdal_ready();
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path.string() + ": no such file");
    GdalErrorCapture capture;
    GDALDatasetH h = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (h == nullptr)
        throw InputError(with_detail(path.string() + ": not a raster GDAL can read", capture.errors()));
    GDALDatasetUniquePtr ds(GDALDataset::FromHandle(h));
    if (ds->GetRasterCount() < 1) throw InputError(path.string() + ": not a raster GDAL can read (it has no bands)");
    return ds;
}

std::string with_detail(const std::string& text, const std::string& detail) {
    if (detail.empty()) return text;
    // Error messages are one line: GDAL's own text occasionally carries line breaks.
    std::string d = detail;
    for (auto& c : d)
        if (c == '\n' || c == '\r') c = ' ';
    return text + " (" + d + ")";
}

const char* gdal_compress_option(Compression c) {
    switch (c) {
        case Compression::deflate: return "DEFLATE";
        case Compression::zstd: return "ZSTD";
        case Compression::lzw: return "LZW";
        case Compression::none: return "NONE";
    }
    return "NONE";
}

}  // namespace bluecarbon::io
