// `invest cbc` and `invest carbon` end to end on small GeoTIFFs: hand-worked pixels, InVEST's names and nodata,
// determinism over threads and tiles, validation errors with no output left behind, and a second method (an
// independent numpy re-computation of InVEST's raster chain, scripts/invest_cbc_reference.py).
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/invest.hpp>
#include <bluecarbon/pipeline/merge.hpp>

#include "support/file_text.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <utility>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::write_text;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {
constexpr std::uint8_t ND = 255;

void write_lulc(const fs::path& path, int w, int h, const std::vector<std::uint8_t>& v, int block = 0) {
    GDALAllRegister();
    char** opts = nullptr;
    if (block > 0) {
        opts = CSLSetNameValue(opts, "TILED", "YES");
        opts = CSLSetNameValue(opts, "BLOCKXSIZE", std::to_string(block).c_str());
        opts = CSLSetNameValue(opts, "BLOCKYSIZE", std::to_string(block).c_str());
    }
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.string().c_str(), w, h, 1,
                                                                                GDT_Byte, opts);
    CSLDestroy(opts);
    double gt[6] = {400000, 30, 0, 2500000, 0, -30};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32650);
    ds->SetSpatialRef(&srs);
    ds->GetRasterBand(1)->SetNoDataValue(ND);
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, const_cast<std::uint8_t*>(v.data()), w, h, GDT_Byte,
                                           0, 0) == CE_None);
    GDALClose(ds);
}

struct Raster {
    std::vector<float> px;
    double nodata{0};
};
Raster read(const fs::path& path) {
    GDALDataset* ds = GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER);
    REQUIRE(ds != nullptr);
    Raster r;
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    r.px.resize(static_cast<std::size_t>(w) * h);
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, r.px.data(), w, h, GDT_Float32, 0, 0) == CE_None);
    r.nodata = ds->GetRasterBand(1)->GetNoDataValue();
    GDALClose(ds);
    return r;
}

const char* k_bio =
    "lucode,lulc-class,biomass-initial,soil-initial,litter-initial,biomass-half-life,biomass-low-impact-disturb,"
    "biomass-med-impact-disturb,biomass-high-impact-disturb,biomass-yearly-accumulation,soil-half-life,"
    "soil-low-impact-disturb,soil-med-impact-disturb,soil-high-impact-disturb,soil-yearly-accumulation,"
    "litter-yearly-accumulation\n"
    "1,mangrove,100,200,5,10,0.1,0.5,0.8,2,20,0.1,0.3,0.5,1,0.5\n"
    "2,pond,0,50,0,2,0.2,0.5,0.9,0,4,0.1,0.25,0.6,0,0\n"
    "3,bare,0,10,0,0,0,0,0,0,0,0,0,0,0,0\n";
const char* k_transitions =
    "lulc-class,mangrove,pond,bare\n"
    "mangrove,accum,high-impact-disturb,high-impact-disturb\n"
    "pond,accum,NCC,med-impact-disturb\n"
    "bare,NCC,NCC,NCC\n";

// 2000 / 2010 snapshots of 3 x 2 pixels, analysis 2020, valuation with price 1 and no discount.
void write_cbc_case(const fs::path& dir, const std::vector<std::uint8_t>& y2010) {
    write_lulc(dir / "lulc_2000.tif", 3, 2, {1, 1, 1, 1, ND, 2});
    write_lulc(dir / "lulc_2010.tif", 3, 2, y2010);
    write_text(dir / "snapshots.csv", "snapshot_year,raster_path\n2010,lulc_2010.tif\n2000,lulc_2000.tif\n");
    write_text(dir / "bio.csv", k_bio);
    write_text(dir / "tr.csv", k_transitions);
    std::string prices = "year,price\n";
    for (int y = 2000; y < 2020; ++y) prices += std::to_string(y) + ",1\n";
    write_text(dir / "prices.csv", prices);
    write_text(dir / "args.json",
               R"({"args": {"workspace_dir": "ws", "results_suffix": "t", "landcover_snapshot_csv": "snapshots.csv",
                   "biophysical_table_path": "bio.csv", "landcover_transitions_table": "tr.csv",
                   "analysis_year": 2020, "do_economic_analysis": true, "use_price_table": true,
                   "price_table_path": "prices.csv", "discount_rate": 0}})");
}

// Two land-cover snapshots of w x h pixels in classes 1-3, the first with nodata every 97th pixel.
std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>> two_snapshots(int w, int h) {
    std::vector<std::uint8_t> a(w * h), b(w * h);
    for (int i = 0; i < w * h; ++i) {
        a[i] = static_cast<std::uint8_t>(1 + (i * 7 + i / w) % 3);
        b[i] = static_cast<std::uint8_t>(1 + (i * 5 + i / 3) % 3);
        if (i % 97 == 0) a[i] = ND;
    }
    return {std::move(a), std::move(b)};
}

}  // namespace

