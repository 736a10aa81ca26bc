#pragma once
// Private to the pipeline: a file the project names must exist, and when it does not the error names the project
// line and key that named it ("project.toml:25: inputs.dem.path: /data/dem.tif: no such file"), as the parser's
// own errors do.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include <filesystem>
#include <system_error>

namespace bluecarbon::pipeline {

inline void require_input_file(const std::filesystem::path& path, const config::Origin& origin) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw ConfigError(origin.str() + ": " + path.string() + ": no such file");
}

}  // namespace bluecarbon::pipeline
