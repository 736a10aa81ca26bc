#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include "cog_layout.hpp"
#include "gdal_util.hpp"
#include "output_files.hpp"
#include "tile_codec.hpp"

#include <fmt/format.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <cctype>
#include <optional>
#include <type_traits>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>

namespace bluecarbon {

namespace fs = std::filesystem;
using io::GdalErrorCapture;

namespace {

GDALDataType to_gdal(PixelType t) {
    switch (t) {
        case PixelType::float32: return GDT_Float32;
        case PixelType::uint8: return GDT_Byte;
        case PixelType::int16: return GDT_Int16;
    }
    return GDT_Float32;
}

const char* type_name(PixelType t) {
    switch (t) {
        case PixelType::float32: return "float32";
        case PixelType::uint8: return "uint8";
        case PixelType::int16: return "int16";
    }
    return "?";
}

// Converts one block to the file's type, invalid (and non-finite) pixels to nodata. Integer types are
// rounded to nearest and clamped to the type's range. Branch-free loops the compiler vectorises.
template <typename Out, typename In>
void convert(const Block<In>& b, Out nodata, Out* __restrict dst) {
    const std::size_t n = b.px.size();
    const In* __restrict px = b.px.data();
    const std::uint8_t* __restrict valid = b.valid.data();
    if constexpr (std::is_floating_point_v<Out>) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto v = static_cast<Out>(px[i]);
            const bool ok = (valid[i] != 0) & (v - v == 0);  // v - v is NaN for NaN and +-inf
            dst[i] = ok ? v : nodata;
        }
    } else if constexpr (std::is_floating_point_v<In>) {
        constexpr auto lo = static_cast<float>(std::numeric_limits<Out>::lowest());
        constexpr auto hi = static_cast<float>(std::numeric_limits<Out>::max());
        for (std::size_t i = 0; i < n; ++i) {
            const auto v = static_cast<float>(px[i]);
            const bool ok = (valid[i] != 0) & (v == v);
            const float c = std::min(std::max(v, lo), hi);
            const float r = c >= 0 ? c + 0.5F : c - 0.5F;  // round half away from zero
            dst[i] = ok ? static_cast<Out>(std::min(std::max(r, lo), hi)) : nodata;
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const auto v = static_cast<double>(px[i]);
            const double c = std::min(std::max(v, static_cast<double>(std::numeric_limits<Out>::lowest())),
                                      static_cast<double>(std::numeric_limits<Out>::max()));
            dst[i] = valid[i] != 0 ? static_cast<Out>(c) : nodata;
        }
    }
}

enum class OverviewMethod { average, nearest, mode };

std::optional<OverviewMethod> own_overview_method(const std::string& name) {
    std::string u;
    for (char c : name) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == "AVERAGE") return OverviewMethod::average;
    if (u == "NEAREST") return OverviewMethod::nearest;
    if (u == "MODE") return OverviewMethod::mode;
    return std::nullopt;
}

// Halves each axis of a `sw` x `sh` region of one overview level (rows `src_stride` apart) into
// ceil(sw/2) x ceil(sh/2) pixels of the next (rows `dst_stride` apart). Nodata pixels take no part. Average:
// the mean of the valid pixels (integers rounded half away from zero); nearest: the lower-right pixel of
// each 2x2 quad, as GDAL's nearest picks for a factor of 2; mode: the most frequent valid value (the first
// seen wins a tie).
template <typename T>
void reduce_2x2(const T* src, std::int64_t sw, std::int64_t sh, std::int64_t src_stride, T* dst,
                std::int64_t dst_stride, T nodata, OverviewMethod method) {
    const auto is_nodata = [nodata](T v) {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(nodata)) return std::isnan(v);
            return v == nodata || std::isnan(v);
        } else {
            return v == nodata;
        }
    };
    const std::int64_t dw = (sw + 1) / 2, dh = (sh + 1) / 2, stride = src_stride;
    for (std::int64_t r = 0; r < dh; ++r) {
        for (std::int64_t c = 0; c < dw; ++c) {
            T q[4];
            int n = 0;
            for (std::int64_t dr = 0; dr < 2; ++dr)
                for (std::int64_t dc = 0; dc < 2; ++dc) {
                    const std::int64_t sr = 2 * r + dr, sc = 2 * c + dc;
                    if (sr < sh && sc < sw) {
                        const T v = src[sr * stride + sc];
                        if (!is_nodata(v)) q[n++] = v;
                    }
                }
            T out = nodata;
            if (method == OverviewMethod::nearest) {
                const std::int64_t sr = std::min(2 * r + 1, sh - 1), sc = std::min(2 * c + 1, sw - 1);
                out = src[sr * stride + sc];
            } else if (n > 0 && method == OverviewMethod::average) {
                double sum = 0;
                for (int i = 0; i < n; ++i) sum += static_cast<double>(q[i]);
                const double mean = sum / n;
                if constexpr (std::is_floating_point_v<T>)
                    out = static_cast<T>(mean);
                else
                    out = static_cast<T>(mean >= 0 ? mean + 0.5 : mean - 0.5);
            } else if (n > 0) {
                int best = 0, best_count = 0;
                for (int i = 0; i < n; ++i) {
                    int count = 0;
                    for (int j = 0; j < n; ++j) count += q[j] == q[i];
                    if (count > best_count) {
                        best = i;
                        best_count = count;
                    }
                }
                out = q[best];
            }
            dst[r * dst_stride + c] = out;
        }
    }
}

