// Every QA rule of issue 6, on parsed records and through the CSV readers (which add not_a_number,
// missing_value and bad_value).
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/science/survey/qa.hpp>

#include <bluecarbon/io/survey_tables.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::science::survey;
using Catch::Matchers::WithinRel;

namespace {

std::vector<std::string> rules_of(const std::vector<QaIssue>& issues) {
    std::vector<std::string> r;
    for (const auto& q : issues) r.push_back(q.rule);
    return r;
}

}  // namespace

TEST_CASE("QA: trees and plots", "[survey][qa]") {
    const auto plots_csv = parse_csv("plot_id,area_m2,nested\n"
                                     "P1,100,\n"
                                     "P2,0,\n"          // plot_area
                                     "P1,100,\n"        // duplicate_plot
                                     "P3,400,5:100;10:400\n"
                                     "P4,,\n",          // plot_area (no area at all)
                                     "plots.csv");
    const auto pp = parse_plots(plots_csv);
    CHECK(pp.issues.empty());
    const auto plot_issues = check_plots(pp.records);
    CHECK(rules_of(plot_issues) == std::vector<std::string>{"plot_area", "duplicate_plot", "plot_area"});
    CHECK(plot_issues[0].line == 3);
    CHECK(plot_issues[0].column == "area_m2");
    CHECK(plot_issues[1].line == 4);
    CHECK(plot_issues[1].column == "plot_id");
    CHECK(format_issue(plots_csv, plot_issues[0]) ==
          "plots.csv:3: column 'area_m2': plot 'P2' has no area (area_m2 must be > 0)");
    const auto plots = drop_flagged<PlotRecord>(pp.records, plot_issues);
    REQUIRE(plots.size() == 2);  // P1, P3

    const auto trees_csv = parse_csv("plot_id,tree_id,stem_id,species,dbh_cm,height_m,wood_density_g_cm3,status\n"
                                     "P1,1,,Avicennia marina,12,8,,live\n"        // fine
                                     "P1,2,,Avicennia marina,0,8,,\n"              // dbh_range (≤ 0)
                                     "P1,3,,Avicennia marina,501,8,,\n"            // dbh_range (> 500)
                                     "P1,4,,Avicennia marina,12,91,,\n"            // height_range
                                     "P1,5,,Avicennia marina,12,0,,\n"             // height_range (≤ 0)
                                     "P1,6,,Avicennia marina,12,8,0.05,\n"         // wood_density_range
                                     "P1,7,,Avicennia marina,12,8,1.6,\n"          // wood_density_range
                                     "P1,1,,Avicennia marina,12,8,,\n"             // duplicate_tree
                                     "P1,8,a,Avicennia marina,12,8,,\n"            // stems of one tree: fine
                                     "P1,8,b,Avicennia marina,10,8,,\n"
                                     "P1,8,b,Avicennia marina,10,8,,\n"            // duplicate_tree (stem)
                                     "P2,9,,Avicennia marina,12,8,,\n"             // unknown_plot (P2 dropped)
                                     "P3,10,,Avicennia marina,3,,,\n"              // below_nested_class
                                     "P1,11,,Avicennia marina,twelve,,,\n"         // not_a_number
                                     "P1,12,,Avicennia marina,,,,\n"               // missing_value
                                     "P1,13,,Avicennia marina,12,,,sleeping\n"     // bad_value (status)
                                     "P1,14,,Avicennia marina,12,,,DEAD\n",        // fine
                                     "trees.csv");
    const auto pt = parse_trees(trees_csv);
    CHECK(rules_of(pt.issues) == std::vector<std::string>{"not_a_number", "missing_value", "bad_value"});
    CHECK(format_issue(trees_csv, pt.issues[0]) ==
          "trees.csv:15: column 'dbh_cm': 'twelve' is not a number");
    CHECK(pt.issues[2].column == "status");
    const auto tree_issues = check_trees(pt.records, plots);
    CHECK(rules_of(tree_issues) == std::vector<std::string>{"dbh_range", "dbh_range", "height_range", "height_range",
                                                            "wood_density_range", "wood_density_range",
                                                            "duplicate_tree", "duplicate_tree", "unknown_plot",
                                                            "below_nested_class"});
    std::vector<std::size_t> lines;
    for (const auto& q : tree_issues) lines.push_back(q.line);
    CHECK(lines == std::vector<std::size_t>{3, 4, 5, 6, 7, 8, 9, 12, 13, 14});
    CHECK(format_issue(trees_csv, tree_issues[0]) ==
          "trees.csv:3: column 'dbh_cm': tree '2' in plot 'P1': D = 0 cm is not plausible (must be > 0 and ≤ 500)");
    CHECK(tree_issues[6].column == "tree_id");
    CHECK(tree_issues[7].column == "stem_id");
    const auto kept = drop_flagged<TreeRecord>(pt.records, tree_issues);
    REQUIRE(kept.size() == 4);  // trees 1, 8a, 8b, 14
    CHECK(kept[3].status == TreeStatus::dead);
}

