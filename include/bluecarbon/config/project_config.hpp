#pragma once
/// The project file (project.toml) read into a validated ProjectConfig.
///
/// Every error is one line naming the file, the line and the dotted key:
///   project.toml:14: habitat.classes: unknown habitat "mangrov"
/// Unknown keys and sections are errors (typos never pass silently). Relative paths resolve against the folder
/// of the project file. Sections (each optional unless stated):
///
///   [project]     name, description, climate_zone (required), output (default "output")
///   [grid]        from = "<input name>" (default "reflectance", else the first input), or crs + resolution
///                 (+ extent = [xmin, ymin, xmax, ymax]; without it, the primary input's extent, reprojected
///                 into crs when it is in another, in whole pixels from its upper-left corner)
///   [processing]  tile (pixels, default 512), threads (0 = all cores), compression of the output GeoTIFFs
///                 ("deflate" (default), "zstd", "lzw", "none") and compression_level (0: the codec's default)
///   [inputs.<name>]  rasters: path, bands = { name = index | "description" }, scale, offset, nodata,
///                 resampling ("nearest", "bilinear", "average", "cubic"); for `dem` also band, heights
///                 ("ellipsoidal" | "geoid") and vertical_unit
///   [tidal]       mllw_m, mhhw_m, hat_m (heights above the geoid), geoid_grid, geoid_step_px
///   [habitat]     source ("map" | "rules"), map, band, classes = { "<code>" = "<habitat>" }, fallback,
///                 [[habitat.rules]] habitat + when
///   [stock]       soil ("mineral" | "organic" | "unknown"), biomass_model (path to the calibrated model JSON),
///                 force_model (apply a model with CV R² ≤ 0), soc_from_cores (cores.csv of `survey cores`)
///   [tier1]       table (path; default: the shipped data/tier1_pools.csv), [[tier1.override]] rows
///   [survey]      trees, plots, cores
/// Later sections ([parcels], [credits], [certify], [registry], [lots], [report]) have their own header
/// (sections.hpp) and parser file (src/config/<name>_section.cpp).
#include <bluecarbon/config/sections.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/habitat_rules.hpp>
#include <bluecarbon/science/tidal.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::config {

enum class Resampling { nearest, bilinear, average, cubic };

/// One raster input.
struct RasterInput {
    std::string name;              ///< the [inputs.<name>] key
    std::filesystem::path path;    ///< absolute
    /// Named bands in file order of declaration: name -> selector (a 1-based index as text, or a band
    /// description), e.g. {"nir", "3"}.
    std::vector<std::pair<std::string, std::string>> bands;
    std::optional<double> scale;
    std::optional<double> offset;
    std::optional<double> nodata;
    Resampling resampling{Resampling::bilinear};
    Origin origin;                 ///< of the path
    std::map<std::string, Origin> band_origins;
};

struct DemInput {
    RasterInput raster;  ///< one band, exposed as "elevation"
    bool heights_above_geoid{false};  ///< false: ellipsoidal heights, converted with the geoid grid
    std::optional<std::string> vertical_unit;  ///< overrides the file's own unit
    Origin heights_origin;
};

struct GridConfig {
    std::optional<std::string> from_input;  ///< grid of this input
    std::optional<std::string> crs;         ///< user CRS text ("EPSG:32651", WKT, PROJ string)
    std::optional<double> resolution_x, resolution_y;
    std::optional<Extent> extent;
    Origin origin;
};

struct ProcessingConfig {
    std::int64_t tile{512};
    int threads{0};
    std::string compression{"deflate"};  ///< deflate, zstd, lzw or none
    int compression_level{0};             ///< 0: the codec's default; DEFLATE 1-12, ZSTD 1-22
};

struct TidalConfig {
    science::TidalDatums datums;
    std::string geoid_grid{"egm96_15_china.gtx"};  ///< as written (resolved at run time: project folder, grids/)
    int geoid_step_px{8};
    bool geoid_grid_given{false};  ///< false: the default grid (reported by the run)
    Origin origin;
    Origin geoid_origin;
};

enum class HabitatSource { map, rules };

struct HabitatConfig {
    HabitatSource source{HabitatSource::map};
    std::optional<RasterInput> map;  ///< the classified raster (nearest resampling)
    science::ClassMapping classes;
    Origin classes_origin;
    std::vector<science::HabitatRule> rules;  ///< origins "project.toml:31: habitat.rules[2].when"
    science::Habitat fallback{science::Habitat::other};
    Origin origin;
};

struct Tier1Config {
    std::optional<std::filesystem::path> table;  ///< absolute; nullopt: the shipped table
    std::vector<science::Tier1Row> overrides;    ///< origins "project.toml:52"
};

struct StockConfig {
    science::SoilType soil{science::SoilType::mineral};
    std::optional<std::filesystem::path> biomass_model;
    Origin biomass_model_origin;
    bool force_model{false};  ///< apply a model whose CV R² ≤ 0 (refused otherwise)
    std::optional<std::filesystem::path> soc_from_cores;  ///< survey cores' cores.csv: soil stock per habitat
    Origin soc_from_cores_origin;
};

struct SurveyConfig {
    std::optional<std::filesystem::path> trees, plots, cores;
    Origin trees_origin, plots_origin, cores_origin;  ///< of each key, for errors about the file it names
};

struct ProjectConfig {
    std::filesystem::path file;  ///< as given
    std::filesystem::path dir;   ///< absolute folder of the file (base of relative paths)
    std::string name;
    std::string description;
    science::ClimateZone climate_zone{science::ClimateZone::subtropical};
    std::filesystem::path output_dir;  ///< absolute
    GridConfig grid;
    ProcessingConfig processing;
    std::map<std::string, RasterInput> rasters;  ///< every [inputs.<name>] but dem (e.g. "reflectance")
    std::optional<DemInput> dem;
    std::optional<TidalConfig> tidal;
    HabitatConfig habitat;
    Tier1Config tier1;
    StockConfig stock;
    SurveyConfig survey;
    ParcelsConfig parcels;
    CreditsConfig credits;
    CertifyConfig certify;
    RegistryConfig registry;
    LotsConfig lots;
    ReportConfig report;

    /// The input whose grid is the analysis grid when [grid] gives no CRS (grid.from, else "reflectance",
    /// else the habitat map, else the DEM). Empty when there is no input at all.
    [[nodiscard]] std::string primary_input() const;
    /// Path of an input by name ("reflectance", "dem", "habitat" for the map, ...); nullptr when absent.
    [[nodiscard]] const RasterInput* input(const std::string& name) const;
};

/// Reads and validates `path`. Throws ConfigError (one line: file:line: key: problem) for any error, and
/// InputError when the file cannot be read.
[[nodiscard]] ProjectConfig load_project(const std::filesystem::path& path);

/// Parses project-file text as if read from `path` (relative paths resolve against path's folder; the file
/// need not exist). For tests and for callers that hold the text.
[[nodiscard]] ProjectConfig parse_project(const std::string& text, const std::filesystem::path& path);

}  // namespace bluecarbon::config