TEST_CASE("invest cbc: hand-worked pixels under InVEST's names", "[invest][cbc]") {
    const test::TempDir dir("bc-invest");
    write_cbc_case(dir.path(), {1, 2, 3, 2, 1, 2});
    const auto r = pipeline::run_invest_cbc({dir / "args.json"}, {1, 64, nullptr, nullptr, {}, false});
    CHECK(r.outputs.size() == 11);  // 3 stocks; 2 accumulation, 1 emissions, 2 net; total; 2 NPV
    const fs::path out = dir / "ws" / "output";
    const float nd = std::numeric_limits<float>::lowest();
    const auto s2000 = read(out / "carbon-stock-at-2000_t.tif");
    CHECK(s2000.nodata == Approx(nd));
    CHECK(s2000.px[0] == Approx(300.5));        // 200 + 100 + litter rate 0.5
    CHECK(s2000.px[4] == nd);                   // nodata pixel
    const auto s2020 = read(out / "carbon-stock-at-2020_t.tif");
    CHECK(s2020.px[0] == Approx(360.5));        // mangrove kept: 140 + 220 + 0.5
    // mangrove -> pond (high impact) in 2010: 96 x (1 - 0.5^(10/10)) and 105 x (1 - 0.5^(10/20)) emitted by 2020.
    const double e = 48.0 + 105.0 * (1.0 - std::pow(0.5, 0.5));
    CHECK(s2020.px[1] == Approx(120.0 + 210.0 - e).epsilon(1e-6));
    const auto em = read(out / "carbon-emissions-between-2010-and-2020_t.tif");
    CHECK(em.px[1] == Approx(e).epsilon(1e-6));
    CHECK(em.px[0] == nd);                      // never disturbed: nodata, as in InVEST
    const auto s2010 = read(out / "carbon-stock-at-2010_t.tif");
    CHECK(s2010.px[4] == Approx(0.5));          // nodata stocks + mangrove's litter rate: only the litter term
    const auto total = read(out / "total-net-carbon-sequestration_t.tif");
    CHECK(total.px[0] == Approx(35.0 + 30.0));
    const auto npv = read(out / "net-present-value-at-2020_t.tif");
    CHECK(npv.px[0] == Approx(65.0 * 20.0));    // price 1, no discount: 20 years x total
    CHECK(fs::exists(out / "net-present-value-at-2010_t.tif"));
}

TEST_CASE("invest cbc: same pixels for any threads and tiles", "[invest][cbc][determinism]") {
    const test::TempDir dir("bc-invest");
    const int w = 40, h = 33;
    const auto [a, b] = two_snapshots(w, h);
    write_cbc_case(dir.path(), {1, 2, 3, 2, 1, 2});  // writes its own 3 x 2 snapshots, replaced below
    write_lulc(dir / "lulc_2000.tif", w, h, a, 16);
    write_lulc(dir / "lulc_2010.tif", w, h, b, 16);
    std::vector<std::vector<float>> reference;
    for (const auto& [threads, tile] : std::vector<std::pair<int, std::int64_t>>{{1, 4096}, {3, 16}, {2, 32}}) {
        fs::remove_all(dir / "ws");
        const auto r = pipeline::run_invest_cbc({dir / "args.json"}, {threads, tile, nullptr, nullptr, {}, false});
        std::vector<std::vector<float>> got;
        for (const auto& f : r.outputs) got.push_back(read(f.file).px);
        if (reference.empty()) {
            reference = got;
        } else {
            CHECK(got == reference);
        }
    }
}

TEST_CASE("invest cbc: the same bytes for any threads and tiles", "[invest][cbc][determinism]") {
    // 1100 x 600 outputs hold 3 x 2 blocks of 512. GDAL stores a block where the file ends when it is flushed:
    // one window writes them row by row, tiles of 1024 (2 x 2 blocks) column pairs first, and 2 threads in the
    // order they finish. The files must not show it.
    const test::TempDir dir("bc-invest-bytes");
    const int w = 1100, h = 600;
    const auto [a, b] = two_snapshots(w, h);
    write_cbc_case(dir.path(), {1, 2, 3, 2, 1, 2});
    write_lulc(dir / "lulc_2000.tif", w, h, a, 256);
    write_lulc(dir / "lulc_2010.tif", w, h, b, 256);
    std::vector<std::string> reference;
    for (const auto& [threads, tile] : std::vector<std::pair<int, std::int64_t>>{{1, 4096}, {2, 1024}, {2, 256}}) {
        INFO("threads " << threads << ", tile " << tile);
        fs::remove_all(dir / "ws");
        const auto r = pipeline::run_invest_cbc({dir / "args.json"}, {threads, tile, nullptr, nullptr, {}, false});
        std::vector<std::string> got;
        for (const auto& f : r.outputs) got.push_back(test::slurp(f.file));
        REQUIRE(got.size() >= 4);
        if (reference.empty()) {
            reference = got;
        } else {
            for (std::size_t k = 0; k < got.size(); ++k) {
                INFO(r.outputs[k].file);
                CHECK(got[k] == reference[k]);
            }
        }
    }
}

