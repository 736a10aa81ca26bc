// `--shard i/n` then `merge` on the tile-by-tile commands besides stock (zonal, indices): every shard count gives
// the very bytes one process writes (the zonal table with exact per-parcel sums, medians and class fractions;
// the index COGs with their overviews), and a checkpointed run (`--resume` without `--shard`) too. Then what a
// zonal merge or resume must refuse. (invest cbc's shards: tests/pipeline/test_invest.cpp.)
#include "cli/cli_fixtures.hpp"
#include "io/io_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::run;
using bluecarbon::test::slurp;
namespace fs = std::filesystem;

namespace {

constexpr int k_w = 300, k_h = 250;  // 10 m cells in UTM 51N, 64-pixel blocks: 5 x 4 tiles of 64

test::FixtureRaster grid_fixture() {
    test::FixtureRaster r;
    r.width = k_w;
    r.height = k_h;
    r.gt = {500000, 10, 0, 12500, 0, -10};
    r.epsg = 32651;
    return r;
}

// Values with many distinct floats and repeated classes (for median, majority and frac), some nodata.
void write_values(const fs::path& p) {
    test::FixtureRaster r = grid_fixture();
    test::FixtureBand b;
    b.nodata = -1;
    for (int row = 0; row < k_h; ++row)
        for (int col = 0; col < k_w; ++col)
            b.values.push_back((row * 7 + col * 3) % 53 == 0 ? -1 : ((row / 9 + col / 13) % 6) + 0.1 * std::sin(col));
    r.bands.push_back(b);
    write_fixture(p, r);
}

// Four reflectance bands found by their descriptions, as DN with a scale of 1e-4, some pixels nodata.
void write_reflectance(const fs::path& p) {
    test::FixtureRaster r = grid_fixture();
    r.type = GDT_UInt16;
    const char* names[] = {"green", "red", "nir", "swir1"};
    for (int k = 0; k < 4; ++k) {
        test::FixtureBand b;
        b.description = names[k];
        b.nodata = 0;
        b.scale = 1e-4;
        for (int row = 0; row < k_h; ++row)
            for (int col = 0; col < k_w; ++col)
                b.values.push_back((row + col) % 41 == 0 ? 0 : 300 + (row * (k + 3) * 11 + col * (7 - k) * 5) % 4000);
        r.bands.push_back(b);
    }
    write_fixture(p, r);
}

std::string polygon(const std::vector<std::pair<double, double>>& ring) {
    std::string s = R"({"type":"Polygon","coordinates":[[)";
    for (std::size_t i = 0; i <= ring.size(); ++i)
        s += fmt::format("{}[{},{}]", i ? "," : "", ring[i % ring.size()].first, ring[i % ring.size()].second);
    return s + "]]}";
}

// Parcels across tile edges: triangles, a long strip over every tile row, boxes, one off the raster.
void write_parcels(const fs::path& p) {
    std::vector<std::string> g = {
        polygon({{500105, 12395}, {501733, 12012}, {500811, 10203}}),
        polygon({{500640, 11990}, {500660, 11990}, {500660, 10010}, {500640, 10010}}),
        polygon({{501903.3, 10004.7}, {502550, 10100}, {502800, 11050.5}, {502201, 11460}}),
        polygon({{502100, 12490}, {502990, 12490}, {502990, 11600}, {502100, 11600}}),
        polygon({{500003, 10003}, {500027, 10003}, {500027, 10049}}),
        polygon({{600000, 10000}, {600100, 10000}, {600100, 10100}}),
    };
    std::string s = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
                    R"("urn:ogc:def:crs:EPSG::32651"}},"features":[)";
    for (std::size_t i = 0; i < g.size(); ++i)
        s += fmt::format(R"({}{{"type":"Feature","properties":{{"id":"Z{}"}},"geometry":{}}})", i ? "," : "", i, g[i]);
    std::ofstream(p) << s << "]}";
}

const char* k_stats = "count,sum,mean,min,max,stdev,median,majority,minority,variety,frac,area_m2,total";

test::CliResult zonal(const fs::path& d, const fs::path& out, std::vector<std::string> extra) {
    std::vector<std::string> a{"zonal", "--raster", (d / "v.tif").string(), "--polygons", (d / "p.geojson").string(),
                               "--id", "id", "--stats", k_stats, "--out", out.string(), "--quiet", "--tile", "64"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a);
}

}  // namespace

