#pragma once
/// Standard base64 (RFC 4648 §4, with padding) for keys and signatures in certificates.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::certify {

[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes);
/// Strict decoding: only the canonical encoding of some byte string is accepted (padding present, no whitespace,
/// unused trailing bits zero), so two different texts never decode to the same bytes. nullopt otherwise.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace bluecarbon::certify
