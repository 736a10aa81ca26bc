#include "pipeline/certify/project_inputs.hpp"

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include <algorithm>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;

namespace {
constexpr const char* k_data_prefix = "<data>/";

/// `path` relative to `base` when it lies inside it.
std::optional<fs::path> inside(const fs::path& path, const fs::path& base) {
    const fs::path rel = path.lexically_normal().lexically_relative(base.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return std::nullopt;
    return rel;
}
}  // namespace

std::vector<fs::path> project_input_paths(const config::ProjectConfig& cfg) {
    std::vector<fs::path> all{fs::absolute(cfg.file)};
    for (const auto& [name, r] : cfg.rasters) all.push_back(r.path);
    if (cfg.dem) all.push_back(cfg.dem->raster.path);
    if (cfg.habitat.map) all.push_back(cfg.habitat.map->path);
    std::error_code ec;
    if (cfg.tier1.table) all.push_back(*cfg.tier1.table);
    else if (fs::exists(data_dir() / "tier1_pools.csv", ec)) all.push_back(data_dir() / "tier1_pools.csv");
    for (const auto& p : {cfg.stock.biomass_model, cfg.stock.soc_from_cores, cfg.survey.trees, cfg.survey.plots,
                          cfg.survey.cores, cfg.parcels.path, cfg.credits.baseline_map, cfg.credits.price_table,
                          cfg.credits.precision_table})
        if (p) all.push_back(*p);
    for (const auto& s : cfg.credits.snapshots) all.push_back(s.map);
    std::vector<fs::path> out;
    for (auto& p : all) {
        p = p.lexically_normal();
        if (fs::is_regular_file(p, ec) && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
    return out;
}

std::string input_path_text(const config::ProjectConfig& cfg, const fs::path& path) {
    if (const auto rel = inside(path, fs::absolute(cfg.dir))) return rel->generic_string();
    if (const auto rel = inside(path, data_dir())) return k_data_prefix + rel->generic_string();
    return path.lexically_normal().generic_string();
}

fs::path resolve_input_path(const config::ProjectConfig& cfg, const std::string& text) {
    if (text.rfind(k_data_prefix, 0) == 0) return data_dir() / text.substr(std::string(k_data_prefix).size());
    const fs::path p(text);
    return p.is_absolute() ? p : fs::absolute(cfg.dir) / p;
}

certify::InputFile hash_input(const config::ProjectConfig& cfg, const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw IoError(path, "cannot read the input file: " + ec.message());
    return {input_path_text(cfg, path), sha256_file_hex(path), static_cast<std::uint64_t>(size)};
}

}  // namespace bluecarbon::pipeline
