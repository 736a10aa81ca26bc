// Readers of InVEST's inputs: argument files (plain and datastack), the CBC tables, and every validation error.
#include <bluecarbon/io/invest_inputs.hpp>

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace bluecarbon;
using Catch::Contains;

namespace {
std::filesystem::path write(const test::TempDir& dir, const std::string& name, const std::string& text) {
    const auto p = dir / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
}
const char* k_biophysical =
    "lucode,lulc-class,biomass-initial,soil-initial,litter-initial,biomass-half-life,biomass-low-impact-disturb,"
    "biomass-med-impact-disturb,biomass-high-impact-disturb,biomass-yearly-accumulation,soil-half-life,"
    "soil-low-impact-disturb,soil-med-impact-disturb,soil-high-impact-disturb,soil-yearly-accumulation,"
    "litter-yearly-accumulation\n"
    "1,Mangrove,100,200,5,10,0.1,0.5,0.8,2,20,0.1,0.3,0.5,1,0.5\n"
    "2,pond,0,50,0,2,0.2,0.5,0.9,0,4,0.1,0.25,0.6,0,0\n";
}  // namespace

TEST_CASE("CBC arguments: plain object and datastack, relative paths, percentages as given", "[invest][io]") {
    const test::TempDir dir;
    const std::string args = R"({"workspace_dir": "ws", "results_suffix": "", "landcover_snapshot_csv": "snap.csv",
        "biophysical_table_path": "/abs/bio.csv", "landcover_transitions_table": "tr.csv", "analysis_year": "2030",
        "do_economic_analysis": true, "use_price_table": false, "price": 10, "inflation_rate": "3",
        "price_table_path": "", "discount_rate": 5})";
    for (const std::string& text :
         {args, std::string(R"({"model_name": "natcap.invest.coastal_blue_carbon.coastal_blue_carbon",
                                "invest_version": "3.14.2", "args": )") + args + "}"}) {
        const auto a = read_invest_cbc_args(write(dir, "args.json", text));
        CHECK(a.workspace_dir == dir.path() / "ws");
        CHECK(a.landcover_snapshot_csv == dir.path() / "snap.csv");
        CHECK(a.biophysical_table_path == std::filesystem::path("/abs/bio.csv"));
        CHECK(a.analysis_year == 2030);
        CHECK(a.do_economic_analysis);
        CHECK_FALSE(a.use_price_table);
        CHECK(a.price == 10.0);
        CHECK(a.inflation_rate_pct == 3.0);
        CHECK(a.discount_rate_pct == 5.0);
        CHECK_FALSE(a.price_table_path.has_value());
    }
    SECTION("missing keys and wrong models are named") {
        CHECK_THROWS_WITH(read_invest_cbc_args(write(dir, "a.json", R"({"workspace_dir": "ws"})")),
                          Contains("landcover_snapshot_csv: Key is missing from the args dict"));
        CHECK_THROWS_WITH(read_invest_cbc_args(write(dir, "b.json", R"({"model_name": "natcap.invest.carbon",
                                                                         "args": {}})")),
                          Contains("not coastal_blue_carbon"));
        CHECK_THROWS_WITH(read_invest_cbc_args(write(dir, "c.json", "[1, 2")), Contains("not valid JSON"));
        std::string no_rate = args;
        no_rate.replace(no_rate.find("\"discount_rate\": 5"), 18, "\"discount_rate\": \"\"");
        CHECK_THROWS_WITH(read_invest_cbc_args(write(dir, "d.json", no_rate)), Contains("discount_rate: Key is missing"));
    }
}

TEST_CASE("Carbon arguments", "[invest][io]") {
    const test::TempDir dir;
    const auto a = read_invest_carbon_args(write(dir, "c.json", R"({"workspace_dir": "w", "lulc_bas_path": "b.tif",
        "lulc_alt_path": "a.tif", "carbon_pools_path": "p.csv", "calc_sequestration": true, "do_valuation": true,
        "price_per_metric_ton_of_c": 43, "discount_rate": -7, "rate_change": 0, "lulc_bas_year": 2020,
        "lulc_alt_year": 2030})"));
    CHECK(a.lulc_alt_path == dir.path() / "a.tif");
    CHECK(a.discount_rate_pct == -7.0);
    CHECK(a.lulc_alt_year == 2030);
    CHECK_THROWS_WITH(read_invest_carbon_args(write(dir, "d.json", R"({"workspace_dir": "w", "lulc_bas_path": "b.tif",
        "lulc_alt_path": "a.tif", "carbon_pools_path": "p.csv", "calc_sequestration": true, "do_valuation": true,
        "price_per_metric_ton_of_c": 43, "discount_rate": 7, "rate_change": 0, "lulc_bas_year": 2030,
        "lulc_alt_year": 2030})")),
                      Contains("must be greater than the Baseline LULC Year (2030)"));
    const auto pools = read_invest_carbon_pools(write(dir, "p.csv", "LUCODE,C_Above,c_below,C_SOIL,c_dead,name\n"
                                                                    "1,40,20,300,5,mangrove\n2,0,0,50,0,pond\n"));
    REQUIRE(pools.size() == 2);
    CHECK(pools[0].c_soil == 300.0);
    CHECK(pools[1].lucode == 2);
}

