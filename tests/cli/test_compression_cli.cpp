// --compress / --compress-level and [processing] compression: the codec of the output GeoTIFFs changes, the
// pixels do not; bad values fail with one line and exit 2.
#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::string compression_of(const fs::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    const char* c = ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE");
    return c != nullptr ? c : "NONE";
}

std::vector<float> pixels_of(const fs::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<float> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, px.data(), w, h, GDT_Float32, 0, 0, nullptr) ==
            CE_None);
    return px;
}

// The sample project with its [processing] compression line replaced by `extra`, and its output folder renamed.
fs::path project_variant(const fs::path& sample, const std::string& name, const std::string& output,
                         const std::string& extra) {
    std::ifstream in(sample / "project.toml");
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    const auto out = text.find("\noutput = \"output\"\n");
    REQUIRE(out != std::string::npos);
    text.replace(out, std::string("\noutput = \"output\"\n").size(), "\noutput = \"" + output + "\"\n");
    // The sample states the default codec; `extra` replaces that line.
    const auto codec = text.find("\ncompression = \"deflate\"");
    REQUIRE(codec != std::string::npos);
    text.replace(codec + 1, text.find('\n', codec + 1) - codec, extra);
    const fs::path p = sample / name;
    std::ofstream(p) << text;
    return p;
}

}  // namespace

TEST_CASE("stock --compress and [processing] compression choose the codec, the pixels stay the same",
          "[cli][stock][compression]") {
    TempDir dir("bc-compress");
    const fs::path sample = dir.path() / "sample";
    REQUIRE(run({"sample", "--out", sample.string(), "--quiet"}).code == 0);
    // The project's codec (lzw) for the habitat step.
    const fs::path lzw_project = project_variant(sample, "lzw.toml", "out_lzw", "compression = \"lzw\"\n");
    const auto lzw = run({"habitat", lzw_project.string(), "--quiet"});
    INFO(lzw.err);
    REQUIRE(lzw.code == 0);
    CHECK(compression_of(sample / "out_lzw" / "habitat.tif") == "LZW");
    // The command line wins over the project: DEFLATE level 9 into out_d, ZSTD into the sample's output.
    const fs::path d_project = project_variant(sample, "d.toml", "out_d", "compression = \"lzw\"\n");
    const auto d = run({"stock", d_project.string(), "--quiet", "--compress", "deflate", "--compress-level", "9"});
    INFO(d.err);
    REQUIRE(d.code == 0);
    const auto zstd = run({"stock", (sample / "project.toml").string(), "--quiet", "--compress", "zstd"});
    INFO(zstd.err);
    REQUIRE(zstd.code == 0);
    for (const char* name : {"stock_agb.tif", "stock_total.tif", "uncertainty.tif", "habitat.tif"}) {
        INFO(name);
        CHECK(compression_of(sample / "output" / name) == "ZSTD");
        CHECK(compression_of(sample / "out_d" / name) == "DEFLATE");
        CHECK(pixels_of(sample / "output" / name) == pixels_of(sample / "out_d" / name));
    }
}

TEST_CASE("indices --compress zstd writes ZSTD COGs with the same pixels", "[cli][indices][compression]") {
    TempDir dir("bc-compress-ix");
    const fs::path sample = dir.path() / "sample";
    REQUIRE(run({"sample", "--out", sample.string(), "--quiet"}).code == 0);
    const std::string input = (sample / "reflectance.tif").string();
    REQUIRE(run({"indices", "--input", input, "--index", "ndvi", "--out", (dir.path() / "d").string(), "--quiet"})
                .code == 0);
    const auto r = run({"indices", "--input", input, "--index", "ndvi", "--out", (dir.path() / "z").string(),
                        "--quiet", "--compress", "zstd", "--compress-level", "3"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(compression_of(dir.path() / "d" / "ndvi.tif") == "DEFLATE");
    CHECK(compression_of(dir.path() / "z" / "ndvi.tif") == "ZSTD");
    CHECK(pixels_of(dir.path() / "z" / "ndvi.tif") == pixels_of(dir.path() / "d" / "ndvi.tif"));
}

TEST_CASE("bad --compress values fail with one line and exit 2", "[cli][compression][bad-input]") {
    TempDir dir("bc-compress-bad");
    const fs::path sample = dir.path() / "sample";
    REQUIRE(run({"sample", "--out", sample.string(), "--quiet"}).code == 0);
    const std::string input = (sample / "reflectance.tif").string();
    const auto out = (dir.path() / "o").string();
    const auto unknown = run({"indices", "--input", input, "--index", "ndvi", "--out", out, "--compress", "jpeg"});
    CHECK(unknown.code == 2);
    CHECK_THAT(unknown.err, Contains("--compress"));
    CHECK(error_lines(unknown.err).size() == 1);
    const auto level = run({"indices", "--input", input, "--index", "ndvi", "--out", out, "--compress-level", "13"});
    CHECK(level.code == 2);
    CHECK_THAT(level.err, Contains("--compress-level: must be 1-12 for deflate (got 13)"));
    CHECK(files_in(out).empty());
}
