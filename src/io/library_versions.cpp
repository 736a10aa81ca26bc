#include <bluecarbon/io/library_versions.hpp>

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>

namespace bluecarbon {

LibraryVersions library_versions() {
    return {GDALVersionInfo("RELEASE_NAME"), proj_info().version, GEOSversion()};
}

}  // namespace bluecarbon
