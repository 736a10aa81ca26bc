#pragma once
/// `bluecarbon run project.toml`: every step the project configures, in order — stock, surveys (when [survey]
/// names trees and plots, or cores), parcels, credits, certify, registry (issue the certificates when [registry]
/// is set), lots, report — then run.json in the output folder: the parameters, input hashes, tool and
/// GDAL/PROJ/GEOS versions, each step's status ("done" or "skipped" with the reason, e.g. the section it lacks)
/// and wall time, and the peak memory. A step whose section is absent is skipped, not failed, unless the user
/// asked for it (RunOptions::steps); the first step that fails stops the run (its outputs are not published;
/// earlier steps' are).
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct RunStep {
    std::string name;
    bool done{false};
    std::string note;  ///< what it produced, or why it was skipped
    double seconds{0};
};

struct RunResult {
    std::vector<RunStep> steps;
    double seconds{0};
    double peak_rss_mb{0};
    std::size_t parcels{0};
    double credits_t_co2e{0};
    std::size_t lots{0};
    std::filesystem::path report, run_json;
};

/// The steps `run` knows, in their order.
[[nodiscard]] const std::vector<std::string>& run_step_names();

/// Steps the user asked for (`run --steps`): only these run, and one whose section (or input) is missing is a
/// RequestError("steps", ...) naming it, raised before any step runs. Empty: every configured step.
struct RunOptions {
    std::vector<std::string> steps;
};

[[nodiscard]] RunResult run(const config::ProjectConfig& cfg, const RunContext& ctx = {});
[[nodiscard]] RunResult run(const config::ProjectConfig& cfg, const RunContext& ctx, const RunOptions& options);
[[nodiscard]] std::string to_json(const RunResult& r);
[[nodiscard]] std::string summary_text(const RunResult& r);

}  // namespace bluecarbon::pipeline
