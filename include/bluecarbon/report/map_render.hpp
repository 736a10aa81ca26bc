#pragma once
/// Map quicklooks: a raster reduced to a small size, coloured by a ramp or a categorical palette, with a title,
/// legend, scale bar, north arrow and the parcels outlined and labelled, drawn with Cairo into PNG bytes.
#include <bluecarbon/report/report_data.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::report {

/// A raster reduced to quicklook size over blocks of factor × factor source cells (the last row and column of
/// blocks may be partial): the mean of the valid cells for a ramp, the most frequent class for a palette (the
/// smaller class value on a tie). A block with no valid cell is invalid. Sums run in row-major order, so the
/// result is the same on every run.
struct Quicklook {
    int width{0};
    int height{0};
    int factor{1};               ///< source cells per quicklook cell along each axis
    std::vector<double> values;  ///< row-major; meaningful where valid
    std::vector<std::uint8_t> valid;
};

/// factor = ceil(max(width, height) / max_size), at least 1. Throws InputError when the pixel count does not
/// match the grid or a categorical layer's pixels are not uint8.
[[nodiscard]] Quicklook make_quicklook(const MapRaster& raster, bool categorical, int max_size);

/// Viridis at t in [0, 1] (clamped): its 10 published stops (#440154 ... #FDE725), linear in between.
[[nodiscard]] Rgb viridis(double t) noexcept;

/// Metres along the x axis per grid cell: cell size × linear unit on projected grids; on geographic grids the
/// length of the cell's longitude span along the parallel at the grid's centre latitude (GeographicLib's
/// radius of that parallel on the grid's ellipsoid). nullopt when the grid has no CRS.
[[nodiscard]] std::optional<double> metres_per_cell_x(const Grid& grid);

/// The longest of 1, 2 or 5 × 10^n metres that is not longer than `max_m` (0 when max_m <= 0).
[[nodiscard]] double nice_length_m(double max_m) noexcept;

struct MapOptions {
    int max_map_px{720};  ///< the raster's longer side in the image, at most (small rasters are enlarged to it)
};

/// A rendered quicklook: the PNG and where the raster sits in the image (for tests and image maps).
struct RenderedMap {
    std::string png;
    int width{0};
    int height{0};
    double map_x{0};        ///< image x of the raster's upper-left corner
    double map_y{0};        ///< image y of the raster's upper-left corner
    double px_per_cell{1};  ///< image pixels per source cell
    int map_w{0};
    int map_h{0};
    double scale_bar_m{0};  ///< length the scale bar shows (0: no scale bar, e.g. no CRS)
    int labels_drawn{0};    ///< parcel labels drawn; a label that would overlap an earlier one is left out
};

/// Draws `layer` with `outlines` on top (in the layer's CRS; labels in outline order, skipping any that would
/// overlap one already drawn). Same inputs → byte-identical PNG. Throws InputError naming the layer when its
/// pixels do not fit its grid, or the parcel when an outline has a coordinate that is not finite.
[[nodiscard]] RenderedMap render_map(const MapLayer& layer, const std::vector<ParcelOutline>& outlines,
                                     const MapOptions& options = {});

}  // namespace bluecarbon::report
