#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

using bluecarbon::InputError;
using namespace bluecarbon::certify;
using nlohmann::json;

// RFC 8785 §3.2.2: the sample input (escapes, numbers, literals) and its published canonical output.
TEST_CASE("canonical JSON of RFC 8785 section 3.2.2's example", "[canonical_json]") {
    const auto input = json::parse(R"({
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    })");
    const std::string expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,"
                                 "1e-27],\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    CHECK(canonical_json(input) == expected);
    CHECK(is_canonical_json(expected));
    CHECK_FALSE(is_canonical_json(input.dump(2)));
}

// RFC 8785 §3.2.3: member names sort by UTF-16 code units, so U+1F600 (surrogates D83D DE00) sorts before U+FB33
// although its UTF-8 bytes (F0 ...) sort after (EF ...).
TEST_CASE("canonical JSON sorts member names by UTF-16 code units (RFC 8785 section 3.2.3)", "[canonical_json]") {
    const auto input = json::parse(R"({
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    })");
    const std::string expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
                                 "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
                                 "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
                                 "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}";
    CHECK(canonical_json(input) == expected);
}

// RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript serialisations.
TEST_CASE("numbers serialise as RFC 8785 Appendix B lists", "[canonical_json]") {
    const auto [bits, text] = GENERATE(table<std::uint64_t, std::string>({
        {0x0000000000000000, "0"},
        {0x8000000000000000, "0"},
        {0x0000000000000001, "5e-324"},
        {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"},
        {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"},
        {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"},
        {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"},
        {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"},
        {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    }));
    CAPTURE(bits);
    CHECK(es_number(std::bit_cast<double>(bits)) == text);
    CHECK(canonical_json(json::array({std::bit_cast<double>(bits)})) == "[" + text + "]");
}

TEST_CASE("NaN and infinity (RFC 8785 Appendix B's last rows) are refused", "[canonical_json]") {
    CHECK_THROWS_AS(es_number(std::bit_cast<double>(std::uint64_t{0x7fffffffffffffff})), InputError);
    CHECK_THROWS_AS(es_number(std::bit_cast<double>(std::uint64_t{0x7ff0000000000000})), InputError);
    CHECK_THROWS_AS(canonical_json(json{{"x", std::numeric_limits<double>::quiet_NaN()}}), InputError);
}

// ECMAScript Number::toString's layout boundaries, worked from the spec's four cases (k digits, point position n).
TEST_CASE("number layout switches to exponent form below 1e-6 and from 1e21 up", "[canonical_json]") {
    CHECK(es_number(1e21) == "1e+21");             // n = 22 > 21
    CHECK(es_number(1e20) == "100000000000000000000");  // k = 1 <= n = 21
    CHECK(es_number(1e-6) == "0.000001");          // n = -5
    CHECK(es_number(1e-7) == "1e-7");              // n = -6
    CHECK(es_number(1.5e-7) == "1.5e-7");
    CHECK(es_number(123.456) == "123.456");
    CHECK(es_number(-0.5) == "-0.5");
    CHECK(es_number(100) == "100");
    CHECK(canonical_json(json(std::int64_t{-42})) == "-42");
    CHECK(canonical_json(json(std::uint64_t{9007199254740992ULL})) == "9007199254740992");
    CHECK_THROWS_AS(canonical_json(json(std::uint64_t{9007199254740993ULL})), InputError);
}

// Second method: for random finite doubles the text reads back (strtod) to the same bits and is never longer
// than %.17g's digits.
TEST_CASE("numbers round-trip for random bit patterns", "[canonical_json]") {
    std::mt19937_64 rng(8785);
    int checked = 0;
    for (int i = 0; i < 100000; ++i) {
        const double d = std::bit_cast<double>(rng());
        if (!std::isfinite(d)) continue;
        const std::string t = es_number(d);
        const double back = std::strtod(t.c_str(), nullptr);
        if (std::bit_cast<std::uint64_t>(back) != std::bit_cast<std::uint64_t>(d) && d != 0) FAIL(t);
        ++checked;
    }
    CHECK(checked > 99000);
}

TEST_CASE("strings escape controls only, and invalid UTF-8 is refused", "[canonical_json]") {
    CHECK(canonical_json(json(std::string("a\x01\x1f\x7f/\t"))) == "\"a\\u0001\\u001f\x7f/\\t\"");
    CHECK(canonical_json(json(std::string("\b\f"))) == "\"\\b\\f\"");
    CHECK_THROWS_AS(canonical_json(json(std::string("\xC3"))), InputError);          // truncated
    CHECK_THROWS_AS(canonical_json(json(std::string("\xC0\xAF"))), InputError);      // overlong '/'
    CHECK_THROWS_AS(canonical_json(json(std::string("\xED\xA0\x80"))), InputError);  // a lone surrogate
    CHECK(canonical_json(json::parse(R"({"b":[1,{"d":2,"c":3}],"a":{}})")) == R"({"a":{},"b":[1,{"c":3,"d":2}]})");
    CHECK_FALSE(is_canonical_json("{\"a\":1} "));
    CHECK_FALSE(is_canonical_json("{\"a\":1.0}"));
    CHECK_FALSE(is_canonical_json("not json"));
}
