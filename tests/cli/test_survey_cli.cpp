// `bluecarbon survey trees` and `bluecarbon survey cores`, in process through run_cli, on the hand-made tables of
// tests/data/survey (see its README; the arithmetic is in tests/science/test_survey_*.cpp).
#include <bluecarbon/io/csv.hpp>

#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::run;
using bluecarbon::test::slurp;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

namespace fs = std::filesystem;

std::string data(const std::string& name) { return std::string(test::k_test_data_dir) + "/survey/" + name; }

// The value of `column` in the row whose first column is `key`.
std::string cell(const CsvTable& t, const std::string& key, const std::string& column) {
    const auto c = t.require_column(column);
    for (std::size_t r = 0; r < t.size(); ++r)
        if (t.field(r, 0) == key || t.field(r, 1) == key) return t.field(r, c);
    FAIL("no row " << key);
    return {};
}
double num(const CsvTable& t, const std::string& key, const std::string& column) {
    const auto v = parse_number(cell(t, key, column));
    REQUIRE(v);
    return *v;
}

std::vector<std::string> trees_args(const fs::path& out) {
    return {"survey", "trees", "--trees", data("trees.csv"), "--plots", data("plots.csv"), "--out", out.string(), "-q"};
}

}  // namespace

TEST_CASE("survey trees: per-tree and per-plot tables with the issue's columns and hand-worked values",
          "[cli][survey]") {
    test::TempDir dir("bc-survey");
    const auto out = dir / "out";
    const auto r = run(trees_args(out));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("survey trees: 2 plots, 6 stems"));
    CHECK_THAT(r.out, Contains("P1"));

    const auto trees = read_csv(out / "trees.csv");
    for (const char* c : {"agb_kg", "bgb_kg", "equation", "height_source", "wood_density_source",
                          "wood_density_level", "wood_density_n"})
        CHECK(trees.find_column(c));
    // Input columns pass through, quoted commas intact.
    CHECK(cell(trees, "T4", "note") == "d, dead");
    // T1 (Kandelia obovata, no d01_cm): Khan 2005 is fitted on D0.1, so Komiyama's default, and the reason.
    CHECK(cell(trees, "T1", "equation") == "komiyama");
    CHECK(cell(trees, "T1", "equation_level") == "default");
    CHECK_THAT(cell(trees, "T1", "equation_note"), Contains("'khan2005-kandelia-obovata' is fitted on D0.1"));
    CHECK(cell(trees, "T3", "equation") == "komiyama");
    CHECK(cell(trees, "T3", "equation_level") == "default");
    CHECK_THAT(num(trees, "T1", "agb_kg"), WithinRel(43.43351443708668, 1e-12));  // 0.251 × 0.6 × 10^2.46
    CHECK_THAT(num(trees, "T2", "bgb_kg"), WithinRel(18.92343618644975, 1e-12));
    CHECK(cell(trees, "T4", "counted") == "false");
    CHECK(cell(trees, "T4", "wood_density_level") == "species");  // GWDD Avicennia marina, 4 records
    CHECK(cell(trees, "T4", "wood_density_n") == "4");
    CHECK(cell(trees, "T4", "wood_density_source") == "gwdd.csv");
    CHECK(cell(trees, "T1", "wood_density_source") == "measured");
    CHECK(cell(trees, "T5", "height_source") == "chave_e");
    CHECK(cell(trees, "T5", "bgb_equation") == "root_shoot");

    const auto plots = read_csv(out / "plots.csv");
    for (const char* c : {"n_trees", "agb_mg_ha", "bgb_mg_ha", "carbon_mg_c_ha", "agb_mean", "agb_sd", "agb_ci90_low",
                          "agb_ci90_high"})
        CHECK(plots.find_column(c));
    CHECK(cell(plots, "P1", "comment") == "fringe, planted 2004");
    CHECK(cell(plots, "P1", "n_trees") == "3");
    // P1: test_survey_plots.cpp's hand-worked mangrove plot.
    // AGB (43.433514 + 39.994475 + 43.433514) × 0.1 = 12.686150; C = 12.686150 × 0.45 + 6.065273 × 0.39 (mangrove
    // roots) = 8.074224.
    CHECK_THAT(num(plots, "P1", "agb_mg_ha"), WithinRel(12.68615038502831, 1e-12));
    CHECK_THAT(num(plots, "P1", "bgb_mg_ha"), WithinRel(6.065273105472451, 1e-12));
    CHECK_THAT(num(plots, "P1", "carbon_mg_c_ha"), WithinRel(8.074224184396996, 1e-12));
    CHECK_THAT(num(plots, "P1", "dead_agb_mg_ha"), WithinRel(3.9994474976109737, 1e-12));
    // P2 with ρ = GWDD Xylocarpus granatum mean (0.557 + 0.525 + 0.62)/3 = 0.567333, E = 0.1 and no measured
    // height: "auto" takes Chave 2014 Eq. 7 with BIOMASS's refit, ln AGB = -2.023977 - 0.89563505 E
    // + 0.92023559 ln ρ + 2.79495823 ln D - 0.04606298 (ln D)², giving 5.719364 kg (D 5) and 205.289419 kg (D 20);
    // AGB = (5.719364 × 100 + 205.289419 × 25)/1000 = 5.704172 Mg/ha; BGB × 0.26; C = 1.26 × AGB × 0.4713.
    CHECK(cell(trees, "T5", "equation") == "chave2014-e");
    CHECK_THAT(num(plots, "P2", "agb_mg_ha"), WithinRel(5.7041718649091795, 1e-12));
    CHECK_THAT(num(plots, "P2", "bgb_mg_ha"), WithinRel(1.4830846848763868, 1e-12));
    CHECK_THAT(num(plots, "P2", "carbon_mg_c_ha"), WithinRel(3.387354011913937, 1e-12));
    // Monte Carlo columns: 1000 draws, an interval around the estimate.
    CHECK(cell(plots, "P1", "mc_draws") == "1000");
    CHECK(num(plots, "P1", "agb_ci90_low") < 12.68615038502831);
    CHECK(num(plots, "P1", "agb_ci90_high") > 12.68615038502831);
    CHECK(num(plots, "P1", "agb_sd") > 0.0);
    CHECK_THAT(cell(plots, "P1", "dead_rule"), Contains("excluded"));
    CHECK(cell(plots, "P2", "height_model") == "chave_e");
    CHECK(cell(plots, "P2", "height_model_rse") == "0.243");
    CHECK(cell(plots, "P2", "height_model_rse_unit") == "log");
    CHECK_FALSE(fs::exists(out / "qa.csv"));
}

