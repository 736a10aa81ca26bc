#pragma once
/// The sample project's project.toml (owned by the habitat/stock work; the generator only writes it out).
#include <string>

namespace bluecarbon::sample {

/// The text of samples' project.toml; paths are relative to the project folder.
[[nodiscard]] std::string sample_project_toml();

}  // namespace bluecarbon::sample
