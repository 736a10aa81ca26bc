#pragma once
/// SOURCE_DATE_EPOCH (reproducible-builds.org): a time, in seconds since 1970-01-01 UTC, that outputs are stamped
/// with instead of the clock's, so that two runs write the same bytes (report dates, certificates' assessment
/// date, GeoPackages' last_change).
#include <cstdint>
#include <optional>
#include <string>

namespace bluecarbon {

/// The largest epoch accepted: 9999-12-31 23:59:59 UTC.
inline constexpr std::int64_t k_max_source_date_epoch = 253402300799;

/// `text` (the variable's value; null when it is unset) as seconds. Throws ConfigError naming SOURCE_DATE_EPOCH
/// unless it is a whole number of seconds from 0 to k_max_source_date_epoch, in plain digits.
[[nodiscard]] std::optional<std::int64_t> parse_source_date_epoch(const char* text);

/// The environment's SOURCE_DATE_EPOCH, parsed as above.
[[nodiscard]] std::optional<std::int64_t> source_date_epoch();

/// `unix_s` as ISO 8601 in UTC with milliseconds, "2026-01-01T00:00:00.000Z" (GeoPackage's timestamp form).
[[nodiscard]] std::string iso8601_utc_ms(std::int64_t unix_s);

}  // namespace bluecarbon
