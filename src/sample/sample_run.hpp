#pragma once
// `bluecarbon sample` as one call: the sample project or a synthetic scene written, timed, and described for
// --json (to_json) and for people (summary_text).
#include "sample/sample_writer.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace bluecarbon::sample {

struct SampleRun {
    bool synthetic{false};
    std::filesystem::path out;
    WriteSummary summary;
    double wall_seconds{0};
    double peak_rss_mb{0};
};

/// Writes the sample project into `out`, or with `synthetic` a `size` x `size` scene.
[[nodiscard]] SampleRun run_sample(const std::filesystem::path& out, bool synthetic, std::int64_t size,
                                   const WriteOptions& options);
[[nodiscard]] std::string to_json(const SampleRun& r);
[[nodiscard]] std::string summary_text(const SampleRun& r);

}  // namespace bluecarbon::sample
