// `bluecarbon sample` run in-process: the sample project is complete, readable and deterministic; synthetic
// scenes do not depend on threads or tiles; bad options fail cleanly.
#include "cli/cli_fixtures.hpp"
#include "sample/scene.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon::test;
namespace fs = std::filesystem;

namespace {

const char* epsg_of(GDALDataset& ds) {
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    REQUIRE(srs != nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    return code != nullptr ? code : "";
}

// Fingerprint of a window of every band of a raster, decoded in its own data type.
std::uint64_t window_hash(const fs::path& p, int cols, int rows) {
    auto ds = open_raster(p);
    std::uint64_t h = 1469598103934665603ULL;
    for (int b = 1; b <= ds->GetRasterCount(); ++b) {
        GDALRasterBand* band = ds->GetRasterBand(b);
        const GDALDataType t = band->GetRasterDataType();
        std::vector<unsigned char> buf(static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows) *
                                       static_cast<std::size_t>(GDALGetDataTypeSizeBytes(t)));
        REQUIRE(band->RasterIO(GF_Read, 0, 0, cols, rows, buf.data(), cols, rows, t, 0, 0, nullptr) == CE_None);
        h = fnv1a(buf.data(), buf.size(), h);
    }
    return h;
}

}  // namespace

TEST_CASE("sample writes a complete, readable project", "[cli][sample]") {
    TempDir dir;
    const fs::path out = dir / "sample";
    const auto r = run({"sample", "--out", out.string(), "--json", "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["width"] == 600);
    CHECK(j["habitat_pixels"]["mangrove"].get<std::int64_t>() > 1000);

    std::set<std::string> names;
    std::uintmax_t total_bytes = 0;
    for (const auto& f : files_in(out)) {
        names.insert(f.filename().string());
        total_bytes += fs::file_size(f);
    }
    CHECK(names == std::set<std::string>{"reflectance.tif", "habitat.tif", "habitat_2025.tif", "dem.tif",
                                         "parcels.geojson", "trees.csv", "plots.csv", "cores.csv", "project.toml",
                                         "README.txt", "sample_signing.key", "sample_signing.pub"});
    CHECK(total_bytes < 8u * 1024 * 1024);  // a few MB

    // Reflectance: 4 uint16 bands named green, red, nir, swir1, DN x 1e-4, nodata 0, EPSG:32651, 10 m.
    auto refl = open_raster(out / "reflectance.tif");
    REQUIRE(refl->GetRasterCount() == 4);
    CHECK(refl->GetRasterXSize() == 600);
    CHECK(std::string(epsg_of(*refl)) == "32651");
    double gt[6];
    REQUIRE(refl->GetGeoTransform(gt) == CE_None);
    CHECK(gt[0] == 390000.0);
    CHECK(gt[3] == 3266000.0);
    CHECK(gt[1] == 10.0);
    CHECK(gt[5] == -10.0);
    const char* names_expected[] = {"green", "red", "nir", "swir1"};
    for (int b = 1; b <= 4; ++b) {
        GDALRasterBand* band = refl->GetRasterBand(b);
        CHECK(band->GetRasterDataType() == GDT_UInt16);
        CHECK(std::string(band->GetDescription()) == names_expected[b - 1]);
        int has = 0;
        CHECK(band->GetScale(&has) == 1e-4);
        CHECK(has == 1);
        CHECK(band->GetNoDataValue(&has) == 0.0);
    }
    CHECK(std::string(refl->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE")) == "DEFLATE");

    // Habitat: uint8 codes 1-8, all present; DEM: float32 ellipsoidal heights around the geoid's +14 m.
    auto hab = open_raster(out / "habitat.tif");
    CHECK(hab->GetRasterBand(1)->GetRasterDataType() == GDT_Byte);
    const auto codes = read_float32(out / "habitat.tif");
    CHECK(std::set<float>(codes.begin(), codes.end()) == std::set<float>{1, 2, 3, 4, 5, 6, 7, 8});
    const auto dem = read_float32(out / "dem.tif");
    for (std::size_t i = 0; i < dem.size(); ++i) {
        if (codes[i] == 5.0F) {  // mangrove: +1.9 to +2.4 m above the geoid, ~+14 m of geoid
            REQUIRE(dem[i] > 15.5F);
            REQUIRE(dem[i] < 16.8F);
        }
    }

    // Parcels: eight valid polygons in EPSG:32651 with id, name, owner and habitat.
    GDALDatasetUniquePtr vec(GDALDataset::Open((out / "parcels.geojson").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(vec);
    OGRLayer* layer = vec->GetLayer(0);
    REQUIRE(layer != nullptr);
    CHECK(layer->GetFeatureCount() == 8);
    REQUIRE(layer->GetSpatialRef() != nullptr);
    CHECK(std::string(layer->GetSpatialRef()->GetAuthorityCode(nullptr)) == "32651");
    for (auto& feature : *layer) {
        INFO(feature->GetFieldAsString("id"));
        CHECK(std::string(feature->GetFieldAsString("name")).size() > 3);
        CHECK(std::string(feature->GetFieldAsString("habitat")).size() > 3);
        CHECK(std::string(feature->GetFieldAsString("owner")).size() > 3);
        REQUIRE(feature->GetGeometryRef() != nullptr);
        CHECK(feature->GetGeometryRef()->IsValid());
    }

    // The project file is the one the sample's owner defines; the README describes every layer.
    CHECK(slurp(out / "project.toml").find("reflectance.tif") != std::string::npos);
    const std::string readme = slurp(out / "README.txt");
    for (const char* layer_name : {"reflectance.tif", "habitat.tif", "dem.tif", "parcels.geojson", "cores.csv"})
        CHECK(readme.find(layer_name) != std::string::npos);
}

TEST_CASE("sample is deterministic", "[cli][sample][determinism]") {
    TempDir dir;
    REQUIRE(run({"sample", "--out", (dir / "a").string(), "--threads", "1", "--tile", "256", "--quiet"}).code == 0);
    REQUIRE(run({"sample", "--out", (dir / "b").string(), "--threads", "3", "--quiet"}).code == 0);
    for (const char* f : {"reflectance.tif", "habitat.tif", "dem.tif"})
        CHECK(decoded_hash(dir / "a" / f) == decoded_hash(dir / "b" / f));
    for (const char* f : {"parcels.geojson", "trees.csv", "plots.csv", "cores.csv", "README.txt"})
        CHECK(slurp(dir / "a" / f) == slurp(dir / "b" / f));
}

TEST_CASE("synthetic scenes do not depend on threads or tiles", "[cli][sample][synthetic][determinism]") {
    TempDir dir;
    const auto a = run({"sample", "--synthetic", "--size", "1100", "--out", (dir / "a").string(), "--threads", "1",
                        "--tile", "512", "--quiet"});
    INFO(a.err);
    REQUIRE(a.code == 0);
    REQUIRE(run({"sample", "--synthetic", "--size", "1100", "--out", (dir / "b").string(), "--threads", "4", "--tile",
                 "1024", "--quiet"})
                .code == 0);
    for (const char* f : {"reflectance.tif", "habitat.tif", "dem.tif"}) {
        INFO(f);
        CHECK(decoded_hash(dir / "a" / f) == decoded_hash(dir / "b" / f));
    }
    auto ds = open_raster(dir / "a" / "reflectance.tif");
    CHECK(ds->GetRasterXSize() == 1100);
    CHECK(ds->GetRasterYSize() == 1100);
    int bx = 0, by = 0;
    ds->GetRasterBand(1)->GetBlockSize(&bx, &by);
    CHECK(bx == 512);  // tiled for whole-block reads
    CHECK(std::string(ds->GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE")) == "BAND");
    // The synthetic scene extends the sample: their common 600 x 600 corner is the same pixels.
    TempDir sample_dir;
    REQUIRE(run({"sample", "--out", sample_dir.path().string(), "--quiet"}).code == 0);
    for (const char* f : {"reflectance.tif", "habitat.tif", "dem.tif"})
        CHECK(window_hash(dir / "a" / f, 600, 600) == window_hash(sample_dir / f, 600, 600));
    CHECK(files_in(dir / "a").size() == 5);  // three rasters, parcels.gpkg and README.txt, no temporaries
    // The default 5000 parcels, and --parcels N for another count.
    const auto count = [](const fs::path& gpkg) {
        GDALDatasetUniquePtr v(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        return v ? v->GetLayerByName("parcels")->GetFeatureCount() : -1;
    };
    CHECK(count(dir / "a" / "parcels.gpkg") == 5000);
    REQUIRE(run({"sample", "--synthetic", "--size", "600", "--parcels", "37", "--out", (dir / "c").string(),
                 "--quiet"}).code == 0);
    CHECK(count(dir / "c" / "parcels.gpkg") == 37);
}

TEST_CASE("sample rejects bad options with exit code 2 and writes nothing", "[cli][sample][bad-input]") {
    TempDir dir;
    const fs::path out = dir / "out";
    const auto check_bad = [&](const std::vector<std::string>& args, const std::string& culprit,
                               const fs::path& folder) {
        const auto r = run(args);
        INFO(r.err);
        CHECK(r.code == 2);
        const auto lines = error_lines(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].find(culprit) != std::string::npos);
        CHECK(files_in(folder).empty());
    };
    check_bad({"sample", "--synthetic", "--size", "0", "--out", out.string(), "--quiet"}, "--size", out);
    check_bad({"sample", "--synthetic", "--size", "-5", "--out", out.string(), "--quiet"}, "--size", out);
    check_bad({"sample", "--size", "100", "--out", out.string(), "--quiet"}, "--size", out);
    check_bad({"sample", "--parcels", "100", "--out", out.string(), "--quiet"}, "--parcels", out);
    check_bad({"sample", "--synthetic", "--parcels", "0", "--out", out.string(), "--quiet"}, "--parcels", out);
    check_bad({"sample", "--out", out.string(), "--threads", "-1", "--quiet"}, "--threads", out);
    std::ofstream(dir / "a_file") << "x";
    const fs::path bad = dir / "a_file" / "sample";
    check_bad({"sample", "--out", bad.string(), "--quiet"}, bad.string(), bad);
}
