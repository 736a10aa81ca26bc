#pragma once
// Helpers for the pipeline tests: the sample project written once per test into a temporary folder.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include "sample/sample_writer.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::test {

/// The sample project in a fresh folder, and its config with the output folder redirected to `out`.
struct SampleProject {
    TempDir dir{"bc-pipeline"};
    config::ProjectConfig cfg;
    SampleProject() {
        sample::write_sample_project(dir.path(), sample::WriteOptions{1, 512, nullptr});
        cfg = config::load_project(dir.path() / "project.toml");
    }
    [[nodiscard]] config::ProjectConfig with_output(const std::string& name) const {
        auto c = cfg;
        c.output_dir = dir.path() / name;
        return c;
    }
};

/// Records what the pipeline reports: per phase its name, total and last count; whether a count ever went back;
/// how many phases ended and how many were abandoned.
struct RecordingObserver : pipeline::ProgressObserver {
    std::vector<std::string> phases;
    std::vector<std::int64_t> totals, last_done;
    bool went_back{false};
    int ends{0}, abandons{0};
    void begin(std::string_view phase, std::int64_t total) override {
        phases.emplace_back(phase);
        totals.push_back(total);
        last_done.push_back(0);
    }
    void advance(std::int64_t done, std::int64_t) override {
        went_back = went_back || done < last_done.back();
        last_done.back() = done;
    }
    void end() override { ++ends; }
    void abandon() override { ++abandons; }
    /// The index of the first phase called `name`, or phases.size().
    [[nodiscard]] std::size_t find(const std::string& name) const {
        return static_cast<std::size_t>(std::find(phases.begin(), phases.end(), name) - phases.begin());
    }
};

}  // namespace bluecarbon::test
