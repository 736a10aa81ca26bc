#pragma once
// The committed sample project (samples/xiangshan, without any output folder) copied into a fresh folder, so a
// test can run its steps, certify it and edit its inputs.
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace bluecarbon::test {

struct CommittedSampleCopy {
    TempDir dir{"bc-sample-copy"};
    std::filesystem::path project = dir / "project.toml";
    std::filesystem::path out = dir / "output";
    std::filesystem::path pub = dir / "sample_signing.pub";

    CommittedSampleCopy() {
        namespace fs = std::filesystem;
        const fs::path committed = fs::path(k_source_dir) / "samples" / "xiangshan";
        for (const auto& e : fs::directory_iterator(committed))
            if (e.is_regular_file()) fs::copy_file(e.path(), dir / e.path().filename().string());
    }

    /// The certificate files the certify step wrote, sorted.
    [[nodiscard]] std::vector<std::filesystem::path> certificates() const {
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(out / "certificates")) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        return files;
    }

    /// Every file under the output folder with its bytes (to check that a command left it alone).
    [[nodiscard]] std::map<std::string, std::string> output_snapshot() const {
        std::map<std::string, std::string> files;
        for (const auto& e : std::filesystem::recursive_directory_iterator(out)) {
            if (!e.is_regular_file()) continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::ostringstream s;
            s << in.rdbuf();
            files[e.path().string()] = s.str();
        }
        return files;
    }
};

}  // namespace bluecarbon::test
