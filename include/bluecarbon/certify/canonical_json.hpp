#pragma once
/// RFC 8785 JSON Canonicalization Scheme (JCS) over nlohmann-json values: object members sorted by their names'
/// UTF-16 code units, no whitespace, numbers as ECMAScript's Number.prototype.toString writes them (shortest
/// round-trip digits), strings escaped as ECMAScript's JSON.stringify does. Certificates are signed over these bytes
/// and written as exactly these bytes, so any other writer of the same value produces the same file.
#include <nlohmann/json.hpp>

#include <string>

namespace bluecarbon::certify {

/// The canonical form of `value`. Throws InputError for what RFC 8785 forbids: NaN or infinite numbers, integers
/// beyond ±2^53 (not exactly representable as IEEE-754 doubles), strings that are not valid UTF-8, binary values.
[[nodiscard]] std::string canonical_json(const nlohmann::json& value);

/// ECMAScript Number::toString of a finite double (RFC 8785 §3.2.2.3): "0" for ±0, shortest digits that read back
/// to the same double, exponent form ("1e+21", "5e-324") outside [1e-6, 1e21). Throws InputError for NaN/infinity.
[[nodiscard]] std::string es_number(double value);

/// Parses `text` and tells whether it is byte-for-byte its own canonical form (false for malformed JSON too).
[[nodiscard]] bool is_canonical_json(const std::string& text);

}  // namespace bluecarbon::certify