// Per-thread scratch buffers reused across writes: no allocation, zero-fill or page faults per tile. A
// buffer grown for an unusually large block is released after use so it does not stay with the thread.
template <typename T>
class Scratch {
public:
    explicit Scratch(std::size_t n, int slot = 0) : m_buf(buffer(slot)) {
        if (m_buf.size() < n) m_buf.resize(n);
    }
    ~Scratch() {
        if (m_buf.size() > k_keep_elements) std::vector<T>().swap(m_buf);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    T* data() noexcept { return m_buf.data(); }

private:
    static constexpr std::size_t k_keep_elements = std::size_t{1} << 22;  // 4 Mi pixels (a 2048 x 2048 tile)
    static std::vector<T>& buffer(int slot) {
        thread_local std::vector<T> buffers[3];
        return buffers[slot];
    }
    std::vector<T>& m_buf;
};

bool fits(PixelType t, double v) {
    switch (t) {
        case PixelType::float32:
            return std::isnan(v) || std::abs(v) <= static_cast<double>(std::numeric_limits<float>::max());
        case PixelType::uint8: return v >= 0 && v <= 255 && v == std::floor(v);
        case PixelType::int16: return v >= -32768 && v <= 32767 && v == std::floor(v);
    }
    return false;
}

}  // namespace

std::optional<Compression> compression_from_name(std::string_view name) {
    for (Compression c : {Compression::deflate, Compression::zstd, Compression::lzw, Compression::none})
        if (name == compression_name(c)) return c;
    return std::nullopt;
}

const char* compression_name(Compression c) {
    switch (c) {
        case Compression::deflate: return "deflate";
        case Compression::zstd: return "zstd";
        case Compression::lzw: return "lzw";
        case Compression::none: return "none";
    }
    return "none";
}

struct RasterSink::Impl {
    fs::path final_path;
    Grid grid;
    RasterSinkOptions options;
    OutputTransaction* transaction{nullptr};
    fs::path temp_path;      // the tiled GeoTIFF written block by block
    fs::path cog_temp_path;  // the final file being built from it (the COG, or the plain file's tiles in order)
    std::mutex mutex;
    GDALDatasetUniquePtr ds;
    GDALRasterBand* band{nullptr};
    bool finished{false};
    bool failed{false};
    // The COG is the intermediate's tiles rearranged (io::write_cog_layout), not re-encoded by the COG driver:
    // uncompressed output with overviews we compute ourselves.
    bool own_layout{false};
    // Overview levels we compute ourselves (factors 2, 4, ...) while finishing, so the COG driver only has
    // to copy them; empty when the COG driver computes them (resampling methods we do not implement).
    std::vector<int> overview_factors;
    // The first overview level is filled as the windows are written (each halved on the writing
    // thread), so finishing never decodes the full-resolution tiles again. Off as soon as a window does not
    // start on an even pixel (its 2x2 quads would straddle two windows): finish then builds it from the image.
    std::atomic<bool> first_level_from_windows{false};
    // Set by finish_all: this sink's share (0 to 1) of its COG copy done; false stops the copy.
    std::function<bool(double)> progress;
    // Shard runs: converted, compressed blocks by window origin (row, column), until take_tile().
    bool capturing{false};
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::byte>> captured;

    void create();
    template <typename Out>
    void capture(const Window& w, const Out* px);
    [[nodiscard]] std::size_t pixel_bytes() const noexcept;
    template <typename In>
    void write(const Block<In>& b);
    template <typename Out>
    void write_converted(const Window& w, const Out* px);
    /// `release_memory`: empty GDAL's process-wide block cache first. Only when no other sink is being finished
    /// at the same time (the flush would write their dirty blocks from this thread).
    void finish(bool release_memory);
    void create_overview_levels();
    void build_overviews();
    template <typename Out>
    void reduce_window(const Window& w, const Out* px);
    // Writes the blocks the tile phase left in GDAL's cache (windows not aligned to blocks) to the file.
    void flush_tile_phase();
    // Fills overview level `to` from the level above; returns what failed, or nullptr.
    template <typename T>
    const char* build_overview_level(GDALRasterBand& from, GDALRasterBand& to, OverviewMethod method);
    void build_cog();
    // A GDALProgressFunc over `progress` (a std::function<bool(double)>*).
    static int CPL_STDCALL report_progress(double done, const char* message, void* progress);
    static void release_tile_phase_memory() noexcept;
    void close_dataset();
    void cleanup() noexcept;
};

