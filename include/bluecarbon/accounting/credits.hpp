#pragma once
/// Credit rows (one per parcel and vintage, the columns of credits.csv) and what every crediting profile shares:
/// its versioned parameters, the parcel it is applied to, vintage checks, and whole-tonne issuance with the
/// remainder carried forward. Plain C++ on numbers.
#include <bluecarbon/error.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace bluecarbon::accounting {

/// One row of credits.csv; the fields map 1:1, in order, to k_credit_columns.
/// `baseline_t_co2e` and `project_t_co2e` are each scenario's net emissions over the vintage (removals negative),
/// so ner = baseline − project − leakage (+ VM0033's fire reduction premium, 0 unless given).
struct CreditRow {
    std::string parcel_id;
    std::string profile;
    std::string profile_version;
    int vintage_start{0};
    int vintage_end{0};
    double baseline_t_co2e{0};
    double project_t_co2e{0};
    double leakage_t_co2e{0};
    double ner_t_co2e{0};
    double uncertainty_pct{0};
    double adjusted_ner_t_co2e{0};
    double buffer_t_co2e{0};
    std::int64_t credits_t_co2e{0};  ///< whole tonnes
    double carried_t_co2e{0};        ///< remainder carried to the next vintage
    double value{0};                 ///< credits × the vintage's price
    std::string excluded_reason;     ///< empty when credited
};

inline constexpr std::array<std::string_view, 16> k_credit_columns = {
    "parcel_id",       "profile",        "profile_version", "vintage_start",       "vintage_end",
    "baseline_t_co2e", "project_t_co2e", "leakage_t_co2e",  "ner_t_co2e",          "uncertainty_pct",
    "adjusted_ner_t_co2e", "buffer_t_co2e", "credits_t_co2e", "carried_t_co2e", "value", "excluded_reason"};

using CreditField = std::variant<std::string, std::int64_t, double>;
/// The row's fields in k_credit_columns order (integers for years and credits).
[[nodiscard]] std::array<CreditField, 16> credit_row_fields(const CreditRow& row);

/// A profile's parameter table as read from data/profiles (io's read_parameter_table gives the rows): name and
/// version, and (parameter, value) pairs; a parameter may repeat (a list).
struct ProfileValues {
    std::string profile;
    std::string version;
    std::vector<std::pair<std::string, std::string>> values;

    /// The single numeric value of `name`; ConfigError naming the profile when missing or not a number.
    [[nodiscard]] double number(std::string_view name) const;
    /// Every value of `name` (possibly none).
    [[nodiscard]] std::vector<std::string> list(std::string_view name) const;
};

/// The parcel a profile is applied to.
struct CreditParcel {
    std::string parcel_id;
    std::string habitat_before;   ///< habitat name before the project (SCIENCE.md habitat names)
    std::string habitat_project;  ///< habitat the project establishes or restores
    int project_start_year{0};
    double buffer_percent{0};     ///< the project's non-permanence risk / buffer, %
};

/// Years of one vintage, [start, end).
struct VintageYears {
    int start_year{0};
    int end_year{0};
};

/// Checks vintages in the given order: each ends after it starts, none starts before the project, and none
/// overlaps the one before (they must be in time order). Throws ConfigError naming the parcel and vintage.
void check_vintages(const CreditParcel& parcel, const std::vector<VintageYears>& vintages);

/// Whole-tonne issuance: available = amount + carried_in; credits = ⌊available⌋ when positive (a 1e-9 t allowance
/// absorbs floating-point noise), else 0; the rest is carried (negative when the vintage ran a deficit).
struct Issuance {
    std::int64_t credits{0};
    double carried{0};
};
[[nodiscard]] Issuance issue_whole_tonnes(double amount_t_co2e, double carried_in_t_co2e);

/// Buffer fraction from the project's percent; ConfigError when below the profile's minimum.
[[nodiscard]] double buffer_fraction(const CreditParcel& parcel, std::string_view profile, double minimum_pct);

/// An excluded row per vintage: zeros and the reason.
[[nodiscard]] std::vector<CreditRow> excluded_rows(const CreditParcel& parcel, const std::string& profile,
                                                   const std::string& version, const std::vector<VintageYears>& vintages,
                                                   const std::string& reason);

}  // namespace bluecarbon::accounting
