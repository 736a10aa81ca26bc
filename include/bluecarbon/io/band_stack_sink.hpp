#pragma once
/// Writing a multi-band uint16 raster tile by tile — e.g. Sentinel-2-like reflectance stored as DN with the
/// reflectance scale in each band's metadata. RasterSink (raster_sink.hpp) writes one float32/uint8/int16
/// band; this writes several uint16 bands of one grid into one band-interleaved (planar) tiled GeoTIFF, so a
/// reader of one band decodes only that band's tiles. Like RasterSink it writes under a temporary name and
/// publishes the file at finish() (or through an OutputTransaction), and removes it if finish() is never reached.
/// The tiles are stored band by band in row-major order, so the bytes do not depend on the order they came in.
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon {

struct BandStackSinkOptions {
    /// One description per band (e.g. "green", "red", "nir", "swir1"); their number is the band count (>= 1).
    std::vector<std::string> band_descriptions;
    /// Invalid pixels are written as this value, which is every band's nodata.
    std::uint16_t nodata{0};
    /// Written as every band's scale and offset (value = DN x scale + offset), when given.
    std::optional<double> scale;
    std::optional<double> offset;
    Compression compression{Compression::deflate};
    /// Codec effort: DEFLATE 1-12, ZSTD 1-22; 0 keeps GDAL's default. Ignored for LZW and none.
    int compression_level{0};
    /// Tile edge of the GeoTIFF, a multiple of 16 (16..4096).
    std::int64_t block_size{512};
    /// GDAL's compression threads (NUM_THREADS); 0: all cores.
    int gdal_threads{0};
    /// Extra dataset metadata (provenance).
    std::map<std::string, std::string> metadata;
};

class BandStackSink {
  public:
    /// Creates the temporary file beside `final_path`. Throws InputError when the folder cannot be written,
    /// ConfigError for bad options.
    BandStackSink(std::filesystem::path final_path, const Grid& grid, BandStackSinkOptions options,
                  OutputTransaction* transaction = nullptr);
    ~BandStackSink();
    BandStackSink(const BandStackSink&) = delete;
    BandStackSink& operator=(const BandStackSink&) = delete;

    [[nodiscard]] int band_count() const noexcept;
    /// Writes one block of band `band` (0-based); invalid pixels are written as nodata. Thread-safe
    /// (serialised internally); blocks and bands may come in any order.
    void write(int band, const Block<std::uint16_t>& block);
    /// Flushes and renames (or stages) the file.
    void finish();
    [[nodiscard]] const std::filesystem::path& path() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace bluecarbon
