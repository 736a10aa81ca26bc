#pragma once
/// Versions of the geospatial libraries the tool runs with (for run records).
#include <string>

namespace bluecarbon {

struct LibraryVersions {
    std::string gdal, proj, geos;
};

/// The versions of the libraries loaded at run time (not those compiled against).
[[nodiscard]] LibraryVersions library_versions();

}  // namespace bluecarbon
