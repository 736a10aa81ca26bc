#pragma once
/// The `parcels` command's work after the stock step: credit parcels with areas, stocks, tidal share and
/// eligibility, written as parcels.gpkg (layer `parcels`, the grid's CRS, with a QGIS style) and parcels.geojson
/// (WGS 84). (Kept here until the pipeline layer takes it over; the pipeline's run_parcels can call it.)
#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/parcels/eligibility.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::parcels {

/// A class code of habitat.tif and its name (for the `ha_<name>` columns).
struct HabitatClass {
    int code{0};
    std::string name;
    bool blue_carbon{false};  ///< mangrove, salt marsh, seagrass: subject to the tidal-frame rule
};

struct ParcelsRequest {
    std::filesystem::path polygons;        ///< [parcels] path
    std::string layer;                     ///< empty: the first layer
    std::string id_field{"id"};            ///< [parcels] id
    std::string owner_field{"owner"};      ///< [parcels] owner
    EligibilityRules rules;                ///< [parcels] min_area_m2, min_tidal_share, overlap_tolerance_m2
    std::optional<std::filesystem::path> credited;  ///< [parcels] credited: previously credited polygons
    std::string credited_id_field;         ///< its id field (empty: the same name as id_field)
    /// The stock step's outputs: habitat.tif, stock_{agb,bgb,dead,soc,total}.tif, uncertainty.tif and
    /// uncertainty_{agb,bgb,dead,soc}.tif.
    std::filesystem::path stock_dir;
    /// A 0/1 raster of the cells between MLLW and HAT on the stock grid; nullopt: tidal_share is empty and the
    /// tidal-frame rule cannot fail.
    std::optional<std::filesystem::path> tidal_frame;
    std::vector<HabitatClass> habitats;
    bool make_valid{false};
    std::filesystem::path output_dir;      ///< parcels.gpkg and parcels.geojson go here
    int threads{0};
    std::int64_t tile_size{512};
    Progress* progress{nullptr};
};

/// One output row (the columns of parcels.gpkg).
struct ParcelRecord {
    std::string id;
    std::string owner;
    double area_m2{0};
    double area_planar_m2{0};
    std::vector<double> habitat_ha;        ///< per ParcelsResult::habitat_columns
    double stock_mg_c[5]{};                ///< agb, bgb, dead, soc, total
    double stock_total_mg_co2e{0};
    double stock_total_ci90_mg_c{0};
    double stock_ci90_mg_c[4]{};           ///< agb, bgb, dead, soc: uncertainty_<pool>.tif summed likewise
    double tidal_share{0};                 ///< NaN without a tidal frame
    Eligibility eligibility;
};

struct ParcelsResult {
    std::vector<std::string> habitat_columns;  ///< "ha_mangrove", ... for the habitats present, in code order
    std::vector<ParcelRecord> parcels;         ///< input order
    std::size_t eligible{0};
    std::size_t repaired{0};
    std::filesystem::path gpkg, geojson;
    std::vector<std::string> warnings;
};

/// Computes every parcel's record and writes the two files (both or neither). Throws InputError for bad input
/// (unreadable polygons, missing stock rasters, invalid parcels without make_valid, polygons off the grid).
[[nodiscard]] ParcelsResult run_parcels_job(const ParcelsRequest& request);

/// The column names of parcels.gpkg for the given habitat columns, in order.
[[nodiscard]] std::vector<std::string> parcel_columns(const std::vector<std::string>& habitat_columns);

}  // namespace bluecarbon::parcels
