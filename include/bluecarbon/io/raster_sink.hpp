#pragma once
/// Writing rasters: a tiled GeoTIFF written tile by tile (from any thread, in any order) under a temporary
/// name, converted at the end into a Cloud-Optimised GeoTIFF with overviews, then renamed into place.
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/core/window.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon {

class OutputTransaction;

enum class PixelType { float32, uint8, int16 };
enum class Compression { deflate, zstd, lzw, none };

/// "deflate", "zstd", "lzw", "none" (lower case, as users write them) and back; nullopt for any other name.
[[nodiscard]] std::optional<Compression> compression_from_name(std::string_view name);
[[nodiscard]] const char* compression_name(Compression c);

struct ColorEntry {
    std::uint8_t r{0}, g{0}, b{0}, a{255};
};

struct RasterSinkOptions {
    PixelType type{PixelType::float32};
    Compression compression{Compression::deflate};
    /// Codec effort: DEFLATE 1-12 (libdeflate), ZSTD 1-22; 0 keeps GDAL's default (DEFLATE 6, ZSTD 9).
    /// Lower is faster to write and slightly larger (DEFLATE 1 costs about 2/3 of DEFLATE 6's time); ignored
    /// for LZW and none.
    int compression_level{0};
    /// Predictor before compression: floating-point for float32, horizontal differencing for integers. Off
    /// for rasters made of few distinct values (class maps, values looked up per class), where it makes the
    /// file larger and slower to write: DEFLATE then finds the repeated values directly.
    bool predictor{true};
    /// Invalid pixels are written as this value, which is the file's nodata.
    double nodata{-9999.0};
    /// Final product as a COG (with overviews). Off: a plain tiled GeoTIFF (still written atomically). Either way
    /// the tiles are stored in one order, so the file's bytes do not depend on threads or tile size.
    bool cog{true};
    std::int64_t block_size{512};
    /// GDAL's compression threads for this file (GTiff/COG NUM_THREADS); 0: all cores. A run bounded to N
    /// threads passes N (finish_all shares it among the sinks it finishes side by side).
    int gdal_threads{0};
    /// Band description shown by GIS tools (e.g. "NDVI"), and the unit (e.g. "Mg C/ha").
    std::string description;
    std::string unit;
    /// Class rasters: a colour table and category names indexed by pixel value (uint8 only). GeoTIFF has no
    /// tag for category names, so they are stored as band metadata items CATEGORY_<value>=<name>.
    std::vector<ColorEntry> color_table;
    std::vector<std::string> category_names;
    /// Extra dataset metadata (provenance: tool version, parameters, table versions).
    std::map<std::string, std::string> metadata;
    /// Overview resampling: "AVERAGE" for continuous data, "NEAREST" or "MODE" for classes.
    std::string overview_resampling{"AVERAGE"};
};

class RasterSink {
public:
    /// Creates the temporary file beside `final_path`. With a transaction, finish() leaves the finished file
    /// staged and the transaction's commit() renames it; without, finish() renames it at once.
    /// Throws InputError when the folder cannot be written.
    RasterSink(std::filesystem::path final_path, const Grid& grid, RasterSinkOptions options,
               OutputTransaction* transaction = nullptr);
    /// Removes the temporary file(s) if finish() was not reached.
    ~RasterSink();
    RasterSink(const RasterSink&) = delete;
    RasterSink& operator=(const RasterSink&) = delete;

    /// Writes one block (window in grid pixels). Invalid pixels (and NaN/inf) are written as nodata; integer
    /// types are rounded half away from zero and clamped to the type's range. Thread-safe (serialised
    /// internally); blocks may come in any order. Windows should not overlap. Fastest when windows are whole
    /// multiples of block_size aligned to it (each block goes straight to the file); other windows work too.
    void write(const Block<float>& block);
    void write(const Block<std::uint8_t>& block);
    /// Flushes, builds overviews and the COG, and renames (or stages) the result. Overviews for AVERAGE,
    /// NEAREST and MODE are computed here from 2x2 quads, nodata excluded (other resamplings by GDAL). On
    /// failure, throws IoError and leaves no file behind. Call once, after the last write().
    void finish();
    [[nodiscard]] const std::filesystem::path& path() const noexcept;

    /// Shard and checkpoint runs: from now on write() does not touch the file but keeps each block, converted
    /// to the file's type and compressed (zstd), until take_tile() collects it. The sink is then never finished.
    void capture_tiles();
    /// The captured block of window `w` (removed from the sink); throws std::logic_error when there is none.
    [[nodiscard]] std::vector<std::byte> take_tile(const Window& w);
    /// Writes a block that take_tile() returned (by this sink's options, in any process): the file then holds
    /// exactly what write() of the original block would have put there. Throws IoError for corrupt data.
    void write_tile(const Window& w, std::span<const std::byte> captured);

    /// How far finish_all has got: the share (0 to 1) of the sinks' finishing done, non-decreasing, 1 at the end.
    /// Called from finish_all's threads, one call at a time. Returning false stops the finishing: every sink is
    /// then cleaned up and finish_all throws the IoError of the interrupted one. Must not throw.
    using FinishProgress = std::function<bool(double share_done)>;

    /// Finishes several sinks, up to `threads` at a time: the overview and COG steps of different rasters run
    /// side by side, each compressing on threads / (sinks side by side) of GDAL's threads, so no more than
    /// `threads` are busy at once. Every sink is finished or cleaned up; the first failure in the order given is
    /// rethrown. Call once, after the last write() to any. `progress` (optional) follows the COG copies, the
    /// longest part (a 10000^2 stock run spends about half its time here).
    static void finish_all(std::span<RasterSink* const> sinks, int threads, const FinishProgress& progress = {});

private:
    void finish(bool release_memory);
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// All-or-nothing publication of several output files: each is written under a temporary name, and commit()
/// renames them all into place. If commit() is never reached, the destructor deletes every staged file, so a
/// failed run leaves no output behind.
class OutputTransaction {
public:
    OutputTransaction() = default;
    ~OutputTransaction();
    OutputTransaction(const OutputTransaction&) = delete;
    OutputTransaction& operator=(const OutputTransaction&) = delete;

    /// A fresh temporary path in the same folder as `final_path` (so rename is atomic), registered for commit.
    /// Thread-safe: sinks finished side by side (RasterSink::finish_all) stage their files concurrently.
    [[nodiscard]] std::filesystem::path stage(const std::filesystem::path& final_path);
    /// Renames every staged file to its final name.
    void commit();

private:
    std::mutex m_mutex;  // guards both members below
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> m_staged;  // temp, final
    bool m_committed{false};
};

/// Creates `dir` if needed and checks that files can be created in it. Throws InputError naming the folder.
void ensure_writable_dir(const std::filesystem::path& dir);

/// Writes `text` to `path` atomically (temporary name, then rename), or stages it in `transaction`.
void write_text_file(const std::filesystem::path& path, const std::string& text,
                     OutputTransaction* transaction = nullptr);

}  // namespace bluecarbon
