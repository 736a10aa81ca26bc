#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include "gdal_util.hpp"
#include "output_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
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

const char* compress_name(Compression c) {
    switch (c) {
        case Compression::deflate: return "DEFLATE";
        case Compression::zstd: return "ZSTD";
        case Compression::lzw: return "LZW";
        case Compression::none: return "NONE";
    }
    return "NONE";
}

// Converts one block to the file's type, invalid (and non-finite) pixels to nodata. Integer types are
// rounded to nearest and clamped to the type's range. Branch-free loops the compiler vectorises.
template <typename Out, typename In>
void convert(const Block<In>& b, Out nodata, std::vector<Out>& out) {
    const std::size_t n = b.px.size();
    out.resize(n);
    const In* px = b.px.data();
    const std::uint8_t* valid = b.valid.data();
    Out* dst = out.data();
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

struct RasterSink::Impl {
    fs::path final_path;
    Grid grid;
    RasterSinkOptions options;
    OutputTransaction* transaction{nullptr};
    fs::path temp_path;      // the tiled GeoTIFF written block by block
    fs::path cog_temp_path;  // the COG being built from it
    std::mutex mutex;
    GDALDatasetUniquePtr ds;
    GDALRasterBand* band{nullptr};
    bool finished{false};
    bool failed{false};

    void create();
    template <typename In>
    void write(const Block<In>& b);
    template <typename Out>
    void write_converted(const Window& w, const std::vector<Out>& px);
    void finish();
    void build_cog();
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
    if (o.cog) {
        // The intermediate is decoded once more and re-encoded by the COG step, so it is stored uncompressed:
        // no encoding cost while the tiles are computed, and the fastest possible re-read. Blocks never
        // written are left sparse (they read back as nodata).
        co.SetNameValue("COMPRESS", "NONE");
        co.SetNameValue("SPARSE_OK", "TRUE");
    } else {
        co.SetNameValue("COMPRESS", compress_name(o.compression));
        if (o.compression != Compression::none)
            co.SetNameValue("PREDICTOR", o.type == PixelType::float32 ? "3" : "2");
        if (o.compression == Compression::zstd) co.SetNameValue("ZSTD_LEVEL", "9");
        // Compression runs on GDAL's worker threads while our threads compute the next tiles.
        co.SetNameValue("NUM_THREADS", "ALL_CPUS");
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
}

template <typename Out>
void RasterSink::Impl::write_converted(const Window& w, const std::vector<Out>& px) {
    constexpr GDALDataType type = std::is_same_v<Out, float>          ? GDT_Float32
                                  : std::is_same_v<Out, std::uint8_t> ? GDT_Byte
                                                                      : GDT_Int16;
    const std::int64_t bs = options.block_size;
    std::lock_guard lock(mutex);
    if (finished || !ds) throw std::logic_error("RasterSink::write after finish()");
    GdalErrorCapture capture;
    CPLErr err = CE_None;
    const bool block_aligned = w.col_off % bs == 0 && w.row_off % bs == 0 &&
                               (w.cols % bs == 0 || w.col_end() == grid.width()) &&
                               (w.rows % bs == 0 || w.row_end() == grid.height());
    if (block_aligned) {
        // Whole blocks go straight to the GeoTIFF (WriteBlock bypasses GDAL's block cache), so no dirty
        // blocks pile up in the cache and memory stays at a tile per thread.
        std::vector<Out> block(static_cast<std::size_t>(bs * bs));
        for (std::int64_t r0 = w.row_off; r0 < w.row_end() && err == CE_None; r0 += bs) {
            for (std::int64_t c0 = w.col_off; c0 < w.col_end() && err == CE_None; c0 += bs) {
                const std::int64_t nc = std::min(bs, w.col_end() - c0), nr = std::min(bs, w.row_end() - r0);
                if (nc < bs || nr < bs) std::fill(block.begin(), block.end(), static_cast<Out>(options.nodata));
                for (std::int64_t r = 0; r < nr; ++r) {
                    const Out* src = px.data() + (r0 - w.row_off + r) * w.cols + (c0 - w.col_off);
                    std::copy(src, src + nc, block.data() + r * bs);
                }
                err = band->WriteBlock(static_cast<int>(c0 / bs), static_cast<int>(r0 / bs), block.data());
            }
        }
    } else {
        err = band->RasterIO(GF_Write, static_cast<int>(w.col_off), static_cast<int>(w.row_off),
                             static_cast<int>(w.cols), static_cast<int>(w.rows), const_cast<Out*>(px.data()),
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
            std::vector<float> px;
            convert<float>(b, static_cast<float>(options.nodata), px);
            write_converted(w, px);
            break;
        }
        case PixelType::uint8: {
            std::vector<std::uint8_t> px;
            convert<std::uint8_t>(b, static_cast<std::uint8_t>(options.nodata), px);
            write_converted(w, px);
            break;
        }
        case PixelType::int16: {
            std::vector<std::int16_t> px;
            convert<std::int16_t>(b, static_cast<std::int16_t>(options.nodata), px);
            write_converted(w, px);
            break;
        }
    }
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

void RasterSink::Impl::build_cog() {
    cog_temp_path = io::temp_path_beside(final_path);
    GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
    if (cog == nullptr) throw IoError(final_path, "the GDAL COG driver is not available");
    GdalErrorCapture capture;
    GDALDatasetUniquePtr src(GDALDataset::Open(temp_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!src) throw IoError(final_path, io::with_detail("cannot reopen the intermediate GeoTIFF", capture.errors()));
    CPLStringList co;
    co.SetNameValue("COMPRESS", compress_name(options.compression));
    if (options.compression != Compression::none)
        co.SetNameValue("PREDICTOR", options.type == PixelType::float32 ? "FLOATING_POINT" : "STANDARD");
    if (options.compression == Compression::zstd) co.SetNameValue("LEVEL", "9");
    co.SetNameValue("BLOCKSIZE", std::to_string(options.block_size).c_str());
    co.SetNameValue("OVERVIEW_RESAMPLING", options.overview_resampling.c_str());
    co.SetNameValue("NUM_THREADS", "ALL_CPUS");
    co.SetNameValue("BIGTIFF", "IF_SAFER");
    GDALDataset* out = cog->CreateCopy(cog_temp_path.c_str(), src.get(), FALSE, co.List(), nullptr, nullptr);
    if (out == nullptr)
        throw IoError(final_path, io::with_detail("cannot build the Cloud-Optimised GeoTIFF", capture.errors()));
    GDALClose(GDALDataset::ToHandle(out));
    if (capture.failed())
        throw IoError(final_path,
                      io::with_detail("cannot finish writing the Cloud-Optimised GeoTIFF", capture.errors()));
}

void RasterSink::Impl::finish() {
    std::lock_guard lock(mutex);
    if (finished) throw std::logic_error("RasterSink::finish called twice");
    if (failed) throw IoError(final_path, "an earlier write failed; the output is incomplete");
    // Our own files get no .aux.xml side file, whatever GDAL would otherwise store there.
    io::ScopedThreadConfig no_pam("GDAL_PAM_ENABLED", "NO");
    close_dataset();
    fs::path done = temp_path;
    if (options.cog) {
        build_cog();
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

void RasterSink::finish() {
    try {
        m_impl->finish();
    } catch (const std::logic_error&) {
        throw;
    } catch (...) {
        m_impl->failed = true;
        m_impl->cleanup();
        throw;
    }
}

const fs::path& RasterSink::path() const noexcept { return m_impl->final_path; }

}  // namespace bluecarbon
