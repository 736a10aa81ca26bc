#pragma once
/// An owner's carbon-asset statement (`bluecarbon statement`) is signed like a certificate: the same file layout
/// ({"certificate": <statement>, "signature": ...}, canonical), told apart by its `kind`. These are the members a
/// statement must hold for `bluecarbon verify` to accept it.
#include <nlohmann/json.hpp>

#include <string_view>

namespace bluecarbon::certify {

inline constexpr std::string_view k_statement_kind = "carbon-asset statement";

/// True when the signed member says it is a statement (`"kind": "carbon-asset statement"`).
[[nodiscard]] bool is_statement(const nlohmann::json& signed_member);

/// Checks a statement's members: kind, owner, date (YYYY-MM-DD), parcels, area_ha, stock_total_mg_c (mean,
/// ci90_low <= mean <= ci90_high), annual_removal_t_co2e, credits_by_vintage (per vintage: issued, held,
/// transferred, retired, cancelled, bought, whole and not negative), held_t_co2e, and valuation when present.
/// Throws InputError naming the member at fault ("statement.credits_by_vintage.2024.held: ...").
void check_statement(const nlohmann::json& statement);

}  // namespace bluecarbon::certify
