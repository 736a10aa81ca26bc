#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs_code.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include "gdal_util.hpp"

namespace bluecarbon {

std::string crs_code(const CrsInfo& crs) {
    if (crs.empty()) throw CrsError("the parcels have no CRS");
    ensure_gdal_ready();
    OGRSpatialReference srs = io::srs_from_wkt(crs.wkt);
    const char* name = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (!name || !code) {
        // WKT without an ID node: ask PROJ which code it is (exact matches only).
        if (srs.AutoIdentifyEPSG() == OGRERR_NONE) {
            name = srs.GetAuthorityName(nullptr);
            code = srs.GetAuthorityCode(nullptr);
        }
    }
    if (name && code) return std::string(name) + ":" + code;
    return crs.wkt;
}

}  // namespace bluecarbon