void RasterSink::Impl::create() {
    const auto& o = options;
    const std::string where = final_path.string();
    if (o.block_size < 16 || o.block_size % 16 != 0 || o.block_size > 4096)
        throw ConfigError(fmt::format("{}: block size {} must be a multiple of 16 between 16 and 4096", where,
                                      o.block_size));
    if (!fits(o.type, o.nodata))
        throw ConfigError(
            fmt::format("{}: nodata {} does not fit the output type {}", where, o.nodata, type_name(o.type)));
    if ((!o.color_table.empty() || !o.category_names.empty()) && o.type != PixelType::uint8)
        throw ConfigError(where + ": a colour table or category names need the uint8 output type");
    if (o.overview_resampling.empty()) throw ConfigError(where + ": overview resampling must not be empty");
    const int max_level = o.compression == Compression::zstd ? 22 : 12;
    if (o.compression_level < 0 || o.compression_level > max_level)
        throw ConfigError(fmt::format("{}: compression level {} is outside 0-{}", where, o.compression_level,
                                      max_level));

    const fs::path dir = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
    ensure_writable_dir(dir);
    temp_path = io::temp_path_beside(final_path);

    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (gtiff == nullptr) throw IoError(final_path, "the GDAL GTiff driver is not available");

    CPLStringList co;
    co.SetNameValue("TILED", "YES");
    co.SetNameValue("BLOCKXSIZE", std::to_string(o.block_size).c_str());
    co.SetNameValue("BLOCKYSIZE", std::to_string(o.block_size).c_str());
    co.SetNameValue("BIGTIFF", "IF_SAFER");
    // Uncompressed output: the COG is this file with its overviews, its tiles copied into the COG layout (one
    // write and one copy of the image instead of a write and two re-reads). Compressed output gains nothing from
    // it (GDAL's compression threads then run beside ours in the tile phase; measured no faster).
    own_layout = o.cog && o.compression == Compression::none && own_overview_method(o.overview_resampling).has_value();
    if (o.cog && !own_layout) {
        // The COG driver computes the overviews, decoding the intermediate once more and re-encoding it, so it
        // is stored uncompressed: no encoding cost while the tiles are computed, and the fastest possible
        // re-read. Blocks never written are left sparse (they read back as nodata).
        co.SetNameValue("COMPRESS", "NONE");
        co.SetNameValue("SPARSE_OK", "TRUE");
    } else {
        co.SetNameValue("COMPRESS", io::gdal_compress_option(o.compression));
        if (o.compression != Compression::none && o.predictor)
            co.SetNameValue("PREDICTOR", o.type == PixelType::float32 ? "3" : "2");
        if (o.compression_level > 0 && o.compression == Compression::deflate)
            co.SetNameValue("ZLEVEL", std::to_string(o.compression_level).c_str());
        if (o.compression_level > 0 && o.compression == Compression::zstd)
            co.SetNameValue("ZSTD_LEVEL", std::to_string(o.compression_level).c_str());
        // Compression runs on GDAL's worker threads while our threads compute the next tiles.
        co.SetNameValue("NUM_THREADS", io::gdal_num_threads(o.gdal_threads).c_str());
    }

    GdalErrorCapture capture;
    GDALDataset* raw = gtiff->Create(temp_path.c_str(), static_cast<int>(grid.width()),
                                     static_cast<int>(grid.height()), 1, to_gdal(o.type), co.List());
    if (raw == nullptr)
        throw IoError(final_path, io::with_detail("cannot create the output GeoTIFF", capture.errors()));
    ds.reset(raw);
    band = ds->GetRasterBand(1);

    auto gt = grid.transform().to_gdal();
    ds->SetGeoTransform(gt.data());
    if (!grid.crs().empty()) {
        const OGRSpatialReference srs = io::srs_from_wkt(grid.crs().wkt);
        ds->SetSpatialRef(&srs);
    }
    band->SetNoDataValue(o.nodata);
    if (!o.description.empty()) band->SetDescription(o.description.c_str());
    if (!o.unit.empty()) band->SetUnitType(o.unit.c_str());
    if (!o.color_table.empty()) {
        GDALColorTable table;
        for (std::size_t i = 0; i < o.color_table.size() && i < 256; ++i) {
            const auto& c = o.color_table[i];
            const GDALColorEntry e{c.r, c.g, c.b, c.a};
            table.SetColorEntry(static_cast<int>(i), &e);
        }
        band->SetColorTable(&table);
    }
    // GeoTIFF has no tag for category names (GDAL keeps them in a .aux.xml side file, which we do not
    // write), so they are stored as band metadata CATEGORY_<value>=<name>, which travels inside the file.
    for (std::size_t i = 0; i < o.category_names.size() && i < 256; ++i)
        if (!o.category_names[i].empty())
            band->SetMetadataItem(("CATEGORY_" + std::to_string(i)).c_str(), o.category_names[i].c_str());
    for (const auto& [key, value] : o.metadata) ds->SetMetadataItem(key.c_str(), value.c_str());
    if (capture.failed()) throw IoError(final_path, "cannot set up the output GeoTIFF: " + capture.errors());
    // Overviews we compute: the levels exist from the start, so the first one is filled as the windows arrive.
    if (o.cog && own_overview_method(o.overview_resampling)) create_overview_levels();
}

