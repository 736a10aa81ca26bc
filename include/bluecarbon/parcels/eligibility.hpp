#pragma once
/// Eligibility of credit parcels: each rule gives a reason code; a parcel is eligible when it has none.
/// Codes (the contract of parcels.gpkg's `reasons` column, `;`-separated in this order):
/// `below_mmu`, `outside_tidal_frame`, `no_owner`, `overlaps:<id>`, `previously_credited:<id>`, `invalid_geometry`.
#include <cmath>
#include <string>
#include <vector>

namespace bluecarbon::parcels {

/// The `[parcels]` rule parameters of a project (defaults as documented there).
struct EligibilityRules {
    double min_area_m2{400.0};          ///< minimum mapping unit (ellipsoidal area)
    double min_tidal_share{0.5};        ///< share of the area between MLLW and HAT, blue-carbon parcels only
    double overlap_tolerance_m2{1.0};   ///< overlaps up to this area are ignored (digitising slivers)
};

/// What the rules look at for one parcel.
struct ParcelFacts {
    std::string id;
    std::string owner;
    double area_m2{0.0};                         ///< ellipsoidal area
    bool blue_carbon{false};                     ///< the parcel holds a blue-carbon habitat (mangrove, marsh, seagrass)
    double tidal_share{std::nan("")};            ///< NaN when unknown (no tidal frame): the rule cannot fail
    std::vector<std::string> overlapping_ids;    ///< other project parcels overlapping by more than the tolerance
    std::vector<std::string> credited_ids;       ///< previously credited polygons overlapping by more than it
    bool repaired{false};                        ///< the geometry was invalid and repaired with --make-valid
};

struct Eligibility {
    bool eligible{true};
    std::vector<std::string> reasons;
    /// The reasons joined with ';' (empty when eligible).
    [[nodiscard]] std::string reasons_text() const;
};

/// Applies every rule; nothing short-circuits, so a parcel lists all its reasons.
[[nodiscard]] Eligibility assess(const ParcelFacts& facts, const EligibilityRules& rules);

/// A QGIS style (QML) for the parcels layer: filled by `eligible` (1 green, 0 red), labelled by parcel_id.
[[nodiscard]] std::string eligibility_qml();

}  // namespace bluecarbon::parcels
