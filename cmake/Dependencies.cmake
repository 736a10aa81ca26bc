# Every dependency comes from a Debian bookworm package (see scripts/setup.sh).
find_package(GDAL 3.6 CONFIG REQUIRED)          # GDAL::GDAL
find_package(PROJ 9 CONFIG REQUIRED)            # PROJ::proj
find_package(GEOS 3.11 CONFIG REQUIRED)         # GEOS::geos_c
find_package(Boost 1.74 CONFIG REQUIRED)        # Boost::headers (Geometry)
find_package(CLI11 CONFIG REQUIRED)             # CLI11::CLI11
find_package(tomlplusplus CONFIG REQUIRED)      # tomlplusplus::tomlplusplus
find_package(nlohmann_json CONFIG REQUIRED)     # nlohmann_json::nlohmann_json
find_package(fmt CONFIG REQUIRED)               # fmt::fmt
find_package(Eigen3 CONFIG REQUIRED)            # Eigen3::Eigen
find_package(muparser CONFIG REQUIRED)          # muparser::muparser
find_package(OpenSSL 3 REQUIRED)             # OpenSSL::Crypto (SHA-256, Ed25519)
find_package(SQLite3 REQUIRED)                  # SQLite::SQLite3 (the registry)
find_package(Threads REQUIRED)
if(BLUECARBON_USE_OPENMP)
  find_package(OpenMP REQUIRED COMPONENTS CXX)  # OpenMP::OpenMP_CXX
endif()
# Random123 is header-only and ships no CMake config.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
# Cairo draws the report's map quicklooks (Debian libcairo2-dev ships a pkg-config file, no CMake config).
find_package(PkgConfig REQUIRED)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)   # PkgConfig::CAIRO
# GeographicLib (Debian ships no CMake config): metres per degree for the report's scale bar on geographic grids.
find_library(GEOGRAPHICLIB_LIBRARY NAMES Geographic GeographicLib REQUIRED)