void RasterSink::Impl::create_overview_levels() {
    // The levels the COG driver would make: halve until the smallest level fits in one block.
    const std::int64_t bs = options.block_size;
    std::int64_t w = grid.width(), h = grid.height();
    int factor = 1;
    while (w > bs || h > bs) {
        factor *= 2;
        w = (grid.width() + factor - 1) / factor;
        h = (grid.height() + factor - 1) / factor;
        overview_factors.push_back(factor);
    }
    if (overview_factors.empty()) return;
    GdalErrorCapture capture;
    // "NONE": create the overview levels empty; they are filled from the data (reduce_window, build_overviews).
    if (ds->BuildOverviews("NONE", static_cast<int>(overview_factors.size()), overview_factors.data(), 0, nullptr,
                           nullptr, nullptr, nullptr) != CE_None ||
        band->GetOverviewCount() != static_cast<int>(overview_factors.size()))
        throw IoError(final_path, io::with_detail("cannot create overview levels", capture.errors()));
    first_level_from_windows = true;
}

template <typename Out>
void RasterSink::Impl::reduce_window(const Window& w, const Out* px) {
    constexpr GDALDataType type = std::is_same_v<Out, float>          ? GDT_Float32
                                  : std::is_same_v<Out, std::uint8_t> ? GDT_Byte
                                                                      : GDT_Int16;
    // Quads must not straddle windows: even origin, and an even size unless the window ends at the grid's edge.
    const bool even = w.col_off % 2 == 0 && w.row_off % 2 == 0 && (w.cols % 2 == 0 || w.col_end() == grid.width()) &&
                      (w.rows % 2 == 0 || w.row_end() == grid.height());
    if (!even) {
        std::lock_guard lock(mutex);
        first_level_from_windows = false;
        return;
    }
    const std::int64_t dw = (w.cols + 1) / 2, dh = (w.rows + 1) / 2;
    Scratch<Out> half(static_cast<std::size_t>(dw * dh), 2);
    reduce_2x2(px, w.cols, w.rows, w.cols, half.data(), dw, static_cast<Out>(options.nodata),
               *own_overview_method(options.overview_resampling));
    std::lock_guard lock(mutex);
    if (!first_level_from_windows || finished || !ds) return;
    GdalErrorCapture capture;
    // Through GDAL's block cache: a level-1 block gathers the halves of up to four windows before it is written.
    if (band->GetOverview(0)->RasterIO(GF_Write, static_cast<int>(w.col_off / 2), static_cast<int>(w.row_off / 2),
                                       static_cast<int>(dw), static_cast<int>(dh), half.data(), static_cast<int>(dw),
                                       static_cast<int>(dh), type, 0, 0, nullptr) != CE_None) {
        failed = true;
        throw IoError(final_path, io::with_detail("cannot write an overview block", capture.errors()));
    }
}

template <typename Out>
void RasterSink::Impl::write_converted(const Window& w, const Out* px) {
    constexpr GDALDataType type = std::is_same_v<Out, float>          ? GDT_Float32
                                  : std::is_same_v<Out, std::uint8_t> ? GDT_Byte
                                                                      : GDT_Int16;
    const std::int64_t bs = options.block_size;
    if (first_level_from_windows) reduce_window(w, px);
    std::lock_guard lock(mutex);
    if (finished || !ds) throw std::logic_error("RasterSink::write after finish()");
    GdalErrorCapture capture;
    CPLErr err = CE_None;
    const bool block_aligned = w.col_off % bs == 0 && w.row_off % bs == 0 &&
                               (w.cols % bs == 0 || w.col_end() == grid.width()) &&
                               (w.rows % bs == 0 || w.row_end() == grid.height());
    if (block_aligned && w.cols == bs && w.rows == bs) {
        // One whole block: straight to the GeoTIFF (WriteBlock bypasses GDAL's block cache, so no dirty
        // blocks pile up there and memory stays at a tile per thread).
        err = band->WriteBlock(static_cast<int>(w.col_off / bs), static_cast<int>(w.row_off / bs),
                               const_cast<Out*>(px));
    } else if (block_aligned) {
        // Several blocks, or a partial block at the grid's edge: block by block, padded with nodata.
        Scratch<Out> block(static_cast<std::size_t>(bs * bs), 1);
        for (std::int64_t r0 = w.row_off; r0 < w.row_end() && err == CE_None; r0 += bs) {
            for (std::int64_t c0 = w.col_off; c0 < w.col_end() && err == CE_None; c0 += bs) {
                const std::int64_t nc = std::min(bs, w.col_end() - c0), nr = std::min(bs, w.row_end() - r0);
                if (nc < bs || nr < bs)
                    std::fill(block.data(), block.data() + bs * bs, static_cast<Out>(options.nodata));
                for (std::int64_t r = 0; r < nr; ++r) {
                    const Out* src = px + (r0 - w.row_off + r) * w.cols + (c0 - w.col_off);
                    std::copy(src, src + nc, block.data() + r * bs);
                }
                err = band->WriteBlock(static_cast<int>(c0 / bs), static_cast<int>(r0 / bs), block.data());
            }
        }
    } else {
        err = band->RasterIO(GF_Write, static_cast<int>(w.col_off), static_cast<int>(w.row_off),
                             static_cast<int>(w.cols), static_cast<int>(w.rows), const_cast<Out*>(px),
                             static_cast<int>(w.cols), static_cast<int>(w.rows), type, 0, 0, nullptr);
    }
    if (err != CE_None) {
        failed = true;
        throw IoError(final_path, io::with_detail(fmt::format("cannot write rows {}-{}, columns {}-{}", w.row_off,
                                                              w.row_end() - 1, w.col_off, w.col_end() - 1),
                                                  capture.errors()));
    }
}

