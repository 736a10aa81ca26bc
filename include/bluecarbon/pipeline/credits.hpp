#pragma once
/// `bluecarbon credits project.toml`: credits per parcel and vintage from the project's dated habitat maps
/// ([credits] snapshots), a baseline and a project scenario, and a crediting profile (VM0033 v2.1 or
/// CCER-14-002-V01, versioned tables in data/profiles). Writes credits.csv (one row per parcel and vintage, the
/// columns of accounting::k_credit_columns) into the project's output folder, adds per-parcel totals to
/// parcels.gpkg there, and returns a per-project summary (to_json). See README "Credits" for how each number
/// follows.
#include <bluecarbon/accounting/credits.hpp>
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

/// One parcel's totals over every vintage (the columns added to parcels.gpkg).
struct CreditsParcelTotal {
    std::string parcel_id;
    std::string habitat_before;  ///< largest habitat of the first snapshot
    std::string habitat_project; ///< largest habitat of the last snapshot
    double area_ha{0};           ///< mapped area (cells with a habitat in every map)
    double unmapped_ha{0};       ///< area of cells without a habitat in some map (not credited)
    double ner_t_co2e{0};
    double adjusted_ner_t_co2e{0};
    double buffer_t_co2e{0};
    std::int64_t credits_t_co2e{0};
    double carried_t_co2e{0}; ///< after the last vintage
    double value{0};
    std::string excluded_reason;
};

struct CreditsResult {
    std::string profile; ///< "VM0033", "CCER-14-002-V01"
    std::string profile_version;
    std::string profile_table; ///< file name of the profile table
    std::string tier1_version;
    std::string currency;
    int start_year{0}, end_year{0};
    std::vector<int> snapshot_years;
    double buffer_percent{0};
    double discount_rate_pct{0};
    Grid grid;
    std::size_t tiles{0};
    int threads{1};
    std::vector<accounting::CreditRow> rows; ///< credits.csv, parcel order then vintage order
    std::vector<CreditsParcelTotal> parcels; ///< input order
    std::int64_t credits_t_co2e{0};
    double buffer_t_co2e{0};
    double value{0};
    double npv{0}; ///< Σ value / (1 + d)^(vintage end − start_year)
    std::size_t parcels_credited{0}, parcels_excluded{0};
    std::filesystem::path output_dir, credits_csv, parcels_gpkg;
    bool parcels_gpkg_created{false}; ///< no parcels.gpkg existed: one was written with the credit columns only
    std::vector<std::string> warnings;
    double wall_seconds{0};
    double peak_rss_mb{0};
};

/// Runs the credits step of `cfg` (needs [credits] and [parcels] path). Every input is read and checked before
/// any output exists (ConfigError naming the key for a buffer below the profile's minimum, a bad price or
/// precision table; InputError for unreadable maps or parcels, or class codes [habitat.classes] does not map);
/// credits.csv and parcels.gpkg are published together. Results are identical for any thread count and tile size.
[[nodiscard]] CreditsResult run_credits(const config::ProjectConfig& cfg, const RunContext& ctx = {});

[[nodiscard]] std::string to_json(const CreditsResult& r);
[[nodiscard]] std::string summary_text(const CreditsResult& r);

} // namespace bluecarbon::pipeline
