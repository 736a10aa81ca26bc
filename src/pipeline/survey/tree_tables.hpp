#pragma once
// Private to run_tree_survey: trees.csv and plots.csv, the input columns passed through, then the computed ones.
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::survey {

/// trees.csv for the `trees` (rows of `table` that passed QA) and their results; `wood_density` names the table.
[[nodiscard]] std::string trees_csv(const CsvTable& table, const std::vector<science::survey::TreeRecord>& trees,
                                    const science::survey::TreeSurveyResult& result,
                                    const std::filesystem::path& wood_density);
/// plots.csv for the `plots` (rows of `table` that passed QA) and their results.
[[nodiscard]] std::string plots_csv(const CsvTable& table, const std::vector<science::survey::PlotRecord>& plots,
                                    const science::survey::TreeSurveyResult& result);

}  // namespace bluecarbon::pipeline::survey