TEST_CASE("snapshots: any order, relative to the CSV, analysis year rules", "[invest][io]") {
    const test::TempDir dir;
    const auto s = read_invest_snapshots(write(dir, "snap.csv", "raster_path,snapshot_year\nb.tif,2010\n/x/a.tif,2000\n"));
    REQUIRE(s.size() == 2);
    CHECK(s[0].year == 2000);
    CHECK(s[0].raster == std::filesystem::path("/x/a.tif"));
    CHECK(s[1].raster == dir.path() / "b.tif");
    CHECK_THROWS_WITH(read_invest_snapshots(write(dir, "dup.csv", "snapshot_year,raster_path\n2000,a\n2000,b\n")),
                      Contains("dup.csv:3: column 'snapshot_year': snapshot year 2000 appears twice"));

    InvestCbcArgs args;
    args.source = "args.json";
    args.analysis_year = 2010;
    CHECK_THROWS_WITH(invest_cbc_analysis_year(args, s),
                      "args.json: analysis_year: Analysis year 2010 must be after the latest snapshot year (2010)");
    args.analysis_year = 2030;
    CHECK(invest_cbc_analysis_year(args, s) == 2030);
    args.analysis_year.reset();
    CHECK(invest_cbc_analysis_year(args, s) == 2010);  // InVEST ends at the last snapshot
    const std::vector<InvestSnapshot> one{{2000, "a.tif"}};
    CHECK_THROWS_WITH(invest_cbc_analysis_year(args, one),
                      Contains("a single landcover snapshot (2000) needs an analysis year after it"));
}

TEST_CASE("biophysical table: values, `code` alias, duplicate names", "[invest][io]") {
    const test::TempDir dir;
    const auto rows = read_invest_biophysical_table(write(dir, "bio.csv", k_biophysical));
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].lulc_class == "Mangrove");
    CHECK(rows[0].biomass_high_impact_disturb == 0.8);
    CHECK(rows[0].litter_yearly_accumulation == 0.5);
    CHECK(rows[1].soil_med_impact_disturb == 0.25);
    std::string coded = k_biophysical;
    coded.replace(0, 6, "code");
    CHECK(read_invest_biophysical_table(write(dir, "bio2.csv", coded))[1].lucode == 2);
    CHECK_THROWS_WITH(read_invest_biophysical_table(write(dir, "dup.csv", std::string(k_biophysical) +
                                                                              "3,MANGROVE,0,0,0,1,0,0,0,0,1,0,0,0,0,0\n")),
                      Contains("dup.csv:4: column 'lulc-class': All values in `lulc-class` column must be unique"));
    CHECK_THROWS_WITH(read_invest_biophysical_table(write(dir, "bad.csv", std::string(k_biophysical) +
                                                                              "3,bare,x,0,0,1,0,0,0,0,1,0,0,0,0,0\n")),
                      Contains("bad.csv:4: column 'biomass-initial': expected a number (got 'x')"));
    CHECK_THROWS_WITH(read_invest_biophysical_table(write(dir, "nocol.csv", "lucode,lulc-class\n1,a\n")),
                      Contains("missing column 'biomass-initial'"));
}

TEST_CASE("transition matrix: keywords, names, the blank row before the legend", "[invest][io]") {
    const test::TempDir dir;
    const auto classes = read_invest_biophysical_table(write(dir, "bio.csv", k_biophysical));
    const auto cells = read_invest_transition_matrix(
        write(dir, "tr.csv", "lulc-class,mangrove,Pond\nMangrove,accum,high-impact-disturb\npond,,NCC\n"
                             ",,\nlegend,,\naccum,means,growth\n"),
        classes);
    REQUIRE(cells.size() == 3);
    CHECK(cells[0].from_lucode == 1);
    CHECK(cells[0].to_lucode == 1);
    CHECK(cells[0].keyword == "accum");
    CHECK(cells[1].to_lucode == 2);
    CHECK(cells[1].keyword == "high-impact-disturb");
    CHECK(cells[2].keyword == "NCC");
    CHECK_THROWS_WITH(read_invest_transition_matrix(
                          write(dir, "kw.csv", "lulc-class,mangrove,pond\nmangrove,accum,big-disturb\n"), classes),
                      Contains("kw.csv:2: column 'pond': unknown transition 'big-disturb'"));
    CHECK_THROWS_WITH(read_invest_transition_matrix(
                          write(dir, "d.csv", "lulc-class,mangrove,pond\nmangrove,accum,disturb\n"), classes),
                      Contains("'disturb' must be replaced by low-impact-disturb"));
    CHECK_THROWS_WITH(read_invest_transition_matrix(
                          write(dir, "h.csv", "lulc-class,mangrove,forest\nmangrove,accum,NCC\n"), classes),
                      Contains("column name, 'forest', that was expected in the biophysical table"));
    CHECK_THROWS_WITH(read_invest_transition_matrix(
                          write(dir, "r.csv", "lulc-class,mangrove,pond\nforest,accum,NCC\n"), classes),
                      Contains("r.csv:2: column 'lulc-class': the transition table's 'lulc-class' column has a value, "
                               "'forest'"));
}

TEST_CASE("price table", "[invest][io]") {
    const test::TempDir dir;
    const auto p = dir / "prices.csv";
    const auto table = read_invest_price_table(write(dir, "prices.csv", "year,price\n2001,11\n2000,10\n2002,12\n"));
    CHECK(invest_prices_for_years(table, p, 2000, 2002) == std::vector<double>{10, 11, 12});
    CHECK_THROWS_WITH(invest_prices_for_years(table, p, 2000, 2003), Contains("prices.csv: no price for year 2003"));
    CHECK_THROWS_WITH(read_invest_price_table(write(dir, "d.csv", "year,price\n2000,1\n2000,2\n")),
                      Contains("year 2000 appears twice"));
}
