#pragma once
/// Readers for InVEST's own inputs, so agencies run their InVEST Coastal Blue Carbon (3.x) and Carbon storage
/// inputs unchanged: the argument file (a JSON object of the keys, or an InVEST parameter set / datastack with
/// them under "args"), the landcover snapshot CSV, the biophysical table, the transition matrix, the price table
/// and the carbon pools table. Errors are InputError/ConfigError naming the file, line and column, with InVEST's
/// wording where InVEST has one. Plain records out (no model code here): `pipeline` hands them to `accounting`.
///
/// Paths inside an argument file or the snapshot CSV that are relative are taken relative to the folder of the
/// file that names them (InVEST does so for both). Percentages stay as InVEST gives them (5 means 5 %).
#include <bluecarbon/error.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon {

/// InVEST Coastal Blue Carbon arguments (keys as InVEST names them).
struct InvestCbcArgs {
    std::filesystem::path source;  ///< the argument file
    std::filesystem::path workspace_dir;
    std::string results_suffix;
    std::filesystem::path landcover_snapshot_csv;
    std::filesystem::path biophysical_table_path;
    std::filesystem::path landcover_transitions_table;
    std::optional<int> analysis_year;
    bool do_economic_analysis{false};
    bool use_price_table{false};
    std::optional<double> price;
    std::optional<double> inflation_rate_pct;
    std::optional<std::filesystem::path> price_table_path;
    std::optional<double> discount_rate_pct;
};

/// Reads a CBC argument file. Requires workspace_dir, landcover_snapshot_csv, biophysical_table_path and
/// landcover_transitions_table; with do_economic_analysis also discount_rate and either use_price_table +
/// price_table_path or price + inflation_rate. Throws ConfigError "<file>: <key>: ..." otherwise.
[[nodiscard]] InvestCbcArgs read_invest_cbc_args(const std::filesystem::path& path);

/// InVEST Carbon storage arguments.
struct InvestCarbonArgs {
    std::filesystem::path source;
    std::filesystem::path workspace_dir;
    std::string results_suffix;
    std::filesystem::path lulc_bas_path;
    std::optional<std::filesystem::path> lulc_alt_path;  ///< set when calc_sequestration
    std::filesystem::path carbon_pools_path;
    bool calc_sequestration{false};
    bool do_valuation{false};
    std::optional<double> price_per_metric_ton_of_c;
    std::optional<double> discount_rate_pct;
    std::optional<double> rate_change_pct;
    std::optional<int> lulc_bas_year;
    std::optional<int> lulc_alt_year;
};

/// Reads a Carbon argument file (same rules; do_valuation requires calc_sequestration, the two years with the
/// alternate year after the baseline year, the price and both rates).
[[nodiscard]] InvestCarbonArgs read_invest_carbon_args(const std::filesystem::path& path);

/// One landcover snapshot.
struct InvestSnapshot {
    int year{0};
    std::filesystem::path raster;
};

/// Reads `snapshot_year, raster_path` (any order of rows and columns, header case-insensitive); returns the
/// snapshots sorted by year. Throws InputError for a repeated year or a non-integer year.
[[nodiscard]] std::vector<InvestSnapshot> read_invest_snapshots(const std::filesystem::path& path);

/// The analysis year of a CBC run: the argument's, which must be after the latest snapshot; without one, a run
/// with a single snapshot is refused (there is no period to account). Throws ConfigError with InVEST's wording.
[[nodiscard]] int invest_cbc_analysis_year(const InvestCbcArgs& args, const std::vector<InvestSnapshot>& snapshots);

/// One row of the CBC biophysical table.
struct InvestBiophysicalRow {
    std::int64_t lucode{0};
    std::string lulc_class;
    double biomass_initial{0}, soil_initial{0}, litter_initial{0};
    double biomass_half_life{0};
    double biomass_low_impact_disturb{0}, biomass_med_impact_disturb{0}, biomass_high_impact_disturb{0};
    double biomass_yearly_accumulation{0};
    double soil_half_life{0};
    double soil_low_impact_disturb{0}, soil_med_impact_disturb{0}, soil_high_impact_disturb{0};
    double soil_yearly_accumulation{0};
    double litter_yearly_accumulation{0};
    std::size_t line{0};
};

/// Reads the biophysical table (`lucode` — or `code`, as InVEST ≥ 3.12 names it — `lulc-class` and the 15
/// numeric columns). Throws InputError for a missing column, a non-numeric cell, a repeated lucode, or
/// repeated class names (InVEST: "All values in `lulc-class` column must be unique").
[[nodiscard]] std::vector<InvestBiophysicalRow> read_invest_biophysical_table(const std::filesystem::path& path);

/// One non-empty cell of the transition matrix. `keyword` is one of accum, NCC, low-impact-disturb,
/// med-impact-disturb, high-impact-disturb (NCC and empty cells mean no carbon change).
struct InvestTransitionCell {
    std::int64_t from_lucode{0};
    std::int64_t to_lucode{0};
    std::string keyword;
};

/// Reads the transition matrix: first column `lulc-class` (the class left), one column per class (the class
/// entered), class names matched to the biophysical table case-insensitively. Like InVEST, reading stops at the
/// first blank line (the template's legend follows one). Throws InputError naming file, line and column for a
/// class not in the table or an unknown keyword; `disturb` (the preprocessor's placeholder) is refused with a
/// hint to choose its impact level.
[[nodiscard]] std::vector<InvestTransitionCell> read_invest_transition_matrix(
    const std::filesystem::path& path, const std::vector<InvestBiophysicalRow>& classes);

/// Reads `year, price`. Throws InputError for a repeated year or a bad number.
[[nodiscard]] std::map<int, double> read_invest_price_table(const std::filesystem::path& path);

/// The prices for every year from `first_year` to `last_year` from a table; throws InputError naming the file
/// and the first missing year (InVEST needs every year).
[[nodiscard]] std::vector<double> invest_prices_for_years(const std::map<int, double>& table,
                                                          const std::filesystem::path& source, int first_year,
                                                          int last_year);

/// One row of the Carbon model's pools table (Mg C/ha).
struct InvestCarbonPoolRow {
    std::int64_t lucode{0};
    double c_above{0}, c_below{0}, c_soil{0}, c_dead{0};
};

/// Reads `lucode, c_above, c_below, c_soil, c_dead` (header case-insensitive; other columns ignored).
[[nodiscard]] std::vector<InvestCarbonPoolRow> read_invest_carbon_pools(const std::filesystem::path& path);

}  // namespace bluecarbon
