#pragma once
/// The sample project's project.toml (owned by the habitat/stock work; the generator only writes it out).
#include <string>

namespace bluecarbon::sample {

/// The text of samples' project.toml; paths are relative to the project folder.
[[nodiscard]] std::string sample_project_toml();

/// The sample's habitat rules, the [[habitat.rules]] tables of its project file: the one rule set that tests use
/// too (it recovers the sample's classes from reflectance and tidal zones).
[[nodiscard]] std::string sample_habitat_rules_toml();

}  // namespace bluecarbon::sample
