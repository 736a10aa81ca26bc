#pragma once
/// Versioned parameter tables with provenance (data/profiles/*.csv: the crediting profiles of SCIENCE.md §7).
///
/// Format: '#' comment lines, among them `# key: value` metadata (a profile table states `profile`, `version` and
/// `revision`); then a CSV header with at least `parameter, value, source` (also `unit`, `notes`) and one row per
/// value. A parameter may have several rows (a list). Every row must name its source.
#include <bluecarbon/error.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bluecarbon {

struct ParameterTableRow {
    std::string parameter;
    std::string value;
    std::string unit;
    std::string source;
    std::string origin;  ///< "file.csv:12"
};

struct ParameterTable {
    std::filesystem::path path;
    std::map<std::string, std::string> metadata;  ///< from `# key: value` lines
    std::vector<ParameterTableRow> rows;
};

/// Reads a parameter table. Throws InputError naming file and line for a missing column, an empty parameter or
/// value, or a row without a source; ConfigError when `required_metadata` keys are absent.
[[nodiscard]] ParameterTable read_parameter_table(const std::filesystem::path& path,
                                                  const std::vector<std::string>& required_metadata = {});

}  // namespace bluecarbon
