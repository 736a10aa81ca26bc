// `bluecarbon sample`: the small sample project, or a large synthetic scene for benchmarks.
#include <bluecarbon/error.hpp>

#include "cli/cli_context.hpp"
#include "sample/sample_writer.hpp"
#include "sample/scene.hpp"
#include "sample/synthetic_parcels.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;

struct SampleOptions {
    fs::path out;
    bool synthetic{false};
    std::int64_t size{10000};
    bool size_given{false};
    std::int64_t parcels{0};  ///< 0: not given (the default count)
    CommonOptions common;
};

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void run_sample(const CliContext& ctx, const SampleOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    if (o.size_given && !o.synthetic)
        throw ConfigError("--size: only for --synthetic scenes (the sample is 600 x 600)");
    if (o.parcels > 0 && !o.synthetic) throw ConfigError("--parcels: only for --synthetic scenes");
    if (o.synthetic && o.size < 1)
        throw ConfigError("--size: the scene size must be a positive number of pixels, got " + std::to_string(o.size));
    const std::int64_t size = o.synthetic ? o.size : sample::k_sample_size;
    const auto progress = make_progress(ctx, o.common, o.synthetic ? "synthetic scene" : "sample",
                                        sample::scene_tile_count(size, o.common.tile));
    const sample::WriteOptions wo{o.common.threads, o.common.tile, progress.get(),
                                  o.parcels > 0 ? o.parcels : sample::k_synthetic_parcels};
    const sample::WriteSummary summary =
        o.synthetic ? sample::write_synthetic_scene(o.out, size, wo) : sample::write_sample_project(o.out, wo);
    progress->finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    if (o.common.json) {
        nlohmann::ordered_json j;
        j["command"] = "sample";
        j["kind"] = o.synthetic ? "synthetic" : "sample";
        j["out"] = o.out.string();
        j["width"] = summary.width;
        j["height"] = summary.height;
        j["crs"] = "EPSG:32651";
        j["pixel_m"] = sample::k_pixel_m;
        auto& files = j["files"];
        files = nlohmann::ordered_json::array();
        for (const auto& f : summary.files)
            files.push_back(f.filename().string());
        auto& counts = j["habitat_pixels"];
        counts = nlohmann::ordered_json::object();
        for (const auto& c : sample::habitat_classes())
            counts[std::string(c.name)] = summary.habitat_pixels[static_cast<std::size_t>(c.code)];
        j["wall_seconds"] = seconds;
        j["mpixel_per_s"] = seconds > 0 ? static_cast<double>(summary.width * summary.height) / 1e6 / seconds : 0.0;
        j["peak_rss_mb"] = peak_rss_mb();
        ctx.out << j.dump(2) << '\n';
        return;
    }
    ctx.out << fmt::format("{}: {} x {} pixels of {:.0f} m (EPSG:32651) in {}, {:.2f} s\n",
                           o.synthetic ? "synthetic scene" : "sample project", summary.width, summary.height,
                           sample::k_pixel_m, o.out.string(), seconds);
    for (const auto& f : summary.files)
        ctx.out << "  " << f.filename().string() << '\n';
}

}  // namespace

void add_sample_command(CLI::App& app, CliContext& ctx) {
    auto opts = std::make_shared<SampleOptions>();
    CLI::App* cmd = app.add_subcommand(
        "sample", "Write the sample project (Xiangshan, Ningbo coast: reflectance, habitat, DEM, parcels, survey "
                  "plots and cores; a few MB, deterministic), or with --synthetic a large scene for benchmarks");
    cmd->add_option("--out,-o", opts->out, "Folder to write into")->required()->type_name("DIR");
    cmd->add_flag("--synthetic", opts->synthetic,
                  "Write a synthetic N x N scene (reflectance, habitat, DEM) tile by tile instead of the sample");
    cmd->add_option("--size", opts->size, "Pixels per side of the synthetic scene (default: 10000)")
        ->type_name("N")
        ->each([opts](const std::string&) { opts->size_given = true; });
    cmd->add_option("--parcels", opts->parcels, "Parcels of a synthetic scene (parcels.gpkg; default: 5000)")
        ->check(at_least(1))->type_name("N");
    add_common_options(*cmd, opts->common);
    cmd->callback([opts, &ctx] { run_sample(ctx, *opts); });
}

}  // namespace bluecarbon::cli