TEST_CASE("survey trees: outputs are byte-identical for 1 and 4 threads - seed and --mc change them",
          "[cli][survey]") {
    test::TempDir dir("bc-survey");
    auto a = trees_args(dir / "a");
    a.insert(a.end(), {"--threads", "1"});
    auto b = trees_args(dir / "b");
    b.insert(b.end(), {"--threads", "4"});
    REQUIRE(run(a).code == 0);
    REQUIRE(run(b).code == 0);
    CHECK(slurp(dir / "a" / "plots.csv") == slurp(dir / "b" / "plots.csv"));
    CHECK(slurp(dir / "a" / "trees.csv") == slurp(dir / "b" / "trees.csv"));
    auto c = trees_args(dir / "c");
    c.insert(c.end(), {"--seed", "2"});
    REQUIRE(run(c).code == 0);
    CHECK(slurp(dir / "a" / "plots.csv") != slurp(dir / "c" / "plots.csv"));
    auto d = trees_args(dir / "d");
    d.insert(d.end(), {"--mc", "0"});
    REQUIRE(run(d).code == 0);
    const auto plots = read_csv(dir / "d" / "plots.csv");
    CHECK(cell(plots, "P1", "agb_mean").empty());
    CHECK(cell(plots, "P1", "mc_draws") == "0");
}

TEST_CASE("survey trees --json", "[cli][survey]") {
    test::TempDir dir("bc-survey");
    auto args = trees_args(dir / "out");
    args.push_back("--json");
    const auto r = run(args);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["command"] == "survey trees");
    CHECK(j["n_plots"] == 2);
    CHECK(j["n_stems"] == 6);
    REQUIRE(j["plots"].size() == 2);
    CHECK(j["plots"][0]["plot_id"] == "P1");
    CHECK_THAT(j["plots"][0]["agb_mg_ha"].get<double>(), WithinRel(12.68615038502831, 1e-12));
    CHECK(j["plots"][0]["agb"]["draws"] == 1000);
    // Xylocarpus granatum is in the GWDD and Avicennia marina has its own equation: no fallback to report. The
    // unknown "Ficus unknownii" has a measured density and the mangrove default: nothing at genus level either.
    CHECK(j["notices"].empty());
    CHECK(j["outputs"].size() == 2);
}

