// CRS descriptions through OSR.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include <bluecarbon/core/data_paths.hpp>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <filesystem>

#include <catch2/catch.hpp>

using namespace bluecarbon;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

TEST_CASE("crs_from_user understands EPSG codes, PROJ strings and WKT", "[io][crs]") {
    const CrsInfo utm = crs_from_user("EPSG:32651");
    CHECK_FALSE(utm.empty());
    CHECK_FALSE(utm.geographic);
    CHECK(utm.name == "WGS 84 / UTM zone 51N");
    CHECK(utm.linear_unit_m == 1.0);
    // WGS 84 ellipsoid (EPSG:7030): a = 6378137 m, 1/f = 298.257223563.
    CHECK(utm.semi_major_m == 6378137.0);
    CHECK_THAT(utm.inverse_flattening, WithinAbs(298.257223563, 1e-9));

    const CrsInfo geo = crs_from_user("+proj=longlat +ellps=GRS80 +no_defs");
    CHECK(geo.geographic);
    // GRS 1980: 1/f = 298.257222101.
    CHECK_THAT(geo.inverse_flattening, WithinAbs(298.257222101, 1e-9));

    // Round trip through the WKT we produce.
    const CrsInfo again = crs_info_from_wkt(utm.wkt);
    CHECK(again.name == utm.name);
    CHECK(same_crs(utm, again));
    CHECK_FALSE(same_crs(utm, geo));
    CHECK(same_crs(CrsInfo{}, CrsInfo{}));
    CHECK_FALSE(same_crs(utm, CrsInfo{}));

    // A projected CRS in US survey feet reports its unit in metres (1200/3937 m per foot).
    const CrsInfo feet = crs_from_user("EPSG:2227");
    CHECK_THAT(feet.linear_unit_m, WithinAbs(1200.0 / 3937.0, 1e-12));

    CHECK(crs_info_from_wkt("").empty());
}

TEST_CASE("crs_from_user names the text it cannot understand", "[io][crs][bad-input]") {
    CHECK_THROWS_AS(crs_from_user("EPSG:999999"), ConfigError);
    CHECK_THROWS_WITH(crs_from_user("not a crs"), Contains("'not a crs'"));
    CHECK_THROWS_AS(crs_from_user(""), ConfigError);
    CHECK_THROWS_AS(crs_info_from_wkt("PROJCS[garbage"), CrsError);
}

TEST_CASE("ensure_gdal_ready applies a program's cache size even after earlier default calls", "[io][gdal]") {
    ensure_gdal_ready();  // as the library does internally
    const auto before = GDALGetCacheMax64();
    ensure_gdal_ready(GdalSetupOptions{48LL * 1024 * 1024});
    CHECK(GDALGetCacheMax64() == 48LL * 1024 * 1024);
    ensure_gdal_ready();  // a later default call leaves the program's choice alone
    CHECK(GDALGetCacheMax64() == 48LL * 1024 * 1024);
    GDALSetCacheMax64(before);
    CHECK(GDALGetDriverByName("GTiff") != nullptr);
    CHECK(GDALGetDriverByName("COG") != nullptr);
}

TEST_CASE("PROJ searches the shipped grids folder as well as its defaults", "[io][gdal]") {
    ensure_gdal_ready();
    const auto grids = bluecarbon::grids_dir();  // the source tree's grids/ when run from the build tree
    CPLStringList paths(OSRGetPROJSearchPaths(), TRUE);
    bool has_grids = false, has_proj_db = false;
    for (int i = 0; i < paths.size(); ++i) {
        const std::filesystem::path p(paths[i]);
        std::error_code ec;  // some default PROJ folders (e.g. in $HOME) need not exist
        has_grids |= std::filesystem::equivalent(p, grids, ec);
        has_proj_db |= std::filesystem::exists(p / "proj.db");
    }
    CHECK(has_grids);
    CHECK(has_proj_db);  // the default paths were kept: EPSG codes still resolve
    CHECK_FALSE(crs_from_user("EPSG:4326").empty());
}