TEST_CASE("invest cbc: shards 1 2 3 and 7 then merge write the bytes of one process", "[invest][cbc][shard]") {
    const test::TempDir dir("bc-invest-shard");
    const int w = 70, h = 53;
    const auto [a, b] = two_snapshots(w, h);
    write_cbc_case(dir.path(), {1, 2, 3, 2, 1, 2});
    write_lulc(dir / "lulc_2000.tif", w, h, a, 16);  // 16-pixel blocks: 5 x 4 tiles of 16
    write_lulc(dir / "lulc_2010.tif", w, h, b, 16);
    const fs::path out = dir / "ws" / "output";
    const auto single = pipeline::run_invest_cbc({dir / "args.json"}, {1, 16, nullptr, nullptr, {}, false});
    REQUIRE(single.outputs.size() >= 4);
    std::vector<std::string> reference;
    for (const auto& f : single.outputs) reference.push_back(test::slurp(f.file));
    const auto same_as_single = [&] {
        for (std::size_t k = 0; k < single.outputs.size(); ++k) {
            INFO(single.outputs[k].file);
            CHECK(test::slurp(single.outputs[k].file) == reference[k]);
        }
    };
    for (std::size_t n : {1, 2, 3, 7}) {
        fs::remove_all(out);
        for (std::size_t i = 0; i < n; ++i) {
            const int threads = static_cast<int>(1 + i % 2);
            const auto r = pipeline::run_invest_cbc({dir / "args.json"},
                                                    {threads, 16, nullptr, nullptr, pipeline::ShardSpec{i, n}, false});
            CHECK(r.shard_folder == fs::absolute(out) / ("shard-" + std::to_string(i) + "-of-" + std::to_string(n)));
        }
        CHECK_FALSE(fs::exists(single.outputs.front().file));
        const auto m = pipeline::run_merge({out}, {2, {}, nullptr, nullptr, {}, false});
        CHECK(m.command == "invest cbc");
        CHECK(m.shards == n);
        INFO("n = " << n);
        same_as_single();
    }
    fs::remove_all(out);
    (void)pipeline::run_invest_cbc({dir / "args.json"}, {2, 16, nullptr, nullptr, {}, true});  // checkpointed
    same_as_single();
    CHECK_FALSE(fs::exists(out / "shard-0-of-1"));
}

TEST_CASE("invest cbc: validation errors leave no output", "[invest][cbc][validation]") {
    const test::TempDir dir("bc-invest");
    SECTION("a landcover code missing from the biophysical table names the raster") {
        write_cbc_case(dir.path(), {1, 2, 9, 2, 1, 2});
        CHECK_THROWS_WITH(pipeline::run_invest_cbc({dir / "args.json"}),
                          Contains("lulc_2010.tif: landcover code 9 in the snapshot of 2010 is not in the biophysical "
                                   "table's lucode column"));
        CHECK_FALSE(fs::exists(dir / "ws" / "output" / "carbon-stock-at-2000_t.tif"));
        std::size_t files = 0;
        for (const auto& e : fs::directory_iterator(dir / "ws" / "output")) files += e.is_regular_file();
        CHECK(files == 0);
    }
    SECTION("analysis year not after the last snapshot") {
        write_cbc_case(dir.path(), {1, 2, 3, 2, 1, 2});
        write_text(dir / "args.json", R"({"workspace_dir": "ws", "landcover_snapshot_csv": "snapshots.csv",
                   "biophysical_table_path": "bio.csv", "landcover_transitions_table": "tr.csv",
                   "analysis_year": 2010})");
        CHECK_THROWS_WITH(pipeline::run_invest_cbc({dir / "args.json"}),
                          Contains("Analysis year 2010 must be after the latest snapshot year (2010)"));
        CHECK_FALSE(fs::exists(dir / "ws"));
    }
}

