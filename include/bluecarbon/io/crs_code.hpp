#pragma once
/// A short, stable name of a CRS for records that compare CRSs as text (certificates, the registry).
#include <bluecarbon/core/grid.hpp>

#include <string>

namespace bluecarbon {

/// "EPSG:32651" when the CRS is (or is identified as) an authority's code, else its WKT2 text. Throws CrsError for
/// an empty or unparsable CRS. Thread-safe.
[[nodiscard]] std::string crs_code(const CrsInfo& crs);

}  // namespace bluecarbon
