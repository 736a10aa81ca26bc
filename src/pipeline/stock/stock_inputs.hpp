#pragma once
// Private to the habitat/stock steps: everything a run reads, opened and checked before any output exists — the
// analysis grid and tile plan, the rasters, the variables they offer to rules and to the biomass model (band
// names, indices, elevation, tidal masks), the rules, the model, the Tier-1 table and the resolved pools.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/habitat_rules.hpp>
#include <bluecarbon/science/indices.hpp>
#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/survey/calibration.hpp>
#include <bluecarbon/science/tidal.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

/// The tidal masks offered to rules, in zone order (zone codes 1, 2, 3 of science::classify_tidal).
inline const std::array<std::string, 3> k_tidal_names{"subtidal", "intertidal", "supratidal"};

struct BandRef {
    const RasterSource* source{nullptr};  ///< null when no step reads the band (the input is then not opened)
    int band{0};                          ///< 0-based selected band of `source`
};

struct StockInputs {
    Grid grid;
    std::optional<TilePlan> plan;
    std::map<std::string, std::unique_ptr<RasterSource>> sources;  ///< by input name; only those read

    // Variables: raw bands by name, indices computable from them, DEM-derived values.
    std::map<std::string, BandRef> bands;
    std::map<std::string, science::Index> indices;
    const RasterSource* dem{nullptr};  ///< set when some step reads elevation or a tidal mask
    bool dem_to_geoid{false};
    double dem_metres_per_unit{1.0};
    std::filesystem::path geoid_grid;
    int geoid_step{8};
    std::optional<science::TidalDatums> datums;
    /// The stock step writes tidal.tif (1 between MLLW and HAT): with the pools, [inputs.dem] and [tidal].
    bool tidal_frame{false};
    /// `habitat --write-masks`: elevation.tif and tidal_zones.tif are written too.
    bool write_masks{false};

    bool rules_mode{false};
    std::optional<science::HabitatRules> rules;   ///< rules mode
    const RasterSource* class_source{nullptr};     ///< map mode
    std::vector<science::Habitat> producible;      ///< habitats the run can produce, sorted

    std::optional<science::survey::BiomassModelFit> model;  ///< [stock] biomass_model, read
    std::optional<science::Tier1Table> table;               ///< stock only
    std::optional<science::PoolModel> pools;                ///< stock only

    [[nodiscard]] static bool is_dem_variable(const std::string& name);
};

/// Opens and checks every input of `cfg` for the habitat step (and the pools when `with_stock`; the DEM for the
/// elevation and tidal-zone rasters when `masks`), tiles of `tile` pixels aligned to the primary input's blocks.
/// Throws ConfigError/InputError/CrsError naming the key, file or band at fault; nothing is written.
[[nodiscard]] StockInputs open_stock_inputs(const config::ProjectConfig& cfg, bool with_stock, std::int64_t tile,
                                            bool masks = false);

}  // namespace bluecarbon::pipeline::stock