template <typename In>
void RasterSink::Impl::write(const Block<In>& b) {
    const Window& w = b.window;
    if (w.empty() || w.col_off < 0 || w.row_off < 0 || w.col_end() > grid.width() || w.row_end() > grid.height())
        throw std::out_of_range(fmt::format("RasterSink::write {}: window outside the grid", final_path.string()));
    if (b.px.size() != static_cast<std::size_t>(w.size()) || b.valid.size() != b.px.size())
        throw std::invalid_argument(
            fmt::format("RasterSink::write {}: block buffers do not match the window", final_path.string()));
    // Conversion happens before taking the lock, so threads only queue for the file write itself.
    switch (options.type) {
        case PixelType::float32: {
            Scratch<float> px(b.px.size());
            convert<float>(b, static_cast<float>(options.nodata), px.data());
            capturing ? capture(w, px.data()) : write_converted<float>(w, px.data());
            break;
        }
        case PixelType::uint8: {
            Scratch<std::uint8_t> px(b.px.size());
            convert<std::uint8_t>(b, static_cast<std::uint8_t>(options.nodata), px.data());
            capturing ? capture(w, px.data()) : write_converted<std::uint8_t>(w, px.data());
            break;
        }
        case PixelType::int16: {
            Scratch<std::int16_t> px(b.px.size());
            convert<std::int16_t>(b, static_cast<std::int16_t>(options.nodata), px.data());
            capturing ? capture(w, px.data()) : write_converted<std::int16_t>(w, px.data());
            break;
        }
    }
}

template <typename Out>
void RasterSink::Impl::capture(const Window& w, const Out* px) {
    // Compressed on the calling thread, outside the lock, like the conversion.
    auto data = io::compress_tile({reinterpret_cast<const std::byte*>(px), static_cast<std::size_t>(w.size()) *
                                                                               sizeof(Out)});
    std::lock_guard lock(mutex);
    captured[{w.row_off, w.col_off}] = std::move(data);
}

std::size_t RasterSink::Impl::pixel_bytes() const noexcept {
    switch (options.type) {
        case PixelType::float32: return 4;
        case PixelType::uint8: return 1;
        case PixelType::int16: return 2;
    }
    return 4;
}

void RasterSink::Impl::close_dataset() {
    if (!ds) return;
    GdalErrorCapture capture;
    GDALDataset* raw = ds.release();
    band = nullptr;
    // GDAL 3.6's GDALClose returns nothing: a failed flush shows only as a captured error.
    GDALClose(GDALDataset::ToHandle(raw));
    if (capture.failed())
        throw IoError(final_path, io::with_detail("cannot finish writing the GeoTIFF", capture.errors()));
}

