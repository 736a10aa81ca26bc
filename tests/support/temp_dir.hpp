#pragma once
// A fresh folder per test, removed afterwards.
#include <filesystem>
#include <random>
#include <string>

namespace bluecarbon::test {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "bluecarbon-test") {
        std::random_device rd;
        m_path = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

}  // namespace bluecarbon::test
