#pragma once
/// Where the tool's shipped tables (data/) and PROJ grids (grids/) are found at run time:
/// $BLUECARBON_DATA / $BLUECARBON_GRIDS first, then next to the executable (../share/bluecarbon), then the
/// install prefix, then the source tree the binary was built from.
#include <filesystem>

namespace bluecarbon {

/// The folder holding default tables (tier1 tables, allometry, wood density). Throws IoError if none exists.
[[nodiscard]] std::filesystem::path data_dir();
/// The folder holding the shipped PROJ grids. Throws IoError if none exists.
[[nodiscard]] std::filesystem::path grids_dir();

}  // namespace bluecarbon
