#include "sample_report.hpp"

#include "support/file_text.hpp"
#include "support/temp_dir.hpp"
#include "support/text_search.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/report/html_report.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace bluecarbon;
using namespace bluecarbon::report;
using bluecarbon::test::count_occurrences;

namespace {

using bluecarbon::test::slurp;

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("The page has every section, its maps as files and its charts inline", "[report][html]") {
    const auto d = test::sample_data();
    const RenderedReport r = render_report(d, std::nullopt);
    const std::string& h = r.html;
    CHECK(h.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
    for (const char* id : {"summary", "maps", "charts", "parcels", "lots", "parameters", "inputs"})
        CHECK(contains(h, std::string("<section id=\"") + id + "\">"));
    CHECK(count_occurrences(h, "<section") == count_occurrences(h, "</section>"));
    CHECK(count_occurrences(h, "<table") == count_occurrences(h, "</table>"));
    REQUIRE(r.assets.size() == 5);
    CHECK(r.assets[0].relative_path == "report/habitat.png");
    CHECK(r.assets[1].relative_path == "report/stock_soil.png");
    CHECK(r.assets[2].relative_path == "report/chart_stock_by_habitat.svg");
    CHECK(r.assets[4].relative_path == "report/chart_parcel_uncertainty.svg");
    // Each map's <img> names its file and its natural size.
    const RenderedMap hab = render_map(d.maps[0], d.outlines);
    CHECK(contains(h, "<img src=\"report/habitat.png\" width=\"" + std::to_string(hab.width) + "\" height=\"" +
                          std::to_string(hab.height) + "\" alt=\"Habitat\">"));
    // 120 x 90 cells drawn at floor(720 / 120) = 6 px each.
    CHECK(contains(h, "<figcaption>Habitat — 120 × 90 cells, 6 px per cell</figcaption>"));
    CHECK(contains(h, "<figcaption>Soil organic carbon — 120 × 90 cells, 6 px per cell, in Mg C/ha</figcaption>"));
    CHECK(count_occurrences(h, "<img ") == 2);
    // The charts are inlined byte for byte as well as written as files.
    CHECK(count_occurrences(h, "<svg ") == 3);
    for (std::size_t i = 2; i < 5; ++i) CHECK(contains(h, r.assets[i].bytes));
    // Rows: three parcels, two lots, two parameters, two inputs.
    CHECK(count_occurrences(h, "<tr>") == 1 + 3 + 1 + 2 + 1 + 2 + 1 + 2 + 1); // with each table's header and the totals
}

TEST_CASE("The page needs no network and runs no script", "[report][html]") {
    const RenderedReport r = render_report(test::sample_data(), std::nullopt);
    std::string rest = r.html;
    // The only URL is the SVG namespace (an identifier, never fetched).
    for (auto p = rest.find("http://www.w3.org/2000/svg"); p != std::string::npos;
         p = rest.find("http://www.w3.org/2000/svg"))
        rest.erase(p, 26);
    CHECK_FALSE(contains(rest, "http:"));
    CHECK_FALSE(contains(rest, "https:"));
    CHECK_FALSE(contains(rest, "//"));
    CHECK_FALSE(contains(rest, "<script"));
    CHECK_FALSE(contains(rest, "@import"));
    CHECK_FALSE(contains(rest, "url("));
    CHECK_FALSE(contains(rest, "stylesheet"));
}

TEST_CASE("Every text from the data is escaped in the page", "[report][html]") {
    auto d = test::sample_data();
    d.parcels[0].parcel_id = "<script>alert(1)</script>";
    d.parameters.push_back({"note", "a \"quoted\" & <odd> value"});
    const RenderedReport r = render_report(d, std::nullopt);
    CHECK_FALSE(contains(r.html, "<script>"));
    CHECK(contains(r.html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(contains(r.html, "a &quot;quoted&quot; &amp; &lt;odd&gt; value"));
    CHECK(contains(r.html, "Xiangshan demo &lt;test&gt; &amp; co"));
    CHECK_FALSE(contains(r.html, "<test>"));
}

TEST_CASE("Totals and prices in the page add up", "[report][html]") {
    const RenderedReport r = render_report(test::sample_data(), std::nullopt);
    // Area 10.5 + 16.5 + 12 = 39; stock 1234.5 + 2345.25 + 820 = 4399.75; removals 40.2 + 55.5 + 10 = 105.7;
    // credits 100 + 150 + 0 = 250.
    CHECK(contains(r.html, "<td colspan=\"3\">Total</td><td class=\"num\">39.00</td><td class=\"num\">4,399.8</td>"
                           "<td></td><td class=\"num\">105.7</td><td class=\"num\">250</td>"));
    // Net credits 70 + 112 + 140 = 322.
    CHECK(contains(r.html, "<b>322</b>t CO2e net credits"));
    // LOT-1: 112 t at 45.50 CNY -> a reserve of 5,096.00 CNY.
    CHECK(contains(r.html, "<td class=\"num\">45.50 CNY</td><td class=\"num\">0.50 CNY</td>"
                           "<td class=\"num\">5,096.00 CNY</td>"));
    CHECK(contains(r.html, "<td>P-001, P-002</td>"));
    CHECK(contains(r.html, "<code>" + std::string(64, 'a') + "</code>"));
}

TEST_CASE("A date is printed only when given, SOURCE_DATE_EPOCH capping it", "[report][html][determinism]") {
    CHECK_FALSE(report_date(std::nullopt, nullptr).has_value());
    CHECK(report_date(5, nullptr) == 5);
    CHECK(report_date(std::nullopt, "100") == 100);
    CHECK(report_date(200, "100") == 100);
    CHECK(report_date(50, "100") == 50);
    for (const char* bad : {"", "abc", "12x", "-5", "1.5"})
        CHECK_THROWS_WITH(report_date(std::nullopt, bad), Catch::Contains("SOURCE_DATE_EPOCH"));
    // 1,700,000,000 s = 19,675 days (2023-11-14) + 80,000 s (22:13:20).
    CHECK(format_utc(1700000000) == "2023-11-14 22:13 UTC");
    CHECK(format_utc(0) == "1970-01-01 00:00 UTC");
    CHECK_FALSE(contains(render_report(test::sample_data(), std::nullopt).html, "Generated"));
    CHECK(contains(render_report(test::sample_data(), 1700000000).html, "Generated 2023-11-14 22:13 UTC"));
}

TEST_CASE("write_report writes a self-contained folder, byte-identical run to run", "[report][html][determinism]") {
    test::TempDir dir("bluecarbon-report");
    const auto d = test::sample_data();
    ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    const ReportPaths a = write_report(d, dir / "a");
    const ReportPaths b = write_report(d, dir / "b");
    ::unsetenv("SOURCE_DATE_EPOCH");
    REQUIRE(a.assets.size() == 5);
    CHECK(a.html == dir / "a" / "report.html");
    CHECK(contains(slurp(a.html), "Generated 2023-11-14 22:13 UTC"));
    CHECK(slurp(a.html) == slurp(b.html));
    for (std::size_t i = 0; i < a.assets.size(); ++i) {
        REQUIRE(std::filesystem::exists(a.assets[i]));
        CHECK(slurp(a.assets[i]) == slurp(b.assets[i]));
    }
    // Only the page and its folder: no temporary files left behind.
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "a")) files += e.is_regular_file();
    CHECK(files == 6);
}

TEST_CASE("Bad report input is refused before anything is written", "[report][html][errors]") {
    test::TempDir dir("bluecarbon-report");
    auto d = test::sample_data();
    SECTION("a layer name that is not a file stem") {
        d.maps[1].name = "../evil";
        CHECK_THROWS_WITH(write_report(d, dir.path()), Catch::Contains("map layer '../evil'"));
    }
    SECTION("a layer given twice") {
        d.maps[1].name = "habitat";
        CHECK_THROWS_WITH(write_report(d, dir.path()), Catch::Contains("'habitat' is given twice"));
    }
    SECTION("credits that do not add up (found after the maps are drawn)") {
        d.credits[1].deductions.push_back({"Extra", 1000});
        CHECK_THROWS_AS(write_report(d, dir.path()), InputError);
    }
    CHECK_FALSE(std::filesystem::exists(dir / "report.html"));
    CHECK_FALSE(std::filesystem::exists(dir / "report"));
}

TEST_CASE("Rewriting a report removes the maps it no longer has", "[report][html]") {
    test::TempDir dir("bluecarbon-report");
    auto d = test::sample_data();
    write_report(d, dir.path());
    REQUIRE(std::filesystem::exists(dir / "report" / "stock_soil.png"));
    std::ofstream(dir / "report" / ".someone-elses.tmp.png") << "x";  // a temporary file is not ours to remove
    d.maps.pop_back();
    const ReportPaths p = write_report(d, dir.path());
    CHECK(p.assets.size() == 4);
    CHECK_FALSE(std::filesystem::exists(dir / "report" / "stock_soil.png"));
    CHECK(std::filesystem::exists(dir / "report" / "habitat.png"));
    CHECK(std::filesystem::exists(dir / "report" / ".someone-elses.tmp.png"));
    CHECK_FALSE(contains(slurp(dir / "report.html"), "stock_soil"));
}

TEST_CASE("With a caller's transaction nothing appears before its commit", "[report][html]") {
    test::TempDir dir("bluecarbon-report");
    OutputTransaction t;
    const ReportPaths p = write_report(test::sample_data(), dir.path(), &t);
    CHECK_FALSE(std::filesystem::exists(p.html));
    CHECK_FALSE(std::filesystem::exists(p.assets.front()));
    t.commit();
    CHECK(std::filesystem::exists(p.html));
    for (const auto& a : p.assets) CHECK(std::filesystem::exists(a));
}