template <typename T>
const char* RasterSink::Impl::build_overview_level(GDALRasterBand& from, GDALRasterBand& to,
                                                   OverviewMethod method) {
    constexpr GDALDataType type = std::is_same_v<T, float>          ? GDT_Float32
                                  : std::is_same_v<T, std::uint8_t> ? GDT_Byte
                                                                    : GDT_Int16;
    const std::int64_t fw = from.GetXSize(), fh = from.GetYSize(), tw = to.GetXSize(), th = to.GetYSize();
    // One target block at a time, from the 2x2 times larger region of the level above, written with WriteBlock
    // (padded with nodata at the right and bottom edges): no dirty block ever sits in GDAL's process-wide
    // cache, so another thread finishing another raster never has to flush one of ours.
    int bw = 0, bh = 0;
    to.GetBlockSize(&bw, &bh);
    const auto nodata = static_cast<T>(options.nodata);
    std::vector<T> src(static_cast<std::size_t>(4 * bw) * static_cast<std::size_t>(bh));
    std::vector<T> dst(static_cast<std::size_t>(bw) * static_cast<std::size_t>(bh));
    for (std::int64_t ty = 0; ty < th; ty += bh) {
        for (std::int64_t tx = 0; tx < tw; tx += bw) {
            const std::int64_t tcw = std::min<std::int64_t>(bw, tw - tx), tch = std::min<std::int64_t>(bh, th - ty);
            const std::int64_t sw = std::min(2 * tcw, fw - 2 * tx), sh = std::min(2 * tch, fh - 2 * ty);
            if (from.RasterIO(GF_Read, static_cast<int>(2 * tx), static_cast<int>(2 * ty), static_cast<int>(sw),
                              static_cast<int>(sh), src.data(), static_cast<int>(sw), static_cast<int>(sh), type, 0,
                              0, nullptr) != CE_None)
                return "cannot read back the image to build overviews";
            if (tcw < bw || tch < bh) std::fill(dst.begin(), dst.end(), nodata);
            reduce_2x2(src.data(), sw, sh, sw, dst.data(), bw, nodata, method);
            if (to.WriteBlock(static_cast<int>(tx / bw), static_cast<int>(ty / bh), dst.data()) != CE_None)
                return "cannot write an overview block";
        }
    }
    return nullptr;
}

void RasterSink::Impl::build_overviews() {
    const auto method = own_overview_method(options.overview_resampling);
    if (!method) return;  // left to the COG driver
    if (overview_factors.empty()) return;
    GdalErrorCapture capture;
    // Each level from the one above; the first one is already filled when every window could be halved.
    for (int i = first_level_from_windows ? 1 : 0; i < band->GetOverviewCount(); ++i) {
        GDALRasterBand& from = i == 0 ? *band : *band->GetOverview(i - 1);
        GDALRasterBand& to = *band->GetOverview(i);
        const char* failure = nullptr;
        switch (options.type) {
            case PixelType::float32: failure = build_overview_level<float>(from, to, *method); break;
            case PixelType::uint8: failure = build_overview_level<std::uint8_t>(from, to, *method); break;
            case PixelType::int16: failure = build_overview_level<std::int16_t>(from, to, *method); break;
        }
        if (failure != nullptr) throw IoError(final_path, io::with_detail(failure, capture.errors()));
    }
    if (capture.failed()) throw IoError(final_path, "cannot build overviews: " + capture.errors());
}

int CPL_STDCALL RasterSink::Impl::report_progress(double done, const char*, void* progress) {
    try {
        return (*static_cast<const std::function<bool(double)>*>(progress))(done) ? TRUE : FALSE;
    } catch (...) {  // nothing may be thrown through GDAL's C frames: stop the copy instead
        return FALSE;
    }
}

