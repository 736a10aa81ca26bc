#include <bluecarbon/report/format.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace bluecarbon::report;

TEST_CASE("xml_escape replaces the five markup characters and nothing else", "[report][format]") {
    CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
    CHECK(xml_escape("Mangrove 红树林 90 %") == "Mangrove 红树林 90 %");
    CHECK(xml_escape("&amp;") == "&amp;amp;");  // escaping twice is visible, so callers escape exactly once
    CHECK(xml_escape("") == "");
}

TEST_CASE("fixed prints locale-independent digits and no negative zero", "[report][format]") {
    CHECK(fixed(1234.5, 2) == "1234.50");
    CHECK(fixed(0.125, 2) == "0.12");  // 0.125 is exact in binary: round-half-even gives 0.12
    CHECK(fixed(2.5, 0) == "2");
    CHECK(fixed(-1.25, 1) == "-1.2");
    CHECK(fixed(-0.0004, 3) == "0.000");
    CHECK(fixed(-0.0, 0) == "0");
    CHECK(fixed(std::nan(""), 2) == "n/a");
    CHECK(fixed(std::numeric_limits<double>::infinity(), 2) == "n/a");
}

TEST_CASE("grouped puts commas between thousands", "[report][format]") {
    CHECK(grouped(0, 0) == "0");
    CHECK(grouped(999, 0) == "999");
    CHECK(grouped(1000, 0) == "1,000");
    CHECK(grouped(1234567.891, 2) == "1,234,567.89");
    CHECK(grouped(-1234567, 0) == "-1,234,567");
    CHECK(grouped(100000, 1) == "100,000.0");
    CHECK(grouped(-999.96, 1) == "-1,000.0");  // rounding carries into a new group
}
