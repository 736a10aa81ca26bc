#include "sample/sample_run.hpp"

#include "sample/scene.hpp"

#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <chrono>

namespace bluecarbon::sample {

SampleRun run_sample(const std::filesystem::path& out, bool synthetic, std::int64_t size, const WriteOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    SampleRun r{synthetic, out,
                synthetic ? write_synthetic_scene(out, size, options) : write_sample_project(out, options), 0, 0};
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    r.peak_rss_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    return r;
}

std::string to_json(const SampleRun& r) {
    nlohmann::ordered_json j;
    j["command"] = "sample";
    j["bluecarbon_version"] = k_version;
    j["kind"] = r.synthetic ? "synthetic" : "sample";
    j["out"] = r.out.string();
    j["width"] = r.summary.width;
    j["height"] = r.summary.height;
    j["crs"] = "EPSG:32651";
    j["pixel_m"] = k_pixel_m;
    j["outputs"] = nlohmann::ordered_json::array();
    for (const auto& f : r.summary.files) j["outputs"].push_back(f.string());
    auto& counts = j["habitat_pixels"];
    counts = nlohmann::ordered_json::object();
    for (const auto& c : habitat_classes())
        counts[std::string(c.name)] = r.summary.habitat_pixels[static_cast<std::size_t>(c.code)];
    j["wall_seconds"] = r.wall_seconds;
    const double mpix = static_cast<double>(r.summary.width * r.summary.height) / 1e6;
    j["mpixel_per_s"] = r.wall_seconds > 0 ? mpix / r.wall_seconds : 0.0;
    j["peak_rss_mb"] = r.peak_rss_mb;
    return j.dump(2);
}

std::string summary_text(const SampleRun& r) {
    std::string s = fmt::format("{}: {} x {} pixels of {:.0f} m (EPSG:32651) in {}, {:.2f} s\n",
                                r.synthetic ? "synthetic scene" : "sample project", r.summary.width, r.summary.height,
                                k_pixel_m, r.out.string(), r.wall_seconds);
    for (const auto& f : r.summary.files) s += "  " + f.filename().string() + "\n";
    return s;
}

}  // namespace bluecarbon::sample
