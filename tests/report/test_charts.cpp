#include "sample_report.hpp"
#include "support/text_search.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/report/charts.hpp>

#include <catch2/catch.hpp>

using namespace bluecarbon;
using namespace bluecarbon::report;
using bluecarbon::test::count_occurrences;

namespace {

/// Structure every chart shares: one <svg> root with a <title>, balanced text elements.
void check_svg_shape(const std::string& svg) {
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.size() > 7);
    CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
    CHECK(count_occurrences(svg, "<svg") == 1);
    CHECK(count_occurrences(svg, "<title>") == count_occurrences(svg, "</title>"));
    CHECK(count_occurrences(svg, "<text") == count_occurrences(svg, "</text>"));
    CHECK(svg.find("NaN") == std::string::npos);
    CHECK(svg.find("nan") == std::string::npos);
}

}  // namespace

TEST_CASE("nice_axis steps by 1, 2 or 5 x 10^n and encloses the data", "[report][charts]") {
    // max 2345.25, 5 ticks: raw step 469.05 -> 500; top = ceil(4.69) * 500 = 2500.
    Axis a = nice_axis(0, 2345.25);
    CHECK(a.lo == 0);
    CHECK(a.step == 500);
    CHECK(a.hi == 2500);
    // 200 / 5 = 40 -> 50, and 200 is already a multiple.
    a = nice_axis(0, 200);
    CHECK(a.step == 50);
    CHECK(a.hi == 200);
    // [-3, 7]: raw 2 -> 2; ends floor(-1.5) * 2 = -4 and ceil(3.5) * 2 = 8.
    a = nice_axis(-3, 7);
    CHECK(a.step == 2);
    CHECK(a.lo == -4);
    CHECK(a.hi == 8);
    a = nice_axis(0, 0);
    CHECK(a.hi > a.lo);
}

TEST_CASE("Stock by habitat: one bar per habitat, scaled to the axis", "[report][charts]") {
    const auto d = test::sample_data();
    const std::string svg = svg_stock_by_habitat(d.habitats);
    check_svg_shape(svg);
    // Background rect plus three bars.
    CHECK(count_occurrences(svg, "<rect") == 4);
    // Plot height 330 - 60 - 36 = 234 px for an axis topping at 2500: the salt marsh bar is
    // 234 * 2345.25 / 2500 = 219.5235 -> "219.52".
    CHECK(svg.find("height=\"219.52\"") != std::string::npos);
    CHECK(svg.find(">2,345</text>") != std::string::npos);  // its value label
    CHECK(svg.find(">2,500</text>") != std::string::npos);  // the axis top
    CHECK(svg.find("fill=\"#d95f02\"") != std::string::npos);  // the habitat's own colour
    CHECK(svg_stock_by_habitat({}).empty());
}

TEST_CASE("Chart text is escaped", "[report][charts]") {
    const std::string svg = svg_stock_by_habitat({{"<b>\"x\" & 'y'</b>", 1, 10, std::nullopt}});
    check_svg_shape(svg);
    CHECK(svg.find("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;") != std::string::npos);
    CHECK(svg.find("<b>") == std::string::npos);
}

TEST_CASE("Credits per vintage stack the deductions on the net credits", "[report][charts]") {
    const auto d = test::sample_data();
    const std::string svg = svg_credits_by_vintage(d.credits);
    check_svg_shape(svg);
    // Background + 4 legend swatches + 3 vintages x 4 segments.
    CHECK(count_occurrences(svg, "<rect") == 1 + 4 + 12);
    // Axis 0-200 over 300 - 58 = 242 px: 1.21 px per t. 2025: net 200 - 20 - 10 - 30 = 140 -> 169.4 px, then
    // 24.2, 12.1 and 36.3 px; the stack ends exactly at the plot top (y = 58).
    CHECK(svg.find("height=\"169.4\" fill=\"#1b7837\"><title>2025 net credits: 140.0 t CO2e</title>") !=
          std::string::npos);
    CHECK(svg.find("y=\"58\" width=\"90\" height=\"36.3\"") != std::string::npos);
    CHECK(svg.find("<title>2023 Leakage: 5.0 t CO2e</title>") != std::string::npos);
    CHECK(count_occurrences(svg, ">Buffer</text>") == 1); // one legend entry per deduction name
    for (const char* v : {">2023</text>", ">2024</text>", ">2025</text>"}) CHECK(svg.find(v) != std::string::npos);
}

TEST_CASE("Credits whose deductions exceed the gross are refused, naming the vintage", "[report][charts]") {
    CHECK_THROWS_WITH(svg_credits_by_vintage({{2024, 10, {{"Buffer", 11}}}}), Catch::Contains("vintage 2024"));
    CHECK_THROWS_AS(svg_credits_by_vintage({{2024, 10, {{"Buffer", -1}}}}), InputError);
}

TEST_CASE("Uncertainty per parcel draws a dot and an interval per parcel", "[report][charts]") {
    const auto d = test::sample_data();
    const std::string svg = svg_parcel_uncertainty(d.parcels);
    check_svg_shape(svg);
    CHECK(count_occurrences(svg, "<circle") == 3);
    CHECK(svg.find("P-002: 2,345.2 Mg C (90 % interval 2,000.0 to 2,700.0)") != std::string::npos);
    // Axis 0-3000 (step 500) over x 130-620: P-003's interval 500-1150 spans x 130 + 490 * 500 / 3000 = 211.67
    // to 130 + 490 * 1150 / 3000 = 317.83.
    CHECK(svg.find("x1=\"211.67\" y1=\"95\" x2=\"317.83\" y2=\"95\"") != std::string::npos);
}
