#pragma once
// Private to io: naming of temporary output files.
#include <filesystem>

namespace bluecarbon::io {

/// A fresh hidden temporary path beside `final_path` (same folder, so a rename is atomic):
/// ".<stem>.<pid>.<counter>.tmp<ext>", e.g. ".ndvi.4242.7.tmp.tif". Unique within the process and, through
/// the pid, across concurrent processes.
[[nodiscard]] std::filesystem::path temp_path_beside(const std::filesystem::path& final_path);

}  // namespace bluecarbon::io
