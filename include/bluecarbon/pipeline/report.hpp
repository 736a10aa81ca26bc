#pragma once
/// `run_report(project)`: report.html + report/*.png|svg in the project's output folder, from what the steps
/// wrote there: the stock rasters named by [report] layers (a map each; a layer named explicitly must exist),
/// parcels.gpkg (outlines, the parcel table), stock_summary.csv (stock by habitat), credits.csv (credits per
/// vintage and parcel), lots.csv (the auction notice), and the run's parameters and input hashes. A missing
/// optional file leaves its section saying so.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/report/report_data.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct ReportResult {
    std::filesystem::path html;
    std::vector<std::filesystem::path> assets;
    std::size_t maps{0}, parcels{0}, lots{0};
};

/// The run's parameters as the report and run.json list them.
[[nodiscard]] std::vector<report::Parameter> run_parameters(const config::ProjectConfig& cfg);
/// The project file and its raster inputs with their SHA-256.
[[nodiscard]] std::vector<report::InputHash> project_input_hashes(const config::ProjectConfig& cfg);

/// The ReportData of a project's outputs (for callers that render it themselves).
[[nodiscard]] report::ReportData project_report_data(const config::ProjectConfig& cfg);

[[nodiscard]] ReportResult run_report(const config::ProjectConfig& cfg, const RunContext& ctx = {});
[[nodiscard]] std::string to_json(const ReportResult& r);
[[nodiscard]] std::string summary_text(const ReportResult& r);

}  // namespace bluecarbon::pipeline
