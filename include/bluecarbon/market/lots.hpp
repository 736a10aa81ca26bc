#pragma once
/// Auction lots: available serial blocks grouped by rule into lots a trading venue can list. Plain C++ over
/// rows (no files, no GDAL): the pipeline reads the blocks from the registry (or from credits.csv) and the parcels
/// from parcels.gpkg, and writes lots.csv and lots.geojson.
///
/// The rules, applied in this order, each deterministic (the result depends only on the blocks and parcels given,
/// not on their order):
///  1. group: blocks sharing the values of every `group_by` attribute (vintage, profile, habitat, owner) form a
///     group; groups are taken in the order of their values.
///  2. contiguity: when a distance is set, a group splits into clusters of parcels linked by gaps of at most that
///     distance (single linkage: A near B and B near C puts A, B and C together); each lot comes from one cluster.
///  3. walk: a cluster's parcels are visited breadth-first from its lowest parcel id (neighbours by id), without
///     contiguity in parcel-id order; a parcel's blocks in unit order.
///  4. fill: whole blocks (never split: a settlement moves whole blocks) are added along the walk; a lot closes as
///     soon as it holds at least the target; the cluster's remainder forms a last, smaller lot.
/// A lot's id is "LOT-<first unit>" when its blocks carry unit numbers (unique registry-wide, so a lot listed again
/// keeps its id and two listings never share one), else "LOT-<n>" by position.
#include <bluecarbon/core/polygon.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::market {

enum class GroupBy { vintage, profile, habitat, owner };

/// "vintage" -> GroupBy::vintage; nullopt for any other name.
[[nodiscard]] std::optional<GroupBy> parse_group_by(const std::string& name);
[[nodiscard]] const char* to_string(GroupBy g) noexcept;

struct LotRules {
    std::vector<GroupBy> group_by{GroupBy::vintage};
    double target_t_co2e{1000.0};
    std::optional<double> contiguity_m;  ///< in the parcels' CRS units (metres for a projected CRS)
    double start_price{0.0};             ///< reserve price per t CO2e
    double increment{0.0};
    std::string currency{"CNY"};
};

/// Credits a lot can hold: a registry serial block (1 unit = 1 t CO2e), or a parcel-vintage's credits before
/// issuance (then `serial` is "<parcel>/<vintage>" and `first` is 0).
struct CreditBlock {
    std::string serial;
    std::int64_t first{0};  ///< first unit number; 0 when not issued
    std::string parcel_id;
    std::string vintage;
    std::string profile;
    std::string owner;
    double t_co2e{0};
};

/// What lots need of a parcel.
struct ParcelInfo {
    std::string id;
    std::string habitat;  ///< the dominant habitat
    std::string owner;
    double area_ha{0};
    MultiPolygon geometry;  ///< empty: the parcel takes part in no contiguity test (a cluster of its own)
};

struct Lot {
    std::string id;
    std::map<GroupBy, std::string> key;  ///< the group's values
    std::vector<CreditBlock> blocks;     ///< in walk order
    std::vector<std::string> parcels;    ///< distinct, sorted
    std::vector<std::string> habitats;   ///< distinct, sorted
    double t_co2e{0};
    double area_ha{0};                   ///< of the distinct parcels
    double start_price{0}, increment{0};
    std::string currency;
};

/// Groups `blocks` into lots by `rules`. Throws InputError naming the block whose parcel is not in `parcels`, or
/// whose quantity is not positive.
[[nodiscard]] std::vector<Lot> group_lots(const std::vector<CreditBlock>& blocks,
                                          const std::map<std::string, ParcelInfo>& parcels, const LotRules& rules);

/// Shortest distance between two multipolygons (0 when they touch, overlap or one holds the other), planar.
[[nodiscard]] double polygon_distance(const MultiPolygon& a, const MultiPolygon& b);

}  // namespace bluecarbon::market
