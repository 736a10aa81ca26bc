// SOURCE_DATE_EPOCH: parsed one way for every output that carries a date, and GeoPackage's timestamp form.
#include <bluecarbon/core/source_date.hpp>
#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

using namespace bluecarbon;

TEST_CASE("SOURCE_DATE_EPOCH is a whole number of seconds up to the end of year 9999", "[core][source_date]") {
    CHECK_FALSE(parse_source_date_epoch(nullptr).has_value());  // unset
    CHECK(parse_source_date_epoch("0") == 0);
    CHECK(parse_source_date_epoch("1767225600") == 1767225600);
    CHECK(parse_source_date_epoch("253402300799") == k_max_source_date_epoch);
    for (const char* bad : {"", "abc", "12x", "-5", "+5", " 5", "5 ", "1.5", "1e9", "253402300800",
                            "99999999999999999999"}) {
        INFO("'" << bad << "'");
        CHECK_THROWS_AS(parse_source_date_epoch(bad), ConfigError);
        CHECK_THROWS_WITH(parse_source_date_epoch(bad),
                          Catch::StartsWith("SOURCE_DATE_EPOCH: not a whole number of seconds"));
    }
}

TEST_CASE("Epoch seconds in GeoPackage's ISO 8601 form", "[core][source_date]") {
    CHECK(iso8601_utc_ms(0) == "1970-01-01T00:00:00.000Z");
    // 1,767,225,600 s = 20,454 days of 86,400 s: 1970 + 56 years with 14 leap days (1972 ... 2024) = 2026-01-01.
    CHECK(iso8601_utc_ms(1767225600) == "2026-01-01T00:00:00.000Z");
    // 1,700,000,000 s = 19,675 days (2023-11-14) + 80,000 s (22:13:20).
    CHECK(iso8601_utc_ms(1700000000) == "2023-11-14T22:13:20.000Z");
    CHECK(iso8601_utc_ms(k_max_source_date_epoch) == "9999-12-31T23:59:59.000Z");
}
