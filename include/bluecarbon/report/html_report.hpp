#pragma once
/// The report page: report.html plus report/*.png (maps) and report/*.svg (charts, also inlined in the page) in
/// one self-contained folder. No scripts, no external CSS, fonts or images: it opens offline from a USB stick.
/// Same ReportData (and date) → byte-identical files.
#include <bluecarbon/report/map_render.hpp>
#include <bluecarbon/report/report_data.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon {
class OutputTransaction;
}

namespace bluecarbon::report {

/// A file of the report, relative to the output folder (e.g. "report/habitat.png").
struct ReportFile {
    std::string relative_path;
    std::string bytes;
};

struct RenderedReport {
    std::string html;                 ///< report.html
    std::vector<ReportFile> assets;  ///< maps first (in ReportData order), then charts
};

/// The date to print: `given` unless SOURCE_DATE_EPOCH (its text, or null when unset) is set and earlier; the
/// epoch alone when nothing is given. Throws ConfigError naming SOURCE_DATE_EPOCH when it is not a whole number
/// of seconds.
[[nodiscard]] std::optional<std::int64_t> report_date(std::optional<std::int64_t> given,
                                                      const char* source_date_epoch);

/// "2025-06-01 08:30 UTC".
[[nodiscard]] std::string format_utc(std::int64_t unix_s);

/// Renders every file of the report in memory; `date` is printed when set (see report_date). Throws
/// InputError naming the map layer, habitat, vintage or parcel at fault.
[[nodiscard]] RenderedReport render_report(const ReportData& data, std::optional<std::int64_t> date,
                                           const MapOptions& options = {});

struct ReportPaths {
    std::filesystem::path html;
    std::vector<std::filesystem::path> assets;
};

/// Renders and writes `out_dir`/report.html and `out_dir`/report/ (the date from data.generated_unix_s and the
/// SOURCE_DATE_EPOCH environment variable). Every file goes under a temporary name and is renamed when all are
/// written, the page last, then maps and charts of an earlier report that this one lacks are removed; with a
/// `transaction`, the files are staged in it instead and appear on its commit (call prune_report_folder after).
ReportPaths write_report(const ReportData& data, const std::filesystem::path& out_dir,
                         OutputTransaction* transaction = nullptr, const MapOptions& options = {});

/// Removes the .png and .svg files of `out_dir`/report/ that `paths` does not list (e.g. the map of a layer no
/// longer configured), so the folder holds exactly one report. Hidden (temporary) files are left alone.
void prune_report_folder(const std::filesystem::path& out_dir, const ReportPaths& paths);

}  // namespace bluecarbon::report
