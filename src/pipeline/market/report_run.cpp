// run_report: the project's report.html and report/ folder, published together.
#include <bluecarbon/pipeline/report.hpp>

#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/report/html_report.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>

namespace bluecarbon::pipeline {

ReportResult run_report(const config::ProjectConfig& cfg, const RunContext&) {
    report::ReportData data = project_report_data(cfg);
    // The date is the run's unless SOURCE_DATE_EPOCH pins it (reproducible reports).
    data.generated_unix_s = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
    ensure_writable_dir(cfg.output_dir);
    OutputTransaction tx;
    const auto paths = report::write_report(data, cfg.output_dir, &tx);
    tx.commit();
    report::prune_report_folder(cfg.output_dir, paths);
    ReportResult r;
    r.html = paths.html;
    r.assets = paths.assets;
    r.maps = data.maps.size();
    r.parcels = data.parcels.size();
    r.lots = data.lots.size();
    return r;
}

std::string to_json(const ReportResult& r) {
    std::vector<std::string> assets;
    for (const auto& a : r.assets) assets.push_back(a.string());
    std::vector<std::string> outputs{r.html.string()};
    outputs.insert(outputs.end(), assets.begin(), assets.end());
    return nlohmann::json{{"command", "report"}, {"bluecarbon_version", k_version}, {"outputs", outputs},
                          {"html", r.html.string()}, {"assets", assets}, {"maps", r.maps}, {"parcels", r.parcels},
                          {"lots", r.lots}}
        .dump(2);
}

std::string summary_text(const ReportResult& r) {
    return fmt::format("report: {} maps, {} parcels, {} lots -> {}\n", r.maps, r.parcels, r.lots, r.html.string());
}

}  // namespace bluecarbon::pipeline
