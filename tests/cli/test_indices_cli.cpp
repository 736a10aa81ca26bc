// `bluecarbon indices` run in-process: values against hand arithmetic, determinism across threads and tiles,
// and every bad input (exit code 2, a message naming the culprit, nothing left in the output folder).
#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace bluecarbon::test;
using Catch::Matchers::WithinAbs;
namespace fs = std::filesystem;

namespace {

constexpr float k_nodata = -9999.0F;

// Six pixels (3 x 2), DN of green, red, nir, swir1 (reflectance = DN x 1e-4, DN 0 = nodata):
//   (0,0)  450,  400, 2900,  850   mangrove-like
//   (1,0)  800,  700,  300,  100   water
//   (2,0) 1000, 1000, 1000, 1000   flat spectrum: S1 − G = 0
//   (0,1)  500,    0, 2500, 1500   red is nodata
//   (1,1)    0,    0,    0,    0   every band nodata
//   (2,1) 1200, 1100, 1400, 1300   tidal-flat-like
std::uint16_t hand_dn(int b, int col, int row) {
    static const std::uint16_t dn[2][3][5] = {
        {{450, 400, 2900, 850, 400}, {800, 700, 300, 100, 600}, {1000, 1000, 1000, 1000, 1000}},
        {{500, 0, 2500, 1500, 300}, {0, 0, 0, 0, 0}, {1200, 1100, 1400, 1300, 900}}};
    return dn[row][col][b];
}

ReflectanceFixture hand_fixture() {
    ReflectanceFixture f;
    f.width = 3;
    f.height = 2;
    f.block = 0;
    f.dn = hand_dn;
    return f;
}

void check_pixels(const std::vector<float>& got, const std::vector<double>& expected) {
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("pixel " << i);
        if (expected[i] == static_cast<double>(k_nodata))
            CHECK(got[i] == k_nodata);
        else
            CHECK_THAT(static_cast<double>(got[i]), WithinAbs(expected[i], 1e-6));
    }
}

}  // namespace

