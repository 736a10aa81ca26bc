#pragma once
/// The sample project's vector and table layers: restoration parcels (GeoJSON in EPSG:32651) and field
/// surveys (tree plots, soil cores) as CSV text with issue 6's column names. Everything is deterministic: sites
/// are placed on the scene's layout (scene.hpp) and values come from hashes of (site, item), not a random
/// generator.
#include "sample/scene.hpp"

#include <string>
#include <vector>

namespace bluecarbon::sample {

struct Parcel {
    std::string id;  ///< "P01"
    std::string name;
    std::string owner;        ///< the land or sea-use right holder (the [parcels] owner field)
    std::string habitat;      ///< current habitat (scene class name)
    std::string activity;     ///< what the project does there
    std::vector<Coord> ring;  ///< exterior ring in EPSG:32651, counter-clockwise, closed (first == last)
};

/// Eight parcels: mangrove planting on bare flat, retired ponds, existing mangrove, salt marsh, seagrass and
/// hillside forest; a 300 m² mangrove gap planting (below the minimum mapping unit) and a marsh-edge parcel
/// mostly above HAT (outside the tidal frame). Each ring is a simple polygon (a strip following the coast).
[[nodiscard]] std::vector<Parcel> sample_parcels();
/// The parcels as a GeoJSON FeatureCollection with a "crs" member naming EPSG:32651 (as GDAL writes it).
[[nodiscard]] std::string parcels_geojson(const std::vector<Parcel>& parcels);

/// A survey site (tree plot or soil core) with its position.
struct Site {
    std::string id;
    Habitat habitat{Habitat::other};
    Coord xy;           ///< EPSG:32651 [m]
    double lon_deg{0};  ///< WGS 84
    double lat_deg{0};
};

/// Tree plots: mangrove plots (10 m x 10 m) in both mangrove stretches and nested forest plots on the hills.
[[nodiscard]] std::vector<Site> sample_plot_sites();
/// Soil cores in mangrove, salt marsh, tidal flat and seagrass.
[[nodiscard]] std::vector<Site> sample_core_sites();

/// plots.csv: plot_id, area_m2, lon, lat, habitat, chave_e, nested.
[[nodiscard]] std::string plots_csv();
/// trees.csv: plot_id, tree_id, species, dbh_cm, height_m (some empty), status (live|dead).
[[nodiscard]] std::string trees_csv();
/// cores.csv: core_id, min_depth_cm, max_depth_cm, bulk_density_g_cm3, oc_percent, habitat, lon, lat.
[[nodiscard]] std::string cores_csv();

/// README.txt of the sample project (layers, class codes, heights, tidal datums, how it was made).
[[nodiscard]] std::string sample_readme();
/// README.txt of a synthetic benchmark scene of `size` x `size` pixels.
[[nodiscard]] std::string synthetic_readme(std::int64_t size);

}  // namespace bluecarbon::sample
