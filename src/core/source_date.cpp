#include <bluecarbon/core/source_date.hpp>
#include <bluecarbon/error.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace bluecarbon {

std::optional<std::int64_t> parse_source_date_epoch(const char* text) {
    if (text == nullptr) return std::nullopt;
    const std::string_view s(text);
    std::int64_t epoch = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), epoch);
    // from_chars takes a leading '-' but no '+', spaces or fractions; negative values are refused below.
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || epoch < 0 || epoch > k_max_source_date_epoch)
        throw ConfigError("SOURCE_DATE_EPOCH: not a whole number of seconds since 1970-01-01 UTC: '" + std::string(s) +
                          "'");
    return epoch;
}

std::optional<std::int64_t> source_date_epoch() { return parse_source_date_epoch(std::getenv("SOURCE_DATE_EPOCH")); }

std::string iso8601_utc_ms(std::int64_t unix_s) {
    using namespace std::chrono;
    const sys_seconds t{seconds{unix_s}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

}  // namespace bluecarbon