TEST_CASE("indices computes NDVI, MVI and NDWI as worked out by hand", "[cli][indices]") {
    TempDir dir;
    write_reflectance(dir / "refl.tif", hand_fixture());
    const auto r = run({"indices", "--input", (dir / "refl.tif").string(), "--bands", "green=1,red=2,nir=3,swir1=4",
                        "--index", "NDVI,mvi,ndwi", "--out", (dir / "out").string(), "--json", "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const double X = k_nodata;
    // NDVI (N − R)/(N + R): (0.29 − 0.04)/0.33 = 0.7575758; (0.03 − 0.07)/0.10 = −0.4; 0/0.2 = 0;
    //   red nodata -> nodata; all nodata -> nodata; (0.14 − 0.11)/0.25 = 0.12
    check_pixels(read_float32(dir / "out" / "ndvi.tif"), {0.25 / 0.33, -0.4, 0.0, X, X, 0.12});
    // MVI (N − G)/(S1 − G): 0.245/0.04 = 6.125; −0.05/−0.07 = 0.7142857; S1 − G = 0 -> nodata;
    //   (0.25 − 0.05)/(0.15 − 0.05) = 2 (red is not read); nodata; 0.02/0.01 = 2
    const auto mvi = read_float32(dir / "out" / "mvi.tif");
    CHECK_THAT(static_cast<double>(mvi[0]), WithinAbs(6.125, 1e-5));  // small denominators amplify float rounding
    CHECK_THAT(static_cast<double>(mvi[1]), WithinAbs(0.05 / 0.07, 1e-5));
    CHECK(mvi[2] == k_nodata);
    CHECK_THAT(static_cast<double>(mvi[3]), WithinAbs(2.0, 1e-5));
    CHECK(mvi[4] == k_nodata);
    CHECK_THAT(static_cast<double>(mvi[5]), WithinAbs(2.0, 1e-4));
    // NDWI (G − N)/(G + N): −0.245/0.335; 0.05/0.11; 0; −0.2/0.3; nodata; −0.02/0.26
    check_pixels(read_float32(dir / "out" / "ndwi.tif"),
                 {-0.245 / 0.335, 0.05 / 0.11, 0.0, -0.2 / 0.3, X, -0.02 / 0.26});

    // The JSON summary: NDVI has 4 valid pixels, min −0.4, max 0.7575758, mean (0.7575758 − 0.4 + 0 + 0.12)/4.
    const auto j = nlohmann::json::parse(r.out);
    const auto& ndvi = j["indices"]["ndvi"];
    CHECK(ndvi["valid_pixels"] == 4);
    CHECK_THAT(ndvi["min"].get<double>(), WithinAbs(-0.4, 1e-6));
    CHECK_THAT(ndvi["max"].get<double>(), WithinAbs(0.25 / 0.33, 1e-6));
    CHECK_THAT(ndvi["mean"].get<double>(), WithinAbs((0.25 / 0.33 - 0.4 + 0.0 + 0.12) / 4.0, 1e-6));
    CHECK(j["indices"]["mvi"]["valid_pixels"] == 4);
    CHECK(j["width"] == 3);
    CHECK(j["wall_seconds"].get<double>() >= 0.0);
    CHECK(j["peak_rss_mb"].get<double>() > 0.0);
    CHECK(j.contains("mpixel_per_s"));

    // Outputs: float32, nodata −9999, described by the index name.
    GDALDatasetUniquePtr ds(GDALDataset::Open((dir / "out" / "ndvi.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    CHECK(ds->GetRasterBand(1)->GetRasterDataType() == GDT_Float32);
    int has = 0;
    CHECK(ds->GetRasterBand(1)->GetNoDataValue(&has) == -9999.0);
    CHECK(has == 1);
    CHECK(std::string(ds->GetRasterBand(1)->GetDescription()) == "ndvi");
    CHECK(files_in(dir / "out").size() == 3);  // no temporaries left beside them
}

TEST_CASE("indices applies --scale/--offset over the file's own", "[cli][indices]") {
    TempDir dir;
    auto f = hand_fixture();
    f.blue = true;
    f.scale = 0.0;  // no scale in the file: DN as-is unless --scale is given
    write_reflectance(dir / "refl.tif", f);
    const std::vector<std::string> base{
        "indices", "--input", (dir / "refl.tif").string(), "--bands", "green=1,red=2,nir=3,swir1=4,blue=5", "--index",
        "evi",     "--quiet"};
    auto with = base;
    with.insert(with.end(), {"--out", (dir / "scaled").string(), "--scale", "0.0001", "--offset", "0"});
    auto without = base;
    without.insert(without.end(), {"--out", (dir / "raw").string()});
    const auto scaled_run = run(with);
    REQUIRE(scaled_run.code == 0);
    const auto raw_run = run(without);
    REQUIRE(raw_run.code == 0);
    // Raw DN are reported: EVI reads blue, red and nir; every valid DN of them is above 1.5. Valid values per
    // pixel: 3 + 3 + 3 + 2 (red is nodata at (0,1)) + 0 (all nodata at (1,1)) + 3 = 14, the largest nir 2900.
    CHECK_THAT(raw_run.out, Catch::Contains("  warning: reflectance above 1.5 in 14 pixel value(s) (largest 2900)"));
    CHECK_THAT(scaled_run.out, !Catch::Contains("warning"));
    auto json_run = without;
    json_run.push_back("--json");
    const auto j = nlohmann::json::parse(run(json_run).out);
    CHECK(j["reflectance_above_1_5"] == 14);
    REQUIRE(j["warnings"].size() == 1);
    // Pixel (0,0): B 400, G 450, R 400, N 2900.
    // scaled: 2.5 (0.29 − 0.04)/(0.29 + 6·0.04 − 7.5·0.04 + 1) = 0.625/1.23 = 0.5081301
    // raw DN: 2.5 (2900 − 400)/(2900 + 2400 − 3000 + 1) = 6250/2301 = 2.7162103
    CHECK_THAT(static_cast<double>(read_float32(dir / "scaled" / "evi.tif")[0]), WithinAbs(0.625 / 1.23, 1e-6));
    CHECK_THAT(static_cast<double>(read_float32(dir / "raw" / "evi.tif")[0]), WithinAbs(6250.0 / 2301.0, 1e-5));
}

TEST_CASE("indices finds bands by description when --bands is omitted", "[cli][indices]") {
    TempDir dir;
    write_reflectance(dir / "refl.tif", hand_fixture());
    const auto r = run({"indices", "--input", (dir / "refl.tif").string(), "--index", "ndvi", "--out",
                        (dir / "out").string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("ndvi") != std::string::npos);  // the human summary names each index
    CHECK_THAT(static_cast<double>(read_float32(dir / "out" / "ndvi.tif")[0]), WithinAbs(0.25 / 0.33, 1e-6));
}

TEST_CASE("indices gives bit-identical pixels for any thread count and tile size", "[cli][indices][determinism]") {
    TempDir dir;
    ReflectanceFixture f;
    f.width = 700;
    f.height = 530;
    f.block = 64;  // tiles 128, 300 (-> 320) and 512 are all different partitions of the grid
    write_reflectance(dir / "refl.tif", f);
    const std::vector<std::string> indices{"ndvi", "mvi", "ndwi", "ndmi"};
    std::map<std::string, std::uint64_t> reference;
    std::string reference_stats;
    for (const char* threads : {"1", "2", "4"}) {
        for (const char* tile : {"128", "300", "512"}) {
            const fs::path out = dir / (std::string("t") + threads + "_" + tile);
            const auto r = run({"indices", "--input", (dir / "refl.tif").string(), "--bands",
                                "green=1,red=2,nir=3,swir1=4", "--index", "ndvi,mvi,ndwi,ndmi", "--out", out.string(),
                                "--threads", threads, "--tile", tile, "--json", "--quiet"});
            INFO("threads " << threads << ", tile " << tile << ": " << r.err);
            REQUIRE(r.code == 0);
            // The statistics (exact sums) must agree to the last bit too.
            auto per_index = nlohmann::json::parse(r.out)["indices"];
            for (auto& [name, e] : per_index.items())
                e.erase("file");
            const std::string stats = per_index.dump();
            if (reference_stats.empty())
                reference_stats = stats;
            CHECK(stats == reference_stats);
            for (const auto& name : indices) {
                const auto h = decoded_hash(out / (name + ".tif"));
                if (!reference.count(name))
                    reference[name] = h;
                CHECK(h == reference[name]);
            }
        }
    }
    // Sanity: the fingerprints do depend on the pixels.
    CHECK(reference["ndvi"] != reference["mvi"]);
}

TEST_CASE("indices --compress none writes byte-identical files for any tile size and thread count",
          "[cli][indices][determinism]") {
    // Uncompressed tiles keep their padding (the part of an edge block outside the raster) as it was written.
    // 1100 x 1100 in blocks of 512: the first overview is 550 x 550, its last block 38 x 38 pixels. With --tile
    // 512 one window (columns 1024-1099) covers that block's whole part of the image at once, with --tile 64
    // several do, and GDAL pads the two cases differently (zeros, nodata): the files must not show it.
    TempDir dir;
    ReflectanceFixture f;
    f.width = 1100;
    f.height = 1100;
    f.block = 64;
    write_reflectance(dir / "refl.tif", f);
    std::string reference;
    for (const char* tile : {"64", "256", "512"}) {
        for (const char* threads : {"1", "2"}) {
            const fs::path out = dir / (std::string("t") + threads + "_" + tile);
            const auto r = run({"indices", "--input", (dir / "refl.tif").string(), "--bands",
                                "green=1,red=2,nir=3,swir1=4", "--index", "ndvi", "--out", out.string(), "--compress",
                                "none", "--threads", threads, "--tile", tile, "--quiet"});
            INFO("threads " << threads << ", tile " << tile << ": " << r.err);
            REQUIRE(r.code == 0);
            const std::string bytes = slurp(out / "ndvi.tif");
            // 1100² float32 pixels in 9 blocks of 512² at full resolution, 4 in the first overview, 1 in the
            // second (275²): 14 uncompressed blocks of 1 MiB, plus the header.
            CHECK(bytes.size() > 14u * 512 * 512 * 4);
            if (reference.empty()) reference = bytes;
            CHECK((bytes == reference));
        }
    }
}

namespace {

// Runs a failing command and checks exit code 2, one error line naming `culprit`, and no file in `out`.
void expect_bad_input(const std::vector<std::string>& args, const std::vector<std::string>& culprits,
                      const fs::path& out) {
    const auto r = run(args);
    INFO("stderr: " << r.err);
    CHECK(r.code == 2);
    const auto lines = error_lines(r.err);
    REQUIRE(lines.size() == 1);
    for (const auto& c : culprits)
        CHECK(lines[0].find(c) != std::string::npos);
    CHECK(files_in(out).empty());
}

}  // namespace

TEST_CASE("indices rejects bad input with exit code 2 and leaves no output", "[cli][indices][bad-input]") {
    TempDir dir;
    const fs::path good = dir / "refl.tif";
    write_reflectance(good, hand_fixture());
    const fs::path out = dir / "out";
    const std::string bands = "green=1,red=2,nir=3,swir1=4";
    auto args = [&](const std::string& input, const std::string& b, const std::string& index) {
        return std::vector<std::string>{"indices", "--input", input,   "--bands",    b,
                                        "--index", index,     "--out", out.string(), "--quiet"};
    };

    SECTION("missing file") {
        expect_bad_input(args((dir / "nope.tif").string(), bands, "ndvi"), {"nope.tif"}, out);
    }
    SECTION("not a raster") {
        std::ofstream(dir / "notes.tif") << "field notes, not a raster\n";
        expect_bad_input(args((dir / "notes.tif").string(), bands, "ndvi"), {"notes.tif"}, out);
    }
    SECTION("band index out of range") {
        expect_bad_input(args(good.string(), "green=1,red=2,nir=9,swir1=4", "ndvi"), {"refl.tif", "9"}, out);
    }
    SECTION("--bands misses a band an index needs") {
        expect_bad_input(args(good.string(), bands, "ndvi,evi"), {"--bands", "evi", "blue"}, out);
    }
    SECTION("malformed --bands") {
        expect_bad_input(args(good.string(), "green:1", "ndvi"), {"--bands"}, out);
    }
    SECTION("unknown index name") {
        expect_bad_input(args(good.string(), bands, "ndvi,ndxi"), {"--index", "ndxi", "mvi"}, out);
    }
    SECTION("zero tile") {
        auto a = args(good.string(), bands, "ndvi");
        a.insert(a.end(), {"--tile", "0"});
        expect_bad_input(a, {"--tile"}, out);
    }
    SECTION("negative tile") {
        auto a = args(good.string(), bands, "ndvi");
        a.insert(a.end(), {"--tile", "-256"});
        expect_bad_input(a, {"--tile"}, out);
    }
    SECTION("negative threads") {
        auto a = args(good.string(), bands, "ndvi");
        a.insert(a.end(), {"--threads", "-2"});
        expect_bad_input(a, {"--threads"}, out);
    }
    SECTION("output folder not writable") {
        // A folder inside a regular file can never be created (this holds even for root, unlike permissions).
        std::ofstream(dir / "a_file") << "x";
        const fs::path bad_out = dir / "a_file" / "out";
        auto a = args(good.string(), bands, "ndvi");
        a[8] = bad_out.string();
        expect_bad_input(a, {bad_out.string()}, bad_out);
    }
    SECTION("input without a CRS") {
        auto f = hand_fixture();
        f.epsg = 0;
        write_reflectance(dir / "nocrs.tif", f);
        expect_bad_input(args((dir / "nocrs.tif").string(), bands, "ndvi"), {"nocrs.tif", "CRS"}, out);
    }
    SECTION("truncated GeoTIFF") {
        ReflectanceFixture f;
        f.width = 600;
        f.height = 600;
        f.block = 128;
        write_reflectance(dir / "whole.tif", f);
        // Keep the header and the first tiles only: the file opens, but later tiles cannot be decoded.
        std::ifstream in(dir / "whole.tif", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        in.close();
        std::ofstream(dir / "cut.tif", std::ios::binary)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
        expect_bad_input(args((dir / "cut.tif").string(), bands, "ndvi,mvi"), {"cut.tif"}, out);
    }
    SECTION("corrupt tile data") {
        ReflectanceFixture f;
        f.width = 256;
        f.height = 256;
        f.block = 64;
        write_reflectance(dir / "whole.tif", f);
        std::fstream io(dir / "whole.tif", std::ios::binary | std::ios::in | std::ios::out);
        std::string bytes((std::istreambuf_iterator<char>(io)), std::istreambuf_iterator<char>());
        // Overwrite the middle of the file (compressed tile data) with garbage.
        for (std::size_t i = bytes.size() / 3; i < bytes.size() * 2 / 3; ++i)
            bytes[i] = static_cast<char>(i * 7);
        io.seekp(0);
        io.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        io.close();
        expect_bad_input(args((dir / "whole.tif").string(), bands, "ndvi"), {"whole.tif"}, out);
        // With progress shown, 16 tiles of 64: the phase the error cut short is never reported done.
        const auto r = run({"indices", "--input", (dir / "whole.tif").string(), "--bands", bands, "--index", "ndvi",
                            "--out", out.string(), "--tile", "64", "--threads", "1"});
        INFO("stderr: " << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find("indices: 6%") != std::string::npos);  // 1 of 16 tiles
        CHECK(r.err.find("indices: 100%") == std::string::npos);
        CHECK(error_lines(r.err).size() == 1);
    }
}
