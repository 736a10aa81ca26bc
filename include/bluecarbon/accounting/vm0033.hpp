#pragma once
/// VM0033 v2.1 (tidal wetland and seagrass restoration) as a crediting profile: its parameters from the versioned
/// table data/profiles/vm0033_v2.1.csv and the default chain per parcel and vintage (SCIENCE.md §7):
///   1. NER = baseline − project + FRP − leakage (each scenario's net emissions over the vintage, removals < 0).
///   2. U = √(Σ h_i²) / |NER|, the h_i being the 90 % CI half-widths (t CO2e) of the pools and strata (root-sum-
///      square); if U > 20 %: adjusted NER = NER × (1 − U + 0.20), else NER. A net emission (NER ≤ 0) is not
///      reduced (conservative).
///   3. buffer = (the stock-change part of NER, adjusted by the same factor) × the project's non-permanence risk %,
///      which must be at least 10 %; no buffer on a stock loss.
///   4. credits = ⌊adjusted NER − buffer + carried⌋ whole t CO2e, the remainder carried to the next vintage.
/// Vintage rows hold the vintage's own (Δ) amounts, so the "Δ adjusted NER" of the methodology is the row's
/// adjusted NER.
#include <bluecarbon/accounting/credits.hpp>

#include <span>
#include <string>
#include <vector>

namespace bluecarbon::accounting {

struct Vm0033Profile {
    std::string version;
    double allowable_uncertainty{0.20};  ///< fraction
    double minimum_buffer_pct{10};
    double default_soil_rate_t_c_per_ha_yr{1.46};
    double cover_zero_below{0.15};  ///< fraction
    double cover_full_at{0.50};     ///< fraction
    double co2_per_c{44.0 / 12.0};
    std::vector<std::string> project_habitats;

    /// From the profile table's values; ConfigError when the table is not VM0033's or lacks a parameter.
    [[nodiscard]] static Vm0033Profile from_values(const ProfileValues& values);
};

/// VM0033's default soil organic carbon accumulation (t C/ha/yr) at a vegetation cover (fraction 0–1): 0 below
/// 15 %, rising linearly to the full 1.46 at 50 % and above.
[[nodiscard]] double vm0033_default_soil_rate(const Vm0033Profile& profile, double cover_fraction);

/// U as a fraction: √(Σ h²) / |estimate| (0 when there is no half-width; +inf when the estimate is 0 but not h).
[[nodiscard]] double root_sum_square_uncertainty(std::span<const double> half_widths, double estimate);

struct Vm0033Vintage {
    VintageYears years;
    double baseline_t_co2e{0};
    double project_t_co2e{0};
    double leakage_t_co2e{0};
    double frp_t_co2e{0};           ///< fire reduction premium (0 unless the project claims one)
    double stock_change_t_co2e{0};  ///< the part of baseline − project that is carbon stock change
    std::vector<double> ci90_half_widths_t_co2e;  ///< per pool and stratum
    double price_per_t_co2e{0};
};

/// The rows of one parcel, one per vintage. A parcel whose project habitat the profile does not cover gets rows
/// with the reason and no credits. Throws ConfigError for bad vintages or a buffer below 10 %.
[[nodiscard]] std::vector<CreditRow> vm0033_credits(const Vm0033Profile& profile, const CreditParcel& parcel,
                                                    const std::vector<Vm0033Vintage>& vintages);

}  // namespace bluecarbon::accounting
