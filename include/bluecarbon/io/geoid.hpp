#pragma once
/// Ellipsoidal heights → heights above a geoid model, with PROJ (vgridshift over a geoid grid file).
/// PROJ stays behind this header (pImpl).
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/grid.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace bluecarbon {

/// Finds a geoid grid named in a project: an absolute path, a path relative to `project_dir`, or a file in
/// the tool's grids folder (grids_dir()). Throws CrsError naming the grid and the places looked in when none
/// exists.
[[nodiscard]] std::filesystem::path find_geoid_grid(const std::string& name, const std::filesystem::path& project_dir);

/// Metres per unit of a vertical unit name as GDAL band metadata states it ("m", "metre", "meter", "metres",
/// "ft", "foot", "US survey foot", "cm", ...; case-insensitive); nullopt for an empty or unknown name.
[[nodiscard]] std::optional<double> vertical_unit_to_metres(const std::string& unit) noexcept;

/// The unit of band `band` (1-based) of a raster file, as GDAL reports it (GetUnitType; empty when the file
/// states none). Throws InputError when the file cannot be opened or the band does not exist.
[[nodiscard]] std::string raster_band_unit(const std::filesystem::path& path, int band);

/// Converts ellipsoidal heights (m) at coordinates of a CRS to heights above the geoid of `geoid_grid`:
/// H = h − N(lon, lat), N bilinearly interpolated in the grid by PROJ.
///
/// Thread safety: an instance owns its own PJ_CONTEXT and PROJ objects and must be used by one thread at a
/// time; create one per thread (they are cheap to create and independent).
class GeoidConverter {
public:
    /// Throws CrsError when the CRS has no geodetic datum PROJ understands, the grid file does not exist, or
    /// PROJ cannot use it.
    GeoidConverter(const CrsInfo& crs, const std::filesystem::path& geoid_grid);
    ~GeoidConverter();
    GeoidConverter(GeoidConverter&&) noexcept;
    GeoidConverter& operator=(GeoidConverter&&) noexcept;
    GeoidConverter(const GeoidConverter&) = delete;
    GeoidConverter& operator=(const GeoidConverter&) = delete;

    [[nodiscard]] const std::filesystem::path& grid_path() const noexcept;

    /// Geoid undulation N (m) at each (x, y) of the CRS. Throws CrsError naming the first point outside the
    /// grid's coverage.
    void undulation(std::span<const double> x, std::span<const double> y, std::span<double> n_m);

    /// Converts the valid pixels of `heights` (ellipsoidal, in metres after `metres_per_unit`) on `grid` in
    /// place to metres above the geoid. N is evaluated by PROJ at the centre of every `step`-th pixel of the
    /// grid's rows and columns (and at its last row and column) and interpolated bilinearly in between: with
    /// step 1 every pixel is exact; the geoid varies over tens of kilometres, so a step of a few pixels changes
    /// the result by well under a millimetre for 10 m pixels. The sample positions belong to the grid, so a
    /// pixel's result is the same whatever window it is converted in (tile size does not matter). Throws
    /// CrsError when part of the block lies outside the geoid grid, std::out_of_range when the block's window
    /// is not inside `grid`.
    void to_geoid(const Grid& grid, Block<float>& heights, double metres_per_unit = 1.0, int step = 1);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace bluecarbon
