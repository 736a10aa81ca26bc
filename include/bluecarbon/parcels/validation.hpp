#pragma once
/// Parcel checks (GEOS validity with reason and location, empty, zero area, NaN coordinates, duplicate ids),
/// repair with GEOS MakeValid, and exact overlap areas between parcels.
#include <bluecarbon/parcels/geometry.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bluecarbon::parcels {

/// One problem of one parcel. `index` is the feature's position in the input (0-based).
struct ParcelProblem {
    enum class Kind { invalid, empty, zero_area, non_finite, duplicate_id };
    std::size_t index{0};
    std::string id;
    Kind kind{Kind::invalid};
    std::string reason;             ///< GEOS's reason for invalid geometries, else a short description
    std::optional<Coord> location;  ///< where GEOS found the problem, when it says
    /// Whether MakeValid can repair it (invalid geometries only).
    [[nodiscard]] bool repairable() const noexcept { return kind == Kind::invalid; }
    /// "parcel 'P7' (feature 8): Self-intersection at (500010, 4000020)".
    [[nodiscard]] std::string describe() const;
};

/// Checks every parcel; problems in input order (a parcel may have several). Thread-safe (own GEOS context).
[[nodiscard]] std::vector<ParcelProblem> validate_parcels(std::span<const std::string> ids,
                                                          std::span<const MultiPolygon> geometries);

/// The first `max_lines` problems, one per line, plus "... and N more" (for an error message).
[[nodiscard]] std::string describe_problems(const std::vector<ParcelProblem>& problems, std::size_t max_lines = 10);

/// GEOS MakeValid, keeping the polygonal parts. Throws GeometryError when nothing polygonal remains.
[[nodiscard]] MultiPolygon make_valid(const MultiPolygon& g);

/// Planar area (CRS units²) of the intersection of two parcels (GEOS overlay). Thread-safe.
[[nodiscard]] double overlap_area(const MultiPolygon& a, const MultiPolygon& b);

/// Planar area (CRS units²) of the union of the geometries (GEOS unary union).
[[nodiscard]] double union_area(std::span<const MultiPolygon> geometries);

/// The union of the geometries as one multipolygon (shared edges dissolved), normalised so the same polygons give
/// the same rings in the same order whatever order they come in. Throws GeometryError when GEOS fails.
[[nodiscard]] MultiPolygon dissolve(std::span<const MultiPolygon> geometries);

/// A pair of parcels whose overlap exceeds a tolerance: `a` indexes the first set, `b` the second.
struct Overlap {
    std::size_t a{0};
    std::size_t b{0};
    double area{0};  ///< CRS units²
};

/// Every pair (i in `a`, j in `b`) whose planar overlap area is greater than `min_area` (CRS units²), sorted by
/// (a, b). With `same_set`, `b` is `a` itself and each unordered pair i < j is reported once. Candidates come from
/// an R-tree of bounding boxes; areas from GEOS overlays.
[[nodiscard]] std::vector<Overlap> find_overlaps(std::span<const MultiPolygon> a, std::span<const MultiPolygon> b,
                                                 double min_area, bool same_set = false);

}  // namespace bluecarbon::parcels
