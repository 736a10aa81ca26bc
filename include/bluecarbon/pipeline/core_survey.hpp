#pragma once
/// `bluecarbon survey cores`: soil cores -> <out>/cores.csv (organic carbon stock of the whole core and to the
/// target depth, sequestration rate of dated cores, Monte Carlo), and qa.csv with `drop_invalid`.
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/survey/soil_cores.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct CoreSurveyRequest {
    std::filesystem::path cores, out;
    science::survey::CoreOptions options;  ///< target depth, time frame, Monte Carlo (draws, seed, lab errors)
    bool drop_invalid{false};
};

struct CoreSurveyResult {
    std::vector<science::survey::CoreResult> cores;
    std::size_t samples{0};  ///< sample rows used
    std::size_t dropped_rows{0};
    std::vector<std::filesystem::path> outputs;
    double target_depth_cm{0};
    std::size_t mc_draws{0};   ///< Monte-Carlo draws run (0: none)
    std::uint64_t mc_seed{0};  ///< and their seed
    std::string json;  ///< what --json prints
};

/// Throws RequestError for a target depth or time frame <= 0 ("target depth: must be > 0 (got 0)") or a missing
/// cores file, InputError naming file, line and column for a bad row (unless drop_invalid).
[[nodiscard]] CoreSurveyResult run_core_survey(const CoreSurveyRequest& request, const RunContext& ctx = {});

[[nodiscard]] inline const std::string& to_json(const CoreSurveyResult& r) { return r.json; }
/// The human summary: a line for the run, a table of cores, the files written.
[[nodiscard]] std::string summary_text(const CoreSurveyResult& r);

}  // namespace bluecarbon::pipeline