TEST_CASE("survey trees reports a species that falls back to its genus", "[cli][survey]") {
    test::TempDir dir("bc-survey");
    // "Avicennia unknownii" is in no table under that name and has no measured density: its genus's mean wood
    // density is used; the summary and the JSON say so rather than applying it silently.
    const auto trees = dir / "trees.csv";
    std::ofstream(trees) << "plot_id,tree_id,species,dbh_cm,height_m\nP1,T1,Avicennia unknownii,10,8\n"
                            "P1,T2,Avicennia marina,12,8\n";
    const auto r = run({"survey", "trees", "--trees", trees.string(), "--plots", data("plots.csv"), "--out",
                        (dir / "out").string(), "--mc", "0"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("  note: 'Avicennia unknownii' is not in the tables under that name: "));
    CHECK_THAT(r.out, Contains("wood density at genus level"));
    CHECK_THAT(r.out, !Contains("'Avicennia marina' is not"));  // the known species stays quiet
    const auto j =
        nlohmann::json::parse(run({"survey", "trees", "--trees", trees.string(), "--plots", data("plots.csv"), "--out",
                                   (dir / "out").string(), "--mc", "0", "--json", "-q"})
                                  .out);
    REQUIRE(j["notices"].size() == 1);
    CHECK_THAT(j["notices"][0].get<std::string>(), Contains("wood density at genus level"));
}

TEST_CASE("survey trees: options reach the computation", "[cli][survey]") {
    test::TempDir dir("bc-survey");
    auto args = trees_args(dir / "out");
    args.insert(args.end(), {"--no-species-equations", "--bgb", "root-shoot", "--carbon-fraction", "0.5", "--dead",
                             "include", "--mc", "0"});
    const auto r = run(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto plots = read_csv(dir / "out" / "plots.csv");
    // Every P1 stem (the dead one included) takes Komiyama 0.251 ρ D^2.46, × 100 /ha / 1000: three with the
    // measured ρ 0.6, the dead one with the GWDD Avicennia marina mean 0.64775. BGB = 0.96 × AGB; C × 0.5.
    const double agb = (3 * 0.251 * 0.6 + 0.251 * 0.64775) * std::pow(10.0, 2.46) * 0.1;
    CHECK_THAT(num(plots, "P1", "agb_mg_ha"), WithinRel(agb, 1e-12));
    CHECK_THAT(num(plots, "P1", "bgb_mg_ha"), WithinRel(0.96 * agb, 1e-12));
    CHECK_THAT(num(plots, "P1", "carbon_mg_c_ha"), WithinRel(1.96 * agb * 0.5, 1e-12));

    // An extra allometry table takes precedence over the shipped one.
    const auto extra = dir / "mine.csv";
    std::ofstream(extra) << "name,species,genus,component,form,a,b,units,source\n"
                            "my-ficus,Ficus unknownii,Ficus,AGB,power,0.1,2,kg;cm,local harvest (test)\n";
    auto args2 = trees_args(dir / "out2");
    args2.insert(args2.end(), {"--allometry", extra.string(), "--mc", "0"});
    REQUIRE(run(args2).code == 0);
    const auto trees = read_csv(dir / "out2" / "trees.csv");
    CHECK(cell(trees, "T3", "equation") == "my-ficus");
    CHECK_THAT(num(trees, "T3", "agb_kg"), WithinRel(10.0, 1e-12));  // 0.1 × 10²
}

TEST_CASE("survey trees: a bad row stops the run naming file, line and column - nothing is written",
          "[cli][survey]") {
    test::TempDir dir("bc-survey");
    const auto bad = dir / "trees_bad.csv";
    std::ofstream(bad) << "plot_id,tree_id,species,dbh_cm,height_m\n"
                          "P1,T1,Kandelia obovata,10,8\n"
                          "P1,T2,Kandelia obovata,-4,8\n"
                          "P1,T3,Kandelia obovata,10,95\n";
    const auto out = dir / "out";
    const auto r =
        run({"survey", "trees", "--trees", bad.string(), "--plots", data("plots.csv"), "--out", out.string(), "-q"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains(bad.string() + ":3: column 'dbh_cm': tree 'T2' in plot 'P1': D = -4 cm"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
    CHECK_FALSE(fs::exists(out));

    // --drop-invalid: the run goes on and lists the dropped rows.
    const auto r2 = run({"survey", "trees", "--trees", bad.string(), "--plots", data("plots.csv"), "--out",
                         out.string(), "-q", "--drop-invalid", "--mc", "0"});
    INFO(r2.err);
    REQUIRE(r2.code == 0);
    CHECK_THAT(r2.out, Contains("2 rows dropped"));
    const auto qa = read_csv(out / "qa.csv");
    REQUIRE(qa.size() == 2);
    CHECK(qa.field(0, qa.require_column("line")) == "3");
    CHECK(qa.field(0, qa.require_column("rule")) == "dbh_range");
    CHECK(qa.field(1, qa.require_column("column")) == "height_m");
    CHECK(read_csv(out / "trees.csv").size() == 1);

    // Missing files and columns, and a bad option.
    CHECK(run({"survey", "trees", "--trees", "nope.csv", "--plots", data("plots.csv"), "--out", out.string()}).code ==
          2);
    const auto nocol = dir / "nocol.csv";
    std::ofstream(nocol) << "plot_id,tree_id,species\nP1,T1,x\n";
    const auto r3 =
        run({"survey", "trees", "--trees", nocol.string(), "--plots", data("plots.csv"), "--out", out.string()});
    CHECK(r3.code == 2);
    CHECK_THAT(r3.err, Contains("missing column 'dbh_cm'"));
    auto args = trees_args(dir / "o3");
    args.insert(args.end(), {"--equation", "nonesuch"});
    const auto r4 = run(args);
    CHECK(r4.code == 2);
    CHECK_THAT(r4.err, Contains("--equation: unknown equation 'nonesuch'"));
    CHECK_FALSE(fs::exists(dir / "o3"));
}

TEST_CASE("survey cores: stock to depth, extrapolation with its standard error, compaction, sequestration",
          "[cli][survey]") {
    test::TempDir dir("bc-survey");
    const auto out = dir / "out";
    const auto r = run({"survey", "cores", "--cores", data("cores.csv"), "--out", out.string(), "-q"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("survey cores: 3 cores"));
    const auto cores = read_csv(out / "cores.csv");
    for (const char* c : {"core_id", "max_depth_cm", "stock_whole_core_mg_c_ha", "stock_mg_c_ha", "stock_se_mg_c_ha",
                          "extrapolated"})
        CHECK(cores.find_column(c));
    // Core A reaches 120 cm: 245.5 whole, 213.5 to 100 cm, not extrapolated, no SE.
    CHECK_THAT(num(cores, "A", "stock_whole_core_mg_c_ha"), WithinRel(245.5, 1e-12));
    CHECK_THAT(num(cores, "A", "stock_mg_c_ha"), WithinRel(213.5, 1e-12));
    CHECK(cell(cores, "A", "extrapolated") == "false");
    CHECK(cell(cores, "A", "stock_se_mg_c_ha").empty());
    // Core B ends at 40 cm: regression → 175.25 ± 2.561738 (prediction SE, s · sqrt(1 + 1/4 + 75²/500) with
    // s = 0.724569); dated to 60 yr only, so no rate over the default 100 yr (BlueCarbon's rule), with the reason.
    CHECK(cell(cores, "B", "extrapolated") == "true");
    CHECK_THAT(num(cores, "B", "stock_mg_c_ha"), WithinRel(175.25, 1e-12));
    CHECK_THAT(num(cores, "B", "stock_se_mg_c_ha"), WithinRel(2.5617376914899, 1e-10));
    CHECK(cell(cores, "B", "seq_rate_mg_c_ha_yr").empty());
    CHECK(cell(cores, "B", "sequestration_note") == "core younger than the time frame (oldest dated sample 60 yr < "
                                                     "100 yr)");
    // Over 60 yr: 20 + 18 + 17.5 = 55.5 Mg C/ha to 30 cm / 60 yr = 0.925.
    const auto r60 = run({"survey", "cores", "--cores", data("cores.csv"), "--out", (dir / "t60").string(), "-q",
                          "--time-frame-yr", "60", "--mc", "0"});
    REQUIRE(r60.code == 0);
    const auto c60 = read_csv(dir / "t60" / "cores.csv");
    CHECK_THAT(num(c60, "B", "seq_rate_mg_c_ha_yr"), WithinRel(0.925, 1e-12));
    CHECK(cell(c60, "B", "seq_timeframe_yr") == "60");
    // Core C, 20 % compaction: decompressed to 50 cm, whole 100.
    CHECK(cell(cores, "C", "compaction_percent") == "20");
    CHECK_THAT(num(cores, "C", "max_depth_cm"), WithinRel(50.0, 1e-12));
    CHECK_THAT(num(cores, "C", "stock_whole_core_mg_c_ha"), WithinRel(100.0, 1e-12));
    // Per-core columns pass through.
    CHECK(cell(cores, "C", "habitat") == "salt_marsh");
    CHECK(cell(cores, "A", "mc_draws") == "1000");

    const auto r40 = run({"survey", "cores", "--cores", data("cores.csv"), "--out", (dir / "d40").string(), "-q",
                          "--depth-cm", "40", "--mc", "0"});
    REQUIRE(r40.code == 0);
    const auto c40 = read_csv(dir / "d40" / "cores.csv");
    CHECK_THAT(num(c40, "C", "stock_mg_c_ha"), WithinRel(80.0, 1e-12));  // 20 + 80 × 30/40
    CHECK(cell(c40, "C", "extrapolated") == "false");

    // --json and thread-count independence.
    const auto j1 = run({"survey", "cores", "--cores", data("cores.csv"), "--out", (dir / "j1").string(), "-q",
                         "--json", "--threads", "1"});
    const auto j4 = run({"survey", "cores", "--cores", data("cores.csv"), "--out", (dir / "j4").string(), "-q",
                         "--json", "--threads", "4"});
    REQUIRE(j1.code == 0);
    REQUIRE(j4.code == 0);
    const auto j = nlohmann::json::parse(j1.out);
    CHECK(j["cores"].size() == 3);
    CHECK(j["cores"][1]["extrapolated"] == true);
    CHECK(slurp(dir / "j1" / "cores.csv") == slurp(dir / "j4" / "cores.csv"));
}

TEST_CASE("survey cores: the OC column is declared, bad rows stop the run", "[cli][survey]") {
    test::TempDir dir("bc-survey");
    const auto both = dir / "both.csv";
    std::ofstream(both) << "core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3,oc_percent,oc_fraction\n"
                           "K,0,10,1,3,0.03\n";
    auto r = run({"survey", "cores", "--cores", both.string(), "--out", (dir / "o").string()});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("both oc_percent and oc_fraction"));
    const auto overlap = dir / "overlap.csv";
    std::ofstream(overlap) << "core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3,oc_fraction\n"
                              "K,0,10,1,0.03\nK,5,15,1,0.03\nK,20,30,3.1,0.03\n";
    r = run({"survey", "cores", "--cores", overlap.string(), "--out", (dir / "o").string()});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains(overlap.string() + ":3: column 'min_depth_cm'"));
    CHECK_THAT(r.err, Contains("and 1 more"));
    CHECK_FALSE(fs::exists(dir / "o"));
    r = run({"survey", "cores", "--cores", overlap.string(), "--out", (dir / "o").string(), "--drop-invalid", "-q"});
    REQUIRE(r.code == 0);
    const auto qa = read_csv(dir / "o" / "qa.csv");
    CHECK(qa.size() == 2);
    CHECK(qa.field(1, qa.require_column("rule")) == "bulk_density_range");
}

TEST_CASE("survey appears in --help", "[cli][survey]") {
    const auto r = run({"--help"});
    CHECK_THAT(r.out, Contains("survey"));
    const auto h = run({"survey", "trees", "--help"});
    CHECK(h.code == 0);
    CHECK_THAT(h.out, Contains("--drop-invalid"));
    CHECK(run({"survey"}).code == 2);
}

// ---------------------------------------------------------------------------------------------------------------
// survey calibrate

#include <bluecarbon/io/gdal_setup.hpp>

#include <bluecarbon/core/sha256.hpp>

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

namespace {

// A 40 × 40 UTM 51N raster of 10-m pixels (green, red, nir, swir1) in 5 × 5-pixel blocks of uniform reflectance;
// block (i, j) has NDVI v = 0.2 + 0.6 ((8i + j) × 37 mod 64) / 63 (red 0.05, nir = red (1 + v)/(1 − v)). One plot
// of 100 m² sits at the centre of each block of the even block rows (32 plots), so its sampling circle (radius
// sqrt(100/π) = 5.64 m) lies inside one block. Each plot holds one stem of a test species whose equation is
// "1 kg per cm of D"; with 100 stems/ha, AGB = D × 100 / 1000 Mg/ha, and D is chosen so AGB = exp(1 + 2.5 v).
struct CalibrationScene {
    fs::path dir;
    explicit CalibrationScene(const fs::path& d) : dir(d) {
        ensure_gdal_ready();
        const int W = 40;
        const double x0 = 390000.0, y0 = 3265000.0;
        auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
        GDALDataset* ds = drv->Create((dir / "refl.tif").string().c_str(), W, W, 4, GDT_Float32, nullptr);
        double gt[6] = {x0, 10, 0, y0, 0, -10};
        ds->SetGeoTransform(gt);
        OGRSpatialReference utm;
        utm.importFromEPSG(32651);
        char* wkt = nullptr;
        utm.exportToWkt(&wkt);
        ds->SetProjection(wkt);
        CPLFree(wkt);
        std::vector<float> green(W * W, 0.05F), red(W * W, 0.05F), nir(W * W), swir(W * W, 0.1F);
        auto ndvi = [](int i, int j) { return 0.2 + 0.6 * static_cast<double>(((8 * i + j) * 37) % 64) / 63.0; };
        for (int r = 0; r < W; ++r)
            for (int c = 0; c < W; ++c) {
                const double v = ndvi(r / 5, c / 5);
                nir[static_cast<std::size_t>(r * W + c)] = static_cast<float>(0.05 * (1 + v) / (1 - v));
            }
        std::vector<float>* bands[] = {&green, &red, &nir, &swir};
        for (int b = 0; b < 4; ++b)
            REQUIRE(ds->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, W, W, bands[b]->data(), W, W, GDT_Float32, 0,
                                                       0) == CE_None);
        GDALClose(ds);

        OGRSpatialReference wgs;
        wgs.importFromEPSG(4326);
        wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&utm, &wgs));
        std::ofstream plots(dir / "plots.csv"), trees(dir / "trees.csv");
        plots << "plot_id,area_m2,lon,lat,habitat\n";
        trees << "plot_id,tree_id,species,dbh_cm\n";
        plots.precision(12);
        trees.precision(12);
        for (int i = 0; i < 8; i += 2)
            for (int j = 0; j < 8; ++j) {
                double x = x0 + (j * 5 + 2.5) * 10, y = y0 - (i * 5 + 2.5) * 10;
                REQUIRE(ct->Transform(1, &x, &y));
                const std::string id = "Q" + std::to_string(i) + std::to_string(j);
                plots << id << ",100," << x << "," << y << ",mangrove\n";
                trees << id << ",1,Testus simplex," << 10.0 * std::exp(1.0 + 2.5 * ndvi(i, j)) << "\n";
            }
        std::ofstream(dir / "mine.csv") << "name,species,genus,component,form,a,b,units,source\n"
                                           "linear-d,Testus simplex,Testus,AGB,power,1,1,kg;cm,test\n";
        std::ofstream(dir / "project.toml") << "[project]\nname = \"cal\"\nclimate_zone = \"subtropical\"\n"
                                               "output = \"out\"\n"
                                               "[inputs.reflectance]\npath = \"refl.tif\"\n"
                                               "bands = { green = 1, red = 2, nir = 3, swir1 = 4 }\n"
                                               "[habitat]\nsource = \"rules\"\n[[habitat.rules]]\n"
                                               "habitat = \"mangrove\"\nwhen = \"ndvi > 0.3\"\n"
                                               "[survey]\ntrees = \"trees.csv\"\nplots = \"plots.csv\"\n";
    }
};

}  // namespace

TEST_CASE("survey calibrate recovers known coefficients from synthetic plots on a UTM raster", "[cli][survey]") {
    test::TempDir dir("bc-calibrate");
    const CalibrationScene scene(dir.path());
    const auto project = (dir / "project.toml").string();
    const auto mine = (dir / "mine.csv").string();
    const auto r = run({"survey", "calibrate", project, "--predictors", "ndvi", "--allometry", mine, "-q"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("survey calibrate: 32 plots (mangrove), 5-fold cross-validation"));
    const auto path = dir / "out" / "biomass_model.json";
    REQUIRE(fs::exists(path));
    const auto j = nlohmann::json::parse(slurp(path));
    CHECK(j["form"] == "log");
    CHECK(j["n"] == 32);
    CHECK(j["predictors"] == nlohmann::json::array({"ndvi"}));
    // The reflectance is float32, so NDVI carries ~1e-7 relative error: coefficients to 1e-5.
    CHECK_THAT(j["log_intercept"].get<double>(), WithinAbs(1.0, 1e-5));
    CHECK_THAT(j["log_coefficients"][0].get<double>(), WithinAbs(2.5, 1e-5));
    CHECK(j["cv_rmse"].get<double>() < 1e-4);
    CHECK(j["habitats"] == nlohmann::json::array({"mangrove"}));
    CHECK_FALSE(j.contains("coefficients"));  // a linear-only reader must not misread the log form
    CHECK(j["inputs"]["trees"]["sha256"] == sha256_file_hex(dir / "trees.csv"));
    CHECK(j["plots"].size() == 32);
    CHECK_THAT(j["plots"][0]["ndvi"].get<double>(), WithinAbs(0.2, 1e-6));  // block (0, 0): v = 0.2

    // Linear form and two predictors, as JSON on stdout.
    const auto r2 = run({"survey", "calibrate", project, "--predictors", "ndvi,nir", "--form", "linear", "--allometry",
                         mine, "--out", (dir / "lin.json").string(), "--json", "-q"});
    REQUIRE(r2.code == 0);
    const auto s = nlohmann::json::parse(r2.out);
    CHECK(s["form"] == "linear");
    CHECK(s["coefficients"].size() == 2);
    CHECK(fs::exists(dir / "lin.json"));
    // The log form on stdout names its terms as the model file does (and keeps `intercept`, the older key).
    const auto r4 = run({"survey", "calibrate", project, "--predictors", "ndvi", "--allometry", mine, "--out",
                         (dir / "log.json").string(), "--json", "-q"});
    REQUIRE(r4.code == 0);
    const auto s4 = nlohmann::json::parse(r4.out);
    CHECK(s4["log_intercept"] == j["log_intercept"]);
    CHECK(s4["log_coefficients"] == j["log_coefficients"]);
    CHECK(s4["intercept"] == j["log_intercept"]);

    // A plot outside the raster stops the run naming it.
    std::ofstream(dir / "plots.csv", std::ios::app) << "FAR,100,100.0,10.0,mangrove\n";
    std::ofstream(dir / "trees.csv", std::ios::app) << "FAR,1,Testus simplex,20\n";
    const auto r3 = run({"survey", "calibrate", project, "--allometry", mine, "--out", (dir / "x.json").string()});
    CHECK(r3.code == 2);
    CHECK_THAT(r3.err, Contains("plot 'FAR' lies outside"));
    CHECK_FALSE(fs::exists(dir / "x.json"));
    // Unknown predictors and too few plots are usage errors.
    CHECK(run({"survey", "calibrate", project, "--predictors", "lai"}).code == 2);
}

TEST_CASE("survey calibrate warns when the model has no skill (cross-validated R² <= 0)", "[cli][survey]") {
    test::TempDir dir("bc-calibrate");
    const CalibrationScene scene(dir.path());
    // The same 32 plots with AGB in a V over NDVI (ln AGB = 1 + 5 |v - 0.5|): a line through ln AGB cannot follow
    // it, so held-out plots are predicted worse than by their mean. The model is written (to be looked at) with a
    // warning on the summary and in its file; stock refuses it unless forced (tested with stock).
    {
        std::ofstream trees(dir / "trees.csv");
        trees << "plot_id,tree_id,species,dbh_cm\n";
        trees.precision(12);
        for (int i = 0; i < 8; i += 2)
            for (int j = 0; j < 8; ++j) {
                const double v = 0.2 + 0.6 * static_cast<double>(((8 * i + j) * 37) % 64) / 63.0;
                trees << "Q" << i << j << ",1,Testus simplex," << 10.0 * std::exp(1.0 + 5.0 * std::abs(v - 0.5))
                      << "\n";
            }
    }
    const auto r = run({"survey", "calibrate", (dir / "project.toml").string(), "--predictors", "ndvi", "--allometry",
                        (dir / "mine.csv").string(), "-q"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const auto model = nlohmann::json::parse(slurp(dir / "out" / "biomass_model.json"));
    CHECK(model["cv_r2"].get<double>() <= 0.0);
    REQUIRE(model["warnings"].size() == 1);
    CHECK_THAT(model["warnings"][0].get<std::string>(), Contains("cross-validated R² = "));
    CHECK_THAT(r.out, Contains("warning: ") && Contains("cross-validated R² = "));
}
