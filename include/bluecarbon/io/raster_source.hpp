#pragma once
/// Reading rasters onto the analysis grid. GDAL stays behind this header (pImpl).
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/grid.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon {

/// How an input is resampled when it is aligned to a grid it does not share. Nearest for class rasters;
/// bilinear or average for continuous ones.
enum class Resampling { nearest, bilinear, average, cubic };

struct RasterSourceOptions {
    /// Bands to expose, in order: a 1-based index ("3") or a band description/name ("nir"). Empty: all bands.
    std::vector<std::string> bands;
    /// Override the file's own scale/offset (applied as value * scale + offset to every selected band).
    std::optional<double> scale;
    std::optional<double> offset;
    /// Override the file's nodata value (raw, before scaling).
    std::optional<double> nodata;
    /// Values outside [valid_min, valid_max] (after scaling) are invalid pixels.
    std::optional<double> valid_min;
    std::optional<double> valid_max;
    /// Used only when the input is aligned to a grid it does not share.
    Resampling resampling{Resampling::nearest};
    /// How the target grid is named in error messages (e.g. the primary input's file name). Empty: "the
    /// analysis grid".
    std::string grid_name;
};

/// One input raster, read through its own grid or aligned (warped) onto a target grid.
/// read() is thread-safe: each concurrent caller gets its own GDAL dataset handle from an internal pool,
/// so no GDAL handle is ever shared between threads.
class RasterSource {
public:
    /// Opens `path` on its own grid. Throws InputError (missing file, not a raster, band out of range or
    /// unknown, no CRS) naming the path and the band.
    [[nodiscard]] static std::unique_ptr<RasterSource> open(const std::filesystem::path& path,
                                                            const RasterSourceOptions& options = {});
    /// Opens `path` aligned to `target`: the input is warped (GDAL warped VRT) when its CRS, resolution or
    /// origin differ. Throws GridMismatchError when the input does not overlap the target at all, and
    /// InputError when either has no CRS.
    [[nodiscard]] static std::unique_ptr<RasterSource> open_aligned(const std::filesystem::path& path,
                                                                    const Grid& target,
                                                                    const RasterSourceOptions& options = {});
    ~RasterSource();
    RasterSource(const RasterSource&) = delete;
    RasterSource& operator=(const RasterSource&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept;
    /// The grid reads are expressed in (the target grid when aligned).
    [[nodiscard]] const Grid& grid() const noexcept;
    /// Number of selected bands.
    [[nodiscard]] int band_count() const noexcept;
    /// Description of selected band i (0-based), or "band N" when the file has none.
    [[nodiscard]] std::string band_name(int i) const;
    /// The native block size of the file (first selected band), for tile alignment.
    [[nodiscard]] std::int64_t block_width() const noexcept;
    [[nodiscard]] std::int64_t block_height() const noexcept;
    /// True when reads go through a warp (CRS, resolution or origin differ from the file's own grid).
    [[nodiscard]] bool is_warped() const noexcept;

    /// Reads selected band `band` (0-based) over window `w` into `out` (resized to w). Scale/offset applied;
    /// nodata, NaN and out-of-range values become invalid pixels (valid = 0, px = 0). Thread-safe.
    /// Throws InputError naming the file when the data cannot be decoded (truncated or corrupt file).
    /// Pixels hidden by the file's mask or alpha band are invalid too. Scale/offset and the valid range are
    /// applied in float32. Reusing `out` across calls avoids reallocating its buffers.
    /// Throws std::out_of_range for a band or window outside the selection or the grid.
    void read(int band, const Window& w, Block<float>& out) const;

private:
    struct Impl;
    explicit RasterSource(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// The grid of a raster file (CRS, geotransform, size) without keeping it open.
[[nodiscard]] Grid read_grid(const std::filesystem::path& path);

}  // namespace bluecarbon
