#pragma once
/// Text for the report's HTML and SVG: escaping and locale-independent number formatting (the same digits on
/// every machine, so the page is byte-identical for the same inputs).
#include <string>
#include <string_view>

namespace bluecarbon::report {

/// Escapes &, <, >, " and ' for HTML/XML text and attribute values.
[[nodiscard]] std::string xml_escape(std::string_view text);

/// Fixed-point with `decimals` digits and no grouping ("1234.50"); "n/a" for NaN or infinity. -0 prints as 0.
[[nodiscard]] std::string fixed(double value, int decimals);

/// Fixed-point with thousands grouped by commas ("12,345.6"); "n/a" for NaN or infinity.
[[nodiscard]] std::string grouped(double value, int decimals);

}  // namespace bluecarbon::report
