// CRS descriptions through OSR.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include <bluecarbon/core/data_paths.hpp>

#include <GeographicLib/UTMUPS.hpp>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <utility>
#include <vector>

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

TEST_CASE("transform_extent encloses the densified edges of a UTM extent in longitude/latitude", "[io][crs]") {
    const CrsInfo utm = crs_from_user("EPSG:32651"), geo = crs_from_user("EPSG:4326");
    const Extent e{390000, 3260000, 396000, 3266000};
    const Extent t = transform_extent(e, utm, geo);

    // Independently: GeographicLib's inverse UTM (zone 51N) of points along each edge, `n` segments per edge.
    const auto edges = [&](int n) {
        Extent box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
        std::vector<std::pair<double, double>> lonlat;
        for (int k = 0; k <= n; ++k) {
            const double f = static_cast<double>(k) / n;
            const double x = e.xmin + f * (e.xmax - e.xmin), y = e.ymin + f * (e.ymax - e.ymin);
            for (const auto& [px, py] : {std::pair{x, e.ymin}, std::pair{x, e.ymax}, std::pair{e.xmin, y},
                                         std::pair{e.xmax, y}}) {
                double lat = 0, lon = 0;
                GeographicLib::UTMUPS::Reverse(51, true, px, py, lat, lon);
                lonlat.emplace_back(lon, lat);
                box = {std::min(box.xmin, lon), std::min(box.ymin, lat), std::max(box.xmax, lon),
                       std::max(box.ymax, lat)};
            }
        }
        return std::pair{box, lonlat};
    };
    // 21 densify points make 22 segments per edge; the bounds are the extremes over those points.
    const auto [dense, dense_points] = edges(22);
    CHECK_THAT(t.xmin, WithinAbs(dense.xmin, 1e-7));
    CHECK_THAT(t.ymin, WithinAbs(dense.ymin, 1e-7));
    CHECK_THAT(t.xmax, WithinAbs(dense.xmax, 1e-7));
    CHECK_THAT(t.ymax, WithinAbs(dense.ymax, 1e-7));
    // Corners and 400 points along each edge lie inside (1e-9 degrees ~ 0.1 mm for the two libraries' rounding).
    const auto [fine, fine_points] = edges(400);
    for (const auto& [lon, lat] : fine_points) {
        CHECK(lon >= t.xmin - 1e-9);
        CHECK(lon <= t.xmax + 1e-9);
        CHECK(lat >= t.ymin - 1e-9);
        CHECK(lat <= t.ymax + 1e-9);
    }
    // Near 121.9 E 29.5 N: the box is about 6 km / 96.9 km per degree wide, 6 km / 110.8 km per degree high.
    CHECK_THAT(t.xmax - t.xmin, WithinAbs(0.0625, 0.001));
    CHECK_THAT(t.ymax - t.ymin, WithinAbs(0.0546, 0.001));

    // The same CRS gives the extent back untouched.
    const Extent same = transform_extent(e, utm, crs_from_user("EPSG:32651"));
    CHECK((same.xmin == e.xmin && same.ymin == e.ymin && same.xmax == e.xmax && same.ymax == e.ymax));
}

TEST_CASE("transform_extent fails with one clear line when the extent cannot be transformed", "[io][crs][bad-input]") {
    const CrsInfo utm = crs_from_user("EPSG:32651"), geo = crs_from_user("EPSG:4326");
    // A million kilometres from the central meridian: no point has an inverse UTM.
    CHECK_THROWS_AS(transform_extent(Extent{1e9, 1e9, 2e9, 2e9}, utm, geo), CrsError);
    CHECK_THROWS_WITH(transform_extent(Extent{1e9, 1e9, 2e9, 2e9}, utm, geo),
                      Contains("cannot transform the extent [1000000000, 1000000000, 2000000000, 2000000000] from "
                               "WGS 84 / UTM zone 51N to WGS 84") &&
                          !Contains("\n"));
    // PDC Mercator (central meridian 150 E): x from 3200 to 3500 km spans 178.7 E to 178.6 W.
    CHECK_THROWS_WITH(transform_extent(Extent{3200000, -100000, 3500000, 100000}, crs_from_user("EPSG:3832"), geo),
                      Contains("crosses the antimeridian"));
    CHECK_THROWS_AS(transform_extent(Extent{0, 0, 1, 1}, CrsInfo{}, geo), CrsError);
}