void RasterSink::Impl::release_tile_phase_memory() noexcept {
    // Process-wide (the shared block cache, the heap): only under a GdalSession that asks for it.
    if (!GdalSession::releases_memory()) return;
    // Building overviews and the COG streams the whole raster through GDAL's block cache. Blocks still cached from the tile
    // phase (inputs read, mostly) are not needed again, so empty the cache first (GDALFlushCacheBlock drops
    // the least recently used block, writing it first if dirty), and hand the heap pages freed by the tile
    // phase back to the system: peak memory is then the larger of the two phases, not their sum.
    while (GDALFlushCacheBlock() != FALSE) {
    }
#ifdef __GLIBC__
    malloc_trim(0);
    // The finish allocates and frees a block buffer per block read (1 MB for 512 x 512 float32). glibc's
    // adaptive thresholds serve those from the heap only once the process has freed a large mmapped buffer (a
    // stock run's statistics do; a merge never does): otherwise each one is a fresh mmap, page-faulted and
    // zeroed. Fixed at what the adaptive ones reach (32 MB mmap, 64 MB trim), the finish costs the same in
    // every process (measured: a merge's finish 1.2-1.5 CPU-s -> 0.8, as the single run's, on 2000^2).
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

void RasterSink::Impl::build_cog() {
    cog_temp_path = io::temp_path_beside(final_path);
    GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
    if (cog == nullptr) throw IoError(final_path, "the GDAL COG driver is not available");
    GdalErrorCapture capture;
    GDALDatasetUniquePtr src(GDALDataset::Open(temp_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!src) throw IoError(final_path, io::with_detail("cannot reopen the intermediate GeoTIFF", capture.errors()));
    CPLStringList co;
    co.SetNameValue("COMPRESS", io::gdal_compress_option(options.compression));
    if (options.compression != Compression::none && options.predictor)
        co.SetNameValue("PREDICTOR", options.type == PixelType::float32 ? "FLOATING_POINT" : "STANDARD");
    if (options.compression_level > 0 &&
        (options.compression == Compression::deflate || options.compression == Compression::zstd))
        co.SetNameValue("LEVEL", std::to_string(options.compression_level).c_str());
    co.SetNameValue("BLOCKSIZE", std::to_string(options.block_size).c_str());
    co.SetNameValue("OVERVIEW_RESAMPLING", options.overview_resampling.c_str());
    if (!overview_factors.empty()) co.SetNameValue("OVERVIEWS", "FORCE_USE_EXISTING");
    co.SetNameValue("NUM_THREADS", io::gdal_num_threads(options.gdal_threads).c_str());
    co.SetNameValue("BIGTIFF", "IF_SAFER");
    GDALDataset* out = cog->CreateCopy(cog_temp_path.c_str(), src.get(), FALSE, co.List(),
                                       progress ? report_progress : nullptr, &progress);
    if (out == nullptr)
        throw IoError(final_path, io::with_detail("cannot build the Cloud-Optimised GeoTIFF", capture.errors()));
    GDALClose(GDALDataset::ToHandle(out));
    if (capture.failed())
        throw IoError(final_path,
                      io::with_detail("cannot finish writing the Cloud-Optimised GeoTIFF", capture.errors()));
}

void RasterSink::Impl::finish(bool release_memory) {
    std::lock_guard lock(mutex);
    if (finished) throw std::logic_error("RasterSink::finish called twice");
    if (failed) throw IoError(final_path, "an earlier write failed; the output is incomplete");
    // Our own files get no .aux.xml side file, whatever GDAL would otherwise store there.
    io::ScopedThreadConfig no_pam("GDAL_PAM_ENABLED", "NO");
    if (options.cog && release_memory) release_tile_phase_memory();
    if (options.cog && ds) build_overviews();
    close_dataset();
    fs::path done = temp_path;
    if (options.cog) {
        if (own_layout) {
            cog_temp_path = io::temp_path_beside(final_path);
            io::write_cog_layout(temp_path, cog_temp_path);
        } else {
            build_cog();
        }
        std::error_code ec;
        fs::remove(temp_path, ec);
        done = cog_temp_path;
    } else {
        // GDAL stored each tile where the file ended when it was flushed, so the order depends on threads and
        // tile size; copied in row-major order, the bytes do not.
        cog_temp_path = io::temp_path_beside(final_path);
        io::write_row_major_layout(temp_path, cog_temp_path);
        std::error_code ec;
        fs::remove(temp_path, ec);
        done = cog_temp_path;
    }
    const fs::path target = transaction != nullptr ? transaction->stage(final_path) : final_path;
    std::error_code ec;
    fs::rename(done, target, ec);
    if (ec) throw IoError(final_path, "cannot move the finished file into place: " + ec.message());
    finished = true;
}

void RasterSink::Impl::flush_tile_phase() {
    std::lock_guard lock(mutex);
    if (!ds) return;
    io::ScopedThreadConfig no_pam("GDAL_PAM_ENABLED", "NO");
    GdalErrorCapture capture;
    ds->FlushCache(false);
    if (capture.failed()) {
        failed = true;
        throw IoError(final_path, io::with_detail("cannot write the last blocks", capture.errors()));
    }
}

void RasterSink::Impl::cleanup() noexcept {
    try {
        io::ScopedThreadConfig no_pam("GDAL_PAM_ENABLED", "NO");
        if (ds) {
            GdalErrorCapture capture;  // errors closing an abandoned file do not matter
            ds.reset();
        }
    } catch (...) {
    }
    std::error_code ec;
    for (const auto& p : {temp_path, cog_temp_path}) {
        if (p.empty()) continue;
        fs::remove(p, ec);
        // The COG driver's own temporary overview file, should it have been interrupted.
        fs::remove(fs::path(p.string() + ".ovr.tmp"), ec);
    }
}

RasterSink::RasterSink(fs::path final_path, const Grid& grid, RasterSinkOptions options,
                       OutputTransaction* transaction)
    : m_impl(std::make_unique<Impl>()) {
    ensure_gdal_ready();
    m_impl->final_path = std::move(final_path);
    m_impl->grid = grid;
    m_impl->options = std::move(options);
    m_impl->transaction = transaction;
    io::ScopedThreadConfig no_pam("GDAL_PAM_ENABLED", "NO");
    try {
        m_impl->create();
    } catch (...) {
        m_impl->cleanup();
        throw;
    }
}

RasterSink::~RasterSink() {
    if (m_impl && !m_impl->finished) m_impl->cleanup();
}

void RasterSink::write(const Block<float>& block) { m_impl->write(block); }
void RasterSink::write(const Block<std::uint8_t>& block) { m_impl->write(block); }

void RasterSink::finish() { finish(true); }

void RasterSink::finish(bool release_memory) {
    try {
        m_impl->finish(release_memory);
    } catch (const std::logic_error&) {
        throw;
    } catch (...) {
        m_impl->failed = true;
        m_impl->cleanup();
        throw;
    }
}

void RasterSink::finish_all(std::span<RasterSink* const> sinks, int threads, const FinishProgress& progress) {
    // First, on this thread: every sink's cached blocks to its file, then GDAL's cache emptied once. From then
    // on no sink has a dirty block in the shared cache (overviews are written block by block, the COG driver
    // writes its tiles directly), so finishing them side by side never makes one thread write another's file.
    std::vector<std::exception_ptr> errors(sinks.size());
    for (std::size_t i = 0; i < sinks.size(); ++i) {
        try {
            sinks[i]->m_impl->flush_tile_phase();
        } catch (...) {
            errors[i] = std::current_exception();
        }
    }
    Impl::release_tile_phase_memory();
    // Each sink's share done; their mean is what `progress` sees. Once it says stop, every sink stops.
    std::mutex progress_mutex;
    std::vector<double> share(sinks.size(), 0.0);
    double reported = 0;
    bool stopped = false;
    auto report = [&](std::size_t i, double done) {
        std::lock_guard lock(progress_mutex);
        share[i] = std::max(share[i], std::clamp(done, 0.0, 1.0));
        if (!progress || stopped) return !stopped;
        double mean = 0;
        for (double s : share) mean += s;
        mean /= static_cast<double>(share.size());
        if (mean > reported) {
            reported = mean;
            stopped = !progress(mean);
        }
        return !stopped;
    };
    struct ForgetProgress {  // the sinks' reporters refer to this call's locals: gone when it returns, however
        std::span<RasterSink* const> sinks;
        ~ForgetProgress() {
            for (auto* sink : sinks) sink->m_impl->progress = nullptr;
        }
    } forget{sinks};
    if (progress)
        for (std::size_t i = 0; i < sinks.size(); ++i)
            sinks[i]->m_impl->progress = [&report, i](double done) { return report(i, done); };
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < sinks.size(); i = next++) {
            if (errors[i]) {
                sinks[i]->m_impl->cleanup();
                continue;
            }
            try {
                sinks[i]->finish(false);
                report(i, 1.0);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const std::size_t n_threads = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), 1,
                                                          std::max<std::size_t>(sinks.size(), 1));
    // The thread budget is shared: n_threads sinks side by side, each compressing on its share.
    if (threads > 0)
        for (auto* sink : sinks)
            sink->m_impl->options.gdal_threads = std::max(1, threads / static_cast<int>(n_threads));
    std::vector<std::thread> pool;
    try {
        for (std::size_t t = 1; t < n_threads; ++t) pool.emplace_back(worker);
    } catch (const std::system_error&) {
        // No more threads to be had: those started (and this one) share the sinks.
    }
    worker();
    for (auto& t : pool) t.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

const fs::path& RasterSink::path() const noexcept { return m_impl->final_path; }

void RasterSink::capture_tiles() {
    std::lock_guard lock(m_impl->mutex);
    m_impl->capturing = true;
#ifdef __GLIBC__
    // Captured blocks (compressed, tens to hundreds of KB, freed once journalled) raise glibc's adaptive mmap
    // threshold and then fragment the heap: a shard's peak memory grew by ~0.3 MB per tile (10000^2, 512^2
    // tiles: 146 MB for 100 tiles against 106 MB with the threshold fixed at its default, same CPU). Process-wide,
    // so only under a GdalSession that manages memory.
    if (GdalSession::releases_memory()) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

std::vector<std::byte> RasterSink::take_tile(const Window& w) {
    std::lock_guard lock(m_impl->mutex);
    auto it = m_impl->captured.find({w.row_off, w.col_off});
    if (it == m_impl->captured.end())
        throw std::logic_error("RasterSink::take_tile: no block captured at " + std::to_string(w.row_off) + "," +
                               std::to_string(w.col_off));
    std::vector<std::byte> data = std::move(it->second);
    m_impl->captured.erase(it);
    return data;
}

void RasterSink::write_tile(const Window& w, std::span<const std::byte> captured) {
    if (w.empty() || w.col_off < 0 || w.row_off < 0 || w.col_end() > m_impl->grid.width() ||
        w.row_end() > m_impl->grid.height())
        throw std::out_of_range(fmt::format("RasterSink::write_tile {}: window outside the grid", path().string()));
    const auto n = static_cast<std::size_t>(w.size());
    // Decompressed into the thread's conversion scratch (what write() converts into): no buffer per tile.
    const auto unpack = [&](auto* px) {
        try {
            io::decompress_tile(captured, {reinterpret_cast<std::byte*>(px), n * sizeof(*px)});
        } catch (const std::runtime_error& e) {
            throw IoError(path(), fmt::format("tile at rows {}-{}, columns {}-{}: {}", w.row_off, w.row_end() - 1,
                                              w.col_off, w.col_end() - 1, e.what()));
        }
        m_impl->write_converted(w, px);
    };
    switch (m_impl->options.type) {
        case PixelType::float32: {
            Scratch<float> px(n);
            unpack(px.data());
            break;
        }
        case PixelType::uint8: {
            Scratch<std::uint8_t> px(n);
            unpack(px.data());
            break;
        }
        case PixelType::int16: {
            Scratch<std::int16_t> px(n);
            unpack(px.data());
            break;
        }
    }
}

}  // namespace bluecarbon
