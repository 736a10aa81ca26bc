#pragma once
// Survey tables (CSV) → science::survey records: the trees, plots and cores files of issue 6, and the shipped
// parameter tables (data/allometry.csv, data/wood_density/gwdd.csv, a regional height table).
//
// Data rows whose fields cannot be read become QA issues (rules not_a_number, missing_value, bad_value) so that
// --drop-invalid can drop them like implausible rows; problems with a whole file (a missing required column,
// both oc_percent and oc_fraction) and any bad row of a parameter table throw InputError naming file, line and
// column.
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/science/survey/allometry.hpp>
#include <bluecarbon/science/survey/height_model.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>
#include <bluecarbon/science/survey/qa.hpp>
#include <bluecarbon/science/survey/soil_cores.hpp>
#include <bluecarbon/science/survey/wood_density.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace bluecarbon {

// Issues from reading a table refer to no record (the row never became one).
inline constexpr std::size_t k_no_record = std::numeric_limits<std::size_t>::max();

struct ParsedTrees {
    std::vector<science::survey::TreeRecord> records;
    std::vector<science::survey::QaIssue> issues;
};
struct ParsedPlots {
    std::vector<science::survey::PlotRecord> records;
    std::vector<science::survey::QaIssue> issues;
};
struct ParsedCores {
    std::vector<science::survey::CoreSample> records;
    std::vector<science::survey::QaIssue> issues;
    std::string oc_column;  // "oc_percent" or "oc_fraction", as the file declared
};

// Required: plot_id, tree_id, species, dbh_cm. Optional: height_m, wood_density_g_cm3, status (live|dead),
// stem_id, family.
[[nodiscard]] ParsedTrees parse_trees(const CsvTable& table);
// Required: plot_id, area_m2. Optional: lon, lat, chave_e, habitat, nested, climate, height_region.
[[nodiscard]] ParsedPlots parse_plots(const CsvTable& table);
// Required: core_id, min_depth_cm, max_depth_cm, bulk_density_g_cm3, and one of oc_percent / oc_fraction or
// loi_percent (converted where OC is empty, by the row's habitat: soil_cores.hpp). Optional: compaction_percent,
// age_yr, habitat (lon, lat and any other column pass through untouched).
[[nodiscard]] ParsedCores parse_cores(const CsvTable& table);

// `survey cores`' output cores.csv for [stock] soc_from_cores: core_id, target_depth_cm, stock_mg_c_ha,
// stock_se_mg_c_ha, habitat. Throws InputError naming file, line and column for a field that is not a number.
[[nodiscard]] std::vector<science::survey::CoreStock> parse_core_stocks(const CsvTable& table);

// name, species, genus, component, form, a, b, c, [d, e,] rse, units, source.
[[nodiscard]] science::survey::AllometryTable load_allometry(const CsvTable& table);
// family, genus, species, wd[, region] (the GWDD layout).
[[nodiscard]] science::survey::WoodDensityDatabase load_wood_density(const CsvTable& table);
// region, a, b, c, rse[, source].
[[nodiscard]] std::vector<science::survey::WeibullHeightCurve> load_height_curves(const CsvTable& table);

// The shipped data/allometry.csv with `extra` tables in front (their rows win species/genus ties). Equation
// names must be unique across tables (InputError naming the table otherwise).
[[nodiscard]] science::survey::AllometryTable load_allometry_tables(const std::vector<CsvTable>& extra);

// "<source>:<line>: column '<column>': <message>" for an issue of `table`.
[[nodiscard]] std::string format_issue(const CsvTable& table, const science::survey::QaIssue& issue);

}  // namespace bluecarbon