TEST_CASE("QA: soil cores", "[survey][qa]") {
    const auto csv = parse_csv("core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3,oc_percent,compaction_percent,"
                               "age_yr\n"
                               "C1,0,10,0.8,3,10,5\n"      // fine
                               "C1,10,20,0.04,3,10,\n"     // bulk_density_range (< 0.05)
                               "C1,20,30,2.7,3,10,\n"      // bulk_density_range (> 2.65)
                               "C1,30,40,0.8,61,10,\n"     // oc_range (> 60 %)
                               "C1,40,50,0.8,-1,10,\n"     // oc_range (< 0)
                               "C1,50,40,0.8,3,10,\n"      // depth_order (min ≥ max)
                               "C1,-5,0,0.8,3,10,\n"       // depth_order (min < 0)
                               "C1,60,70,0.8,3,100,\n"     // compaction_range
                               "C1,70,80,0.8,3,5,\n"       // compaction_mismatch
                               "C1,80,90,0.8,3,10,-2\n"    // age_range
                               "C1,90,100,0.8,3,10,\n"     // fine
                               "C1,95,105,0.8,3,10,\n"     // depth_overlap (starts above 100)
                               "C1,110,120,0.8,3,10,1\n"   // age_order (younger than the 5 yr above)
                               "C2,0,10,x,3,,\n",          // not_a_number
                               "cores.csv");
    const auto pc = parse_cores(csv);
    CHECK(pc.oc_column == "oc_percent");
    CHECK(rules_of(pc.issues) == std::vector<std::string>{"not_a_number"});
    const auto issues = check_cores(pc.records, pc.oc_column);
    CHECK(rules_of(issues) ==
          std::vector<std::string>{"bulk_density_range", "bulk_density_range", "oc_range", "oc_range", "depth_order",
                                   "depth_order", "compaction_range", "compaction_mismatch", "age_range",
                                   "depth_overlap", "age_order"});
    std::vector<std::size_t> lines;
    for (const auto& q : issues) lines.push_back(q.line);
    CHECK(lines == std::vector<std::size_t>{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14});
    CHECK(format_issue(csv, issues[2]) ==
          "cores.csv:5: column 'oc_percent': core 'C1' sample 30–40 cm: organic carbon 61 % is outside 0–60 %");
    const auto kept = drop_flagged<CoreSample>(pc.records, issues);
    REQUIRE(kept.size() == 2);
    // What is left computes.
    CoreOptions opt;
    opt.monte_carlo.draws = 0;
    CHECK_NOTHROW(compute_cores(kept, opt));

    // The OC column declares the unit: fractions are checked against 0.6.
    const auto frac = parse_cores(
        parse_csv("core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3,oc_fraction\nK,0,10,1,0.7\nK,10,20,1,0.03\n",
                  "f.csv"));
    CHECK(frac.records[1].oc_fraction == 0.03);
    const auto fi = check_cores(frac.records, frac.oc_column);
    REQUIRE(fi.size() == 1);
    CHECK(fi[0].column == "oc_fraction");
    CHECK_THAT(fi[0].message, Catch::Matchers::Contains("0.7 is outside 0–0.6"));
    // Never guessed: both columns, or neither, stop the run.
    CHECK_THROWS_WITH(parse_cores(parse_csv("core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3,oc_percent,"
                                                 "oc_fraction\nK,0,10,1,3,0.03\n",
                                                 "both.csv")),
                      Catch::Matchers::Contains("both oc_percent and oc_fraction"));
    CHECK_THROWS_AS(parse_cores(parse_csv("core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3\nK,0,10,1\n",
                                               "none.csv")),
                    InputError);
}

