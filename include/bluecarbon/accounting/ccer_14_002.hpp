#pragma once
/// CCER-14-002-V01 (mangrove afforestation, China) as a crediting profile, parameters from
/// data/profiles/ccer_14_002_v01.csv:
///   - eligible parcels: bare tidal flat or retired pond before the project, mangrove in the project; others are
///     excluded with the reason;
///   - baseline carbon stock change 0; leakage 0;
///   - project removal = (Δ tree biomass C + Δ soil C) × 44/12 t CO2e (project net emissions = − removal);
///   - the precision rule at 90 % reliability: the sampling's relative precision selects a discount from a table
///     the project must supply (never guessed: no table, or a precision beyond its last row, is refused);
///     adjusted NER = NER × (1 − discount);
///   - an optional buffer (the profile sets a minimum of 0 %), then whole tonnes with the remainder carried.
#include <bluecarbon/accounting/credits.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::accounting {

struct Ccer14002Profile {
    std::string version;
    std::vector<std::string> eligible_before;
    std::vector<std::string> project_habitats;
    double co2_per_c{44.0 / 12.0};
    double minimum_buffer_pct{0};

    [[nodiscard]] static Ccer14002Profile from_values(const ProfileValues& values);
};

/// One row of the project's precision-discount table: a relative precision (90 % reliability) up to
/// `precision_up_to_pct` takes `discount_pct`. Rows must be in increasing precision order.
struct PrecisionDiscountRow {
    double precision_up_to_pct{0};
    double discount_pct{0};
};

/// The discount (fraction) for a relative precision (%), from the project's table. Throws ConfigError when the
/// table is missing or empty, unordered, or the precision is beyond its last row.
[[nodiscard]] double ccer_precision_discount(const std::optional<std::vector<PrecisionDiscountRow>>& table,
                                             double precision_pct, const std::string& parcel_id);

struct Ccer14002Vintage {
    VintageYears years;
    double tree_biomass_c_change_t{0};  ///< Δ tree biomass carbon over the vintage, t C
    double soil_c_change_t{0};          ///< Δ soil carbon over the vintage, t C
    double relative_precision_pct{0};   ///< the sampling's 90 % relative precision
    double price_per_t_co2e{0};
};

/// The rows of one parcel, one per vintage (excluded rows when the parcel is not eligible).
[[nodiscard]] std::vector<CreditRow> ccer_14_002_credits(
    const Ccer14002Profile& profile, const CreditParcel& parcel, const std::vector<Ccer14002Vintage>& vintages,
    const std::optional<std::vector<PrecisionDiscountRow>>& precision_table);

}  // namespace bluecarbon::accounting