TEST_CASE("invest cbc agrees with an independent re-computation of InVEST's raster chain", "[invest][cbc][reference]") {
    const test::TempDir dir("bc-invest");
    const fs::path scripts = fs::path(test::k_source_dir) / "scripts";
    const std::string gen = "/usr/bin/python3 " + (scripts / "bench_cbc.py").string() + " generate " + dir.path().string() +
                            " 150";
    REQUIRE(std::system(gen.c_str()) == 0);
    const auto r = pipeline::run_invest_cbc({dir / "args.json"}, {2, 64, nullptr, nullptr, {}, false});
    CHECK(r.outputs.size() == 16);
    const std::string cmp = "/usr/bin/python3 " + (scripts / "invest_cbc_reference.py").string() + " compare " +
                            (dir / "args.json").string() + " > " + (dir / "compare.txt").string();
    const int rc = std::system(cmp.c_str());
    std::ifstream in(dir / "compare.txt");
    const std::string report((std::istreambuf_iterator<char>(in)), {});
    INFO(report);
    CHECK(rc == 0);
}

TEST_CASE("invest carbon: storage, change, NPV and the summary, by hand", "[invest][carbon]") {
    const test::TempDir dir("bc-invest");
    write_lulc(dir / "bas.tif", 3, 2, {1, 1, 2, 2, ND, 1});
    write_lulc(dir / "alt.tif", 3, 2, {1, 2, 2, 2, 1, ND});
    write_text(dir / "pools.csv", "LUCODE,c_above,c_below,c_soil,c_dead\n1,40,20,300,5\n2,0,0,50,0\n");
    write_text(dir / "args.json", R"({"workspace_dir": "ws", "lulc_bas_path": "bas.tif", "lulc_alt_path": "alt.tif",
        "carbon_pools_path": "pools.csv", "calc_sequestration": true, "do_valuation": true,
        "price_per_metric_ton_of_c": 43, "discount_rate": 10, "rate_change": 0, "lulc_bas_year": 2020,
        "lulc_alt_year": 2022})");
    const auto r = pipeline::run_invest_carbon({dir / "args.json"}, {2, 64, nullptr, nullptr, {}, false});
    // K = 43 / 2 x (1 + 1/1.1)
    const double k = 43.0 / 2.0 * (1.0 + 1.0 / 1.1);
    REQUIRE(r.valuation_constant);
    CHECK(*r.valuation_constant == Approx(k).epsilon(1e-12));
    const fs::path ws = dir / "ws";
    const auto bas = read(ws / "c_storage_bas.tif");
    CHECK(bas.nodata == -1.0);
    CHECK(bas.px == std::vector<float>{365, 365, 50, 50, -1, 365});
    const auto change = read(ws / "c_change_bas_alt.tif");
    CHECK(change.px == std::vector<float>{0, -315, 0, 0, -1, -1});
    const auto npv = read(ws / "npv_alt.tif");
    CHECK(npv.px[1] == Approx(-315.0 * k).epsilon(1e-6));
    CHECK(npv.px[4] == std::numeric_limits<float>::max());
    CHECK(read(ws / "intermediate_outputs" / "c_soil_alt.tif").px[1] == 50.0f);
    // Totals: pixel 30 x 30 m = 0.09 ha. Baseline (365 x 3 + 50 x 2) x 0.09 = 107.55; alternate (365 x 2 + 50 x 3)
    // x 0.09 = 79.2; change -315 x 0.09 = -28.35; NPV -315 x K x 0.09.
    REQUIRE(r.totals.size() == 4);
    CHECK(r.totals[0].raster == "Baseline Carbon Storage");
    CHECK(r.totals[0].total == Approx(107.55));
    CHECK(r.totals[1].total == Approx(79.2));
    CHECK(r.totals[2].total == Approx(-28.35));
    CHECK(r.totals[3].total == Approx(-315.0 * k * 0.09).epsilon(1e-6));
    std::ifstream in(ws / "raster_values_summary.csv");
    std::string header;
    std::getline(in, header);
    CHECK(header == "Raster,Total,Units,Filename");
    std::string first;
    std::getline(in, first);
    CHECK(first.rfind("Baseline Carbon Storage,107.55", 0) == 0);
}

TEST_CASE("invest carbon: a code missing from the pools table", "[invest][carbon][validation]") {
    const test::TempDir dir("bc-invest");
    write_lulc(dir / "bas.tif", 3, 2, {1, 1, 7, 2, ND, 1});
    write_text(dir / "pools.csv", "lucode,c_above,c_below,c_soil,c_dead\n1,40,20,300,5\n2,0,0,50,0\n");
    write_text(dir / "args.json", R"({"workspace_dir": "ws", "lulc_bas_path": "bas.tif",
        "carbon_pools_path": "pools.csv"})");
    CHECK_THROWS_WITH(pipeline::run_invest_carbon({dir / "args.json"}),
                      Contains("bas.tif: landcover code 7 is not in the carbon pools table's lucode column"));
    CHECK_FALSE(fs::exists(dir / "ws" / "c_storage_bas.tif"));
}
