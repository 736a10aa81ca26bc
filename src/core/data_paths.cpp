#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/error.hpp>

#include <array>
#include <cstdlib>
#include <system_error>

namespace bluecarbon {

namespace fs = std::filesystem;

namespace {
fs::path executable_dir() {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path{} : exe.parent_path();
}

fs::path first_existing(const char* env_var, const std::array<fs::path, 3>& candidates, const char* what) {
    if (const char* env = std::getenv(env_var); env && *env) {
        if (fs::is_directory(env)) return env;
        throw IoError(env, std::string(env_var) + " does not name a folder");
    }
    for (const auto& c : candidates)
        if (!c.empty() && fs::is_directory(c)) return c;
    throw IoError(candidates.back(), std::string("cannot find the tool's ") + what + " folder; set " + env_var);
}
}  // namespace

fs::path data_dir() {
    return first_existing("BLUECARBON_DATA",
                          {executable_dir() / "../share/bluecarbon", fs::path(BLUECARBON_INSTALL_DATA_DIR),
                           fs::path(BLUECARBON_SOURCE_DATA_DIR)},
                          "data");
}

fs::path grids_dir() {
    return first_existing("BLUECARBON_GRIDS",
                          {executable_dir() / "../share/bluecarbon/grids",
                           fs::path(BLUECARBON_INSTALL_DATA_DIR) / "grids", fs::path(BLUECARBON_SOURCE_GRIDS_DIR)},
                          "grids");
}

}  // namespace bluecarbon
