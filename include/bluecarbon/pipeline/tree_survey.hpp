#pragma once
/// `bluecarbon survey trees`: tree plots -> <out>/trees.csv (per stem) and <out>/plots.csv (per plot: AGB, BGB
/// and carbon in Mg/ha with Monte-Carlo uncertainty), and qa.csv with `drop_invalid`; all published together.
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct TreeSurveyRequest {
    std::filesystem::path trees, plots, out;
    science::survey::TreeSurveyOptions options;    ///< equations, BGB and dead-tree rules, defaults, Monte Carlo
    std::vector<std::filesystem::path> allometry;  ///< extra tables in front of the shipped data/allometry.csv
    std::filesystem::path wood_density;            ///< empty: the shipped Global Wood Density Database
    std::filesystem::path height_table;            ///< regional height curves; empty: data/height_regions.csv
    bool drop_invalid{false};                      ///< drop bad rows into qa.csv instead of stopping
};

struct TreeSurveyResult {
    science::survey::TreeSurveyResult survey;  ///< per stem and per plot (rows that passed QA)
    std::filesystem::path wood_density;        ///< the table used
    std::size_t dropped_rows{0};
    std::vector<std::string> notices;  ///< species that fell back to their genus (wood density or equation)
    std::vector<std::filesystem::path> outputs;
    std::size_t mc_draws{0};   ///< Monte-Carlo draws run (0: none)
    std::uint64_t mc_seed{0};  ///< and their seed
    std::string json;  ///< what --json prints
};

/// Throws InputError naming file, line and column for the first bad row (unless drop_invalid), RequestError for a
/// missing input file ("trees: <path>: no such file"); nothing is written then.
[[nodiscard]] TreeSurveyResult run_tree_survey(const TreeSurveyRequest& request, const RunContext& ctx = {});

[[nodiscard]] inline const std::string& to_json(const TreeSurveyResult& r) { return r.json; }
/// The human summary: a line for the run, a table of plots, the files written.
[[nodiscard]] std::string summary_text(const TreeSurveyResult& r);

}  // namespace bluecarbon::pipeline
