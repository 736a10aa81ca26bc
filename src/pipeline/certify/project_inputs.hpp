#pragma once
// The input files a certificate lists (with SHA-256 and size), and how their recorded names map back to paths.
#include <bluecarbon/certify/certificate.hpp>
#include <bluecarbon/config/project_config.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

/// The project file and every file it names that exists (rasters, DEM, habitat map, Tier-1 table (the shipped one
/// when none is given), biomass model, core SOC table, survey tables, parcel polygons, the credits step's baseline
/// map, price and precision tables and snapshot maps), without repeats, in that order.
[[nodiscard]] std::vector<std::filesystem::path> project_input_paths(const config::ProjectConfig& cfg);

/// The name recorded for `path`: relative to the project folder when inside it, "<data>/..." for a shipped table,
/// else absolute (so a certificate does not depend on where the project was when it was signed).
[[nodiscard]] std::string input_path_text(const config::ProjectConfig& cfg, const std::filesystem::path& path);
[[nodiscard]] std::filesystem::path resolve_input_path(const config::ProjectConfig& cfg, const std::string& text);

/// Recorded name, SHA-256 and size of one file (IoError naming it when it cannot be read).
[[nodiscard]] certify::InputFile hash_input(const config::ProjectConfig& cfg, const std::filesystem::path& path);

}  // namespace bluecarbon::pipeline