TEST_CASE("zonal in 1 2 3 and 7 shards then merge writes the table of one process", "[cli][shard][zonal]") {
    test::TempDir dir("bc-shard-zonal");
    write_values(dir / "v.tif");
    write_parcels(dir / "p.geojson");
    for (const char* sub : {"single", "n1", "n2", "n3", "n7", "ckpt", "resumed"}) fs::create_directories(dir / sub);
    auto r = zonal(dir.path(), dir / "single" / "z.csv", {});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::string single = slurp(dir / "single" / "z.csv");
    // The parcels span several tiles each (else the merge order would not matter) and one lies off the raster.
    CHECK(single.find("frac_") != std::string::npos);
    CHECK(std::count(single.begin(), single.end(), '\n') == 7);
    for (int n : {1, 2, 3, 7}) {
        const fs::path out = dir / fmt::format("n{}", n);
        for (int i = n - 1; i >= 0; --i) {  // any order, any thread count
            r = zonal(dir.path(), out / "z.csv", {"--threads", std::to_string(1 + i % 2), "--shard",
                                                  fmt::format("{}/{}", i, n)});
            INFO(r.err);
            REQUIRE(r.code == 0);
            CHECK_FALSE(fs::exists(out / "z.csv"));
            CHECK(fs::exists(out / fmt::format("shard-{}-of-{}", i, n) / "manifest.json"));
        }
        r = run({"merge", out.string(), "--quiet"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        INFO("n = " << n);
        CHECK(slurp(out / "z.csv") == single);
    }
    SECTION("a checkpointed run (--resume alone) writes the same table and leaves no shard folder") {
        const fs::path out = dir / "ckpt";
        r = zonal(dir.path(), out / "z.csv", {"--resume"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(slurp(out / "z.csv") == single);
        CHECK_FALSE(fs::exists(out / "shard-0-of-1"));
    }
    SECTION("a resumed shard redoes only its missing tiles") {
        const fs::path out = dir / "resumed";
        REQUIRE(zonal(dir.path(), out / "z.csv", {"--shard", "0/2"}).code == 0);
        REQUIRE(zonal(dir.path(), out / "z.csv", {"--shard", "1/2"}).code == 0);
        const fs::path journal = out / "shard-1-of-2" / "journal.txt";
        std::string j = slurp(journal);
        j.erase(j.find('\n') + 1);  // only its first tile stays done
        std::ofstream(journal, std::ios::trunc) << j;
        r = run({"merge", out.string(), "--quiet"});
        CHECK(r.code == 2);
        CHECK(r.err.find("shard-1-of-2 is unfinished (1 of") != std::string::npos);
        r = zonal(dir.path(), out / "z.csv", {"--shard", "1/2", "--resume", "--json"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(r.out.find(" resumed ->") != std::string::npos);
        CHECK(r.out.find(", 1 resumed") != std::string::npos);
        REQUIRE(run({"merge", out.string(), "--quiet"}).code == 0);
        CHECK(slurp(out / "z.csv") == single);
    }
}

TEST_CASE("zonal merge and resume refuse shards of other runs", "[cli][shard][zonal][errors]") {
    test::TempDir dir("bc-shard-zonal-bad");
    write_values(dir / "v.tif");
    write_parcels(dir / "p.geojson");
    const fs::path out = dir / "o";
    fs::create_directories(out);
    auto merge_error = [&] {
        const auto r = run({"merge", out.string(), "--quiet"});
        CHECK(r.code == 2);
        CHECK_FALSE(fs::exists(out / "z.csv"));
        return r.err;
    };
    SECTION("--shard 3/3") {
        const auto r = zonal(dir.path(), out / "z.csv", {"--shard", "3/3"});
        CHECK(r.code == 2);
        CHECK(r.err.find("--shard: 3/3: the index must be below the count") != std::string::npos);
    }
    SECTION("other statistics other inputs a missing shard") {
        REQUIRE(zonal(dir.path(), out / "z.csv", {"--shard", "0/2"}).code == 0);
        CHECK(merge_error().find("shard 1 of 2 is missing (shard-1-of-2)") != std::string::npos);
        auto r = run({"zonal", "--raster", (dir / "v.tif").string(), "--polygons", (dir / "p.geojson").string(),
                      "--id", "id", "--stats", "count", "--out", (out / "z.csv").string(), "--quiet", "--tile", "64",
                      "--shard", "1/2"});
        REQUIRE(r.code == 0);
        CHECK(merge_error().find("parameter stats") != std::string::npos);
        REQUIRE(zonal(dir.path(), out / "z.csv", {"--shard", "1/2"}).code == 0);
        write_parcels(dir / "p.geojson");
        std::ofstream(dir / "p.geojson", std::ios::app) << "\n";
        CHECK(merge_error().find("input polygons changed") != std::string::npos);
        r = zonal(dir.path(), out / "z.csv", {"--shard", "1/2", "--resume"});
        CHECK(r.code == 2);
        CHECK(r.err.find("holds a checkpoint of another run: input polygons changed") != std::string::npos);
    }
}

TEST_CASE("indices in 1 2 3 and 7 shards then merge writes the COGs of one process", "[cli][shard][indices]") {
    test::TempDir dir("bc-shard-indices");
    write_reflectance(dir / "r.tif");
    auto indices = [&](const fs::path& out, std::vector<std::string> extra) {
        std::vector<std::string> a{"indices", "-i", (dir / "r.tif").string(), "--index", "ndvi,mvi,ndwi", "--out",
                                   out.string(), "--quiet", "--tile", "64"};
        a.insert(a.end(), extra.begin(), extra.end());
        return run(a);
    };
    auto r = indices(dir / "single", {});
    INFO(r.err);
    REQUIRE(r.code == 0);
    for (int n : {1, 2, 3, 7}) {
        const fs::path out = dir / fmt::format("n{}", n);
        for (int i = 0; i < n; ++i) {
            r = indices(out, {"--threads", std::to_string(1 + i % 2), "--shard", fmt::format("{}/{}", i, n)});
            INFO(r.err);
            REQUIRE(r.code == 0);
        }
        CHECK_FALSE(fs::exists(out / "ndvi.tif"));
        r = run({"merge", out.string(), "--json"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(r.out.find("\"command\": \"indices\"") != std::string::npos);
        INFO("n = " << n);
        for (const char* f : {"ndvi.tif", "mvi.tif", "ndwi.tif"}) CHECK(slurp(out / f) == slurp(dir / "single" / f));
    }
    r = indices(dir / "ckpt", {"--resume"});
    REQUIRE(r.code == 0);
    for (const char* f : {"ndvi.tif", "mvi.tif", "ndwi.tif"})
        CHECK(slurp(dir / "ckpt" / f) == slurp(dir / "single" / f));
    CHECK_FALSE(fs::exists(dir / "ckpt" / "shard-0-of-1"));
}
