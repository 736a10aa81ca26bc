#pragma once
// Helpers for the pipeline tests: the sample project written once per test into a temporary folder.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include "sample/sample_writer.hpp"
#include "support/temp_dir.hpp"

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

/// Records what the pipeline reports.
struct RecordingObserver : pipeline::ProgressObserver {
    std::vector<std::string> phases;
    std::vector<std::int64_t> totals;
    std::int64_t advances{0}, last_done{0};
    int ends{0};
    void begin(std::string_view phase, std::int64_t total) override {
        phases.emplace_back(phase);
        totals.push_back(total);
    }
    void advance(std::int64_t done, std::int64_t) override {
        ++advances;
        last_done = done;
    }
    void end() override { ++ends; }
};

}  // namespace bluecarbon::test