TEST_CASE("QA: missing required columns stop the run naming the file", "[survey][qa]") {
    CHECK_THROWS_WITH(parse_trees(parse_csv("plot_id,tree_id,species\nP,1,x\n", "t.csv")),
                      Catch::Matchers::StartsWith("t.csv: missing column 'dbh_cm'"));
    CHECK_THROWS_WITH(parse_plots(parse_csv("plot_id\nP\n", "p.csv")),
                      Catch::Matchers::StartsWith("p.csv: missing column 'area_m2'"));
    // A bad nested spec and climate are reading errors of the plots file.
    const auto pp = parse_plots(
        parse_csv("plot_id,area_m2,nested,climate\nP,100,5:100;1:50,\nQ,100,,arctic\n", "p.csv"));
    CHECK(rules_of(pp.issues) == std::vector<std::string>{"bad_value", "bad_value"});
    CHECK(pp.issues[0].column == "nested");
    CHECK(pp.issues[1].column == "climate");
}

TEST_CASE("Cores: loss on ignition converted to OC by habitat as BlueCarbon's estimate_oc", "[survey][qa][cores]") {
    const auto pc = parse_cores(parse_csv("core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3,oc_percent,"
                                          "loi_percent,habitat\n"
                                          "M,0,10,1,,10,mangrove\n"     // 0.37 × 10 − 0.2 = 3.5 %
                                          "M,10,20,1,,30,mangrove\n"    // 0.52 × 30 − 2 = 13.6 %
                                          "S,0,10,1,,10,salt_marsh\n"   // 0.000683 × 100 + 0.41 × 10 = 4.1683 %
                                          "G,0,10,1,,10,seagrass\n"     // −0.21 + 0.40 × 10 = 3.79 %
                                          "G,10,20,1,,25,seagrass\n"    // −0.33 + 0.43 × 25 = 10.42 %
                                          "G,20,30,1,,0.3,seagrass\n"   // −0.21 + 0.12 < 0 → 0
                                          "K,0,10,1,2.5,10,mangrove\n"  // measured OC wins: 2.5 %
                                          "F,0,10,1,,10,forest\n",      // no published equation: an issue
                                          "loi.csv"));
    REQUIRE(pc.records.size() == 7);
    CHECK_THAT(pc.records[0].oc_fraction, WithinRel(0.035, 1e-12));
    CHECK_THAT(pc.records[1].oc_fraction, WithinRel(0.136, 1e-12));
    CHECK_THAT(pc.records[2].oc_fraction, WithinRel(0.041683, 1e-12));
    CHECK_THAT(pc.records[3].oc_fraction, WithinRel(0.0379, 1e-12));
    CHECK_THAT(pc.records[4].oc_fraction, WithinRel(0.1042, 1e-12));
    CHECK(pc.records[5].oc_fraction == 0.0);
    CHECK(pc.records[6].oc_fraction == 0.025);
    CHECK(pc.records[6].oc_source.empty());
    CHECK_THAT(pc.records[3].oc_source, Catch::Matchers::Contains("Fourqurean et al. 2012"));
    REQUIRE(pc.issues.size() == 1);
    CHECK(pc.issues[0].line == 9);
    CHECK_THAT(pc.issues[0].message, Catch::Matchers::Contains("mangrove, salt_marsh or seagrass"));
    // The conversion is named in the core's note.
    CoreOptions opt;
    opt.monte_carlo.draws = 0;
    const auto r = compute_cores(std::vector<CoreSample>{pc.records[3], pc.records[4]}, opt);
    CHECK_THAT(r[0].note, Catch::Matchers::StartsWith("OC from LOI seagrass: Fourqurean et al. 2012"));
}

TEST_CASE("Height tables declare the RSE unit per row", "[survey][qa][height]") {
    const auto ok = load_height_curves(parse_csv("region,a,b,c,rse,rse_unit\nA,50,0.05,0.8,5.7,m\nB,50,0.05,0.8,0.2,log\n"
                                                 "C,50,0.05,0.8,,\n",
                                                 "h.csv"));
    REQUIRE(ok.size() == 3);
    CHECK(ok[0].rse_in_metres);
    CHECK_FALSE(ok[1].rse_in_metres);
    CHECK(ok[2].rse == 0.0);
    CHECK_THROWS_WITH(load_height_curves(parse_csv("region,a,b,c,rse\nA,50,0.05,0.8,5.7\n", "h.csv")),
                      Catch::Matchers::Contains("an rse needs an rse_unit column"));
    CHECK_THROWS_WITH(load_height_curves(parse_csv("region,a,b,c,rse,rse_unit\nA,50,0.05,0.8,5.7,ft\n", "h.csv")),
                      Catch::Matchers::Contains("rse_unit must be m"));
}
