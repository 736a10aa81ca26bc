// [grid] crs + resolution without extent, the primary input in another CRS: the analysis grid covers the input's
// extent reprojected (as gdalwarp -t_srs -tr does), and the habitat map lands where the UTM run puts it.
#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <ogr_spatialref.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon::test;
using Catch::Matchers::WithinAbs;
namespace fs = std::filesystem;

namespace {

// `text` with its [grid] section (up to the next section header) replaced by `grid`, and the output folder renamed.
std::string with_grid(std::string text, const std::string& grid, const std::string& output) {
    const auto begin = text.find("\n[grid]\n");
    REQUIRE(begin != std::string::npos);
    const auto end = text.find("\n[", begin + 1);
    REQUIRE(end != std::string::npos);
    text.replace(begin + 1, end - begin, grid + "\n");
    const auto out = text.find("\noutput = \"output\"\n");
    REQUIRE(out != std::string::npos);
    text.replace(out, std::string("\noutput = \"output\"\n").size(), "\noutput = \"" + output + "\"\n");
    return text;
}

std::unique_ptr<OGRCoordinateTransformation> transformation(int from_epsg, int to_epsg) {
    OGRSpatialReference from, to;
    REQUIRE(from.importFromEPSG(from_epsg) == OGRERR_NONE);
    REQUIRE(to.importFromEPSG(to_epsg) == OGRERR_NONE);
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &to));
    REQUIRE(ct);
    return ct;
}

}  // namespace

TEST_CASE("habitat on a grid given by crs and resolution only, inputs in another CRS", "[cli][grid]") {
    TempDir dir;
    const fs::path sample = dir / "sample";
    auto r = run({"sample", "--out", sample.string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::string toml = slurp(sample / "project.toml");
    {
        std::ofstream(sample / "geo.toml", std::ios::binary)
            << with_grid(toml, "[grid]\ncrs = \"EPSG:4326\"\nresolution = 0.0001\n", "output_geo");
    }

    // The reference: the same project on the reflectance's own UTM grid.
    r = run({"habitat", (sample / "project.toml").string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    r = run({"habitat", (sample / "geo.toml").string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);

    // The reflectance's extent in lon/lat, from 400 points along each edge transformed one by one.
    auto refl = open_raster(sample / "reflectance.tif");
    REQUIRE(std::string(refl->GetSpatialRef()->GetAuthorityCode(nullptr)) == "32651");
    std::array<double, 6> rgt{};
    REQUIRE(refl->GetGeoTransform(rgt.data()) == CE_None);
    const double ux0 = rgt[0], uy1 = rgt[3];
    const double ux1 = ux0 + rgt[1] * refl->GetRasterXSize(), uy0 = uy1 + rgt[5] * refl->GetRasterYSize();
    auto to_geo = transformation(32651, 4326);
    double lon0 = std::numeric_limits<double>::infinity(), lat0 = lon0, lon1 = -lon0, lat1 = -lon0;
    for (int k = 0; k <= 400; ++k) {
        const double f = k / 400.0;
        std::array<double, 4> xs{ux0 + f * (ux1 - ux0), ux0 + f * (ux1 - ux0), ux0, ux1};
        std::array<double, 4> ys{uy0, uy1, uy0 + f * (uy1 - uy0), uy0 + f * (uy1 - uy0)};
        REQUIRE(to_geo->Transform(4, xs.data(), ys.data()));
        lon0 = std::min(lon0, *std::min_element(xs.begin(), xs.end()));
        lon1 = std::max(lon1, *std::max_element(xs.begin(), xs.end()));
        lat0 = std::min(lat0, *std::min_element(ys.begin(), ys.end()));
        lat1 = std::max(lat1, *std::max_element(ys.begin(), ys.end()));
    }

    // habitat.tif: EPSG:4326, 0.0001 degree pixels from the upper-left corner of that extent, covering it with
    // less than one pixel to spare on the right and bottom.
    auto geo = open_raster(sample / "output_geo" / "habitat.tif");
    const OGRSpatialReference* srs = geo->GetSpatialRef();
    REQUIRE(srs != nullptr);
    REQUIRE(srs->GetAuthorityCode(nullptr) != nullptr);
    CHECK(std::string(srs->GetAuthorityCode(nullptr)) == "4326");
    std::array<double, 6> gt{};
    REQUIRE(geo->GetGeoTransform(gt.data()) == CE_None);
    const double res = 0.0001;
    CHECK(gt[1] == res);
    CHECK(gt[5] == -res);
    CHECK(gt[2] == 0.0);
    CHECK(gt[4] == 0.0);
    const int w = geo->GetRasterXSize(), h = geo->GetRasterYSize();
    const double gx0 = gt[0], gy1 = gt[3], gx1 = gx0 + w * res, gy0 = gy1 - h * res;
    CHECK_THAT(gx0, WithinAbs(lon0, 1e-7));
    CHECK_THAT(gy1, WithinAbs(lat1, 1e-7));
    CHECK(gx1 >= lon1 - 1e-9);
    CHECK(gx1 < lon1 + res);
    CHECK(gy0 <= lat0 + 1e-9);
    CHECK(gy0 > lat0 - res);
    // About 6 km: 0.0625 degrees of longitude and 0.0546 of latitude at 29.5 N.
    CHECK(std::abs(w - 625) <= 2);
    CHECK(std::abs(h - 546) <= 2);

    // Pixels land where the UTM run has them: each sampled pixel centre, taken back to UTM, has the same class
    // there (nearest neighbour; boundary pixels may differ), and centres well outside the UTM square are nodata.
    auto utm = open_raster(sample / "output" / "habitat.tif");
    std::array<double, 6> ugt{};
    REQUIRE(utm->GetGeoTransform(ugt.data()) == CE_None);
    const auto geo_px = read_float32(sample / "output_geo" / "habitat.tif");
    const auto utm_px = read_float32(sample / "output" / "habitat.tif");
    int has_nodata = 0;
    const double nodata = geo->GetRasterBand(1)->GetNoDataValue(&has_nodata);
    auto to_utm = transformation(4326, 32651);
    int inside = 0, same = 0, outside = 0, outside_nodata = 0;
    for (int row = 1; row < h; row += 3) {
        for (int col = 1; col < w; col += 3) {
            double x = gx0 + (col + 0.5) * res, y = gy1 - (row + 0.5) * res;
            REQUIRE(to_utm->Transform(1, &x, &y));
            const float v =
                geo_px[static_cast<std::size_t>(row) * static_cast<std::size_t>(w) + static_cast<std::size_t>(col)];
            const double margin = 20.0;  // metres: clear of the square's edge
            if (x > ux0 + margin && x < ux1 - margin && y > uy0 + margin && y < uy1 - margin) {
                const auto uc = static_cast<std::size_t>((x - ugt[0]) / ugt[1]);
                const auto ur = static_cast<std::size_t>((y - ugt[3]) / ugt[5]);
                ++inside;
                same += v == utm_px[ur * static_cast<std::size_t>(utm->GetRasterXSize()) + uc] ? 1 : 0;
            } else if (x < ux0 - margin || x > ux1 + margin || y < uy0 - margin || y > uy1 + margin) {
                ++outside;
                outside_nodata += has_nodata && v == static_cast<float>(nodata) ? 1 : 0;
            }
        }
    }
    INFO("inside " << inside << ", same " << same << ", outside " << outside << ", nodata " << outside_nodata);
    CHECK(inside > 2000);
    CHECK(same >= 0.99 * inside);
    CHECK(outside > 0);  // the UTM square is turned slightly against the meridians
    CHECK(outside_nodata == outside);
}
