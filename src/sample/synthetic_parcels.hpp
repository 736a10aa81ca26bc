#pragma once
/// Parcels for synthetic benchmark scenes: many star-shaped polygons, each with a hole, laid on a lattice over the
/// scene (on 10000² pixels: ~5,000-10,000 pixels each for 5,000 parcels, ~700 for 50,000). Pure functions of
/// (size, count): no state.
#include <bluecarbon/core/polygon.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bluecarbon::sample {

/// The default parcel count of `sample --synthetic`.
inline constexpr std::int64_t k_synthetic_parcels = 5000;

/// `count` parcels over the `size` x `size` scene (EPSG:32651): cells of a k x k lattice (k = ⌈√count⌉) filled
/// row by row, one parcel per cell — a 16-vertex star-shaped polygon around a jittered centre (radii up to 28-42 %
/// of the cell) with a 6-vertex hole (radii under 30 % of the parcel's smallest radius), so the parcels are valid
/// and disjoint; some span tile edges. Throws ConfigError for count < 1.
[[nodiscard]] std::vector<MultiPolygon> synthetic_parcels(std::int64_t size, std::int64_t count);

/// The id of synthetic parcel i (0-based): "S000001", ...
[[nodiscard]] std::string synthetic_parcel_id(std::size_t i);

}  // namespace bluecarbon::sample
