// CSV reading and writing (io/csv.hpp), which the survey readers are built on.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

using namespace bluecarbon;

TEST_CASE("CSV: quoted fields, embedded commas, quotes and line breaks, CRLF, BOM", "[csv]") {
    const std::string text = "\xEF\xBB\xBF"
                             "plot_id,tree_id,species,note\r\n"
                             "P1,1,\"Kandelia obovata\",plain\r\n"
                             "P1,2,\"Avicennia, marina\",\"said \"\"hi\"\"\"\r\n"
                             "P2,3,Rhizophora stylosa,\"two\nlines\"\r\n"
                             "\r\n"
                             ",,,\r\n"
                             "  P3 , 4 ,  Bruguiera  ,x\r\n";
    const auto t = parse_csv(text, "trees.csv");
    REQUIRE(t.header() == std::vector<std::string>{"plot_id", "tree_id", "species", "note"});
    REQUIRE(t.size() == 4);
    CHECK(t.field(0, 2) == "Kandelia obovata");
    CHECK(t.field(1, 2) == "Avicennia, marina");
    CHECK(t.field(1, 3) == "said \"hi\"");
    CHECK(t.field(2, 3) == "two\nlines");
    // Unquoted fields are trimmed.
    CHECK(t.field(3, 0) == "P3");
    CHECK(t.field(3, 2) == "Bruguiera");
    // Line numbers are those of the row's first line; the embedded line break and the skipped blank rows count.
    CHECK(t.rows()[0].line == 2);
    CHECK(t.rows()[1].line == 3);
    CHECK(t.rows()[2].line == 4);
    CHECK(t.rows()[3].line == 8);
}

TEST_CASE("CSV: columns by name in any order, case-insensitive, extra columns kept", "[csv]") {
    const auto t = parse_csv("DBH_cm,extra,plot_id\n12.5,keep me,P1\n", "t.csv");
    CHECK(t.find_column("dbh_cm") == 0);
    CHECK(t.find_column("plot_id") == 2);
    CHECK_FALSE(t.find_column("height_m"));
    CHECK(t.field(0, *t.find_column("extra")) == "keep me");
    CHECK_THROWS_WITH(t.require_column("tree_id"),
                      Catch::Matchers::Contains("t.csv: missing column 'tree_id'") &&
                          Catch::Matchers::Contains("DBH_cm, extra, plot_id"));
    CHECK(std::string(t.error(0, 0, "bad").what()) == "t.csv:2: column 'DBH_cm': bad");
}

TEST_CASE("CSV: malformed input names file and line", "[csv]") {
    CHECK_THROWS_AS(parse_csv("", "e.csv"), InputError);
    CHECK_THROWS_WITH(parse_csv("a,b\n1,2\n3\n", "e.csv"),
                      Catch::Matchers::Contains("e.csv:3: expected 2 fields (as in the header), found 1"));
    CHECK_THROWS_WITH(parse_csv("a,b\n1,\"open\n2,3\n", "e.csv"),
                      Catch::Matchers::Contains("e.csv:2: quoted field is never closed"));
    CHECK_THROWS_WITH(parse_csv("a,b\n1,\"x\"y\n", "e.csv"), Catch::Matchers::Contains("e.csv:2: unexpected text"));
    CHECK_THROWS_WITH(parse_csv("a,b\n1,x\"y\n", "e.csv"), Catch::Matchers::Contains("e.csv:2: a quote inside"));
    CHECK_THROWS_WITH(parse_csv("a,A\n1,2\n", "e.csv"), Catch::Matchers::Contains("appears twice"));
    CHECK_THROWS_WITH(parse_csv("a,,b\n1,2,3\n", "e.csv"), Catch::Matchers::Contains("column 2 has no name"));
    CHECK_THROWS_WITH(read_csv("/nonexistent/dir/x.csv"), Catch::Matchers::Contains("/nonexistent/dir/x.csv"));
}

TEST_CASE("CSV: comment lines before the header are skipped and line numbers kept", "[csv]") {
    // Two comment lines (one with a comma and a lone quote, one CRLF), then the header on line 3, a row on line 4.
    const auto t = parse_csv("# what the columns mean, \"as plots.csv says\n# second line\r\na,b\n1,2\n", "c.csv");
    REQUIRE(t.header() == std::vector<std::string>{"a", "b"});
    REQUIRE(t.size() == 1);
    CHECK(t.rows()[0].line == 4);
    CHECK(t.field(0, 1) == "2");
    // After a BOM too; a '#' after the header is data, as before.
    const auto b = parse_csv("\xEF\xBB\xBF# c\nx\n#1\n", "b.csv");
    REQUIRE(b.size() == 1);
    CHECK(b.field(0, 0) == "#1");
    CHECK(b.rows()[0].line == 3);
}

TEST_CASE("CSV: numbers and missing values", "[csv]") {
    CHECK(parse_number("12.5") == 12.5);
    CHECK(parse_number(" -3e2 ") == -300.0);
    CHECK(parse_number("+4") == 4.0);
    CHECK_FALSE(parse_number(""));
    CHECK_FALSE(parse_number("12,5"));
    CHECK_FALSE(parse_number("12.5cm"));
    CHECK_FALSE(parse_number("inf"));
    CHECK_FALSE(parse_number("nan"));
    CHECK_FALSE(parse_number("+-1"));
    CHECK(is_missing_field(""));
    CHECK(is_missing_field(" NA "));
    CHECK(is_missing_field("nan"));
    CHECK_FALSE(is_missing_field("0"));
}

TEST_CASE("CSV: writer quotes as needed and round-trips through the reader", "[csv]") {
    CsvWriter w({"id", "text", "value"});
    w.add_row({"a", "plain", format_number(0.1)});
    w.add_row({"b", "with, comma", format_number(123.456)});
    w.add_row({"c", "with \"quote\"", format_number(std::numeric_limits<double>::quiet_NaN())});
    w.add_row({"d", "line\nbreak", format_fixed(2.0 / 3.0, 3)});
    CHECK_THROWS_AS(w.add_row({"too", "short"}), std::invalid_argument);
    const std::string s = w.str();
    CHECK(s == "id,text,value\na,plain,0.1\nb,\"with, comma\",123.456\nc,\"with \"\"quote\"\"\",\nd,\"line\nbreak\","
               "0.667\n");
    const auto t = parse_csv(s, "w");
    REQUIRE(t.size() == 4);
    CHECK(t.field(1, 1) == "with, comma");
    CHECK(t.field(2, 1) == "with \"quote\"");
    CHECK(t.field(3, 1) == "line\nbreak");
    CHECK(format_fixed(-0.0001, 2) == "0.00");
    // Shortest round trip: the text reads back as exactly the same double.
    const double x = 1.0 / 3.0;
    CHECK(parse_number(format_number(x)) == x);
}

TEST_CASE("CSV: atomic write leaves only the final file", "[csv]") {
    test::TempDir dir("bluecarbon-csv");
    const auto path = dir / "out.csv";
    write_file_atomic(path, "a,b\n1,2\n");
    write_file_atomic(path, "a,b\n3,4\n");
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == "a,b\n3,4\n");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 1);
    CHECK_THROWS_AS(write_file_atomic(dir / "missing" / "x.csv", "x"), IoError);
}
