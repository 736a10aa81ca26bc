#include <bluecarbon/error.hpp>
#include <bluecarbon/io/band_stack_sink.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include "cog_layout.hpp"
#include "gdal_util.hpp"
#include "output_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <system_error>

namespace bluecarbon {

namespace fs = std::filesystem;

struct BandStackSink::Impl {
    fs::path final_path;
    fs::path temp_path;     // the tiled GeoTIFF written block by block
    fs::path ordered_path;  // the final file: its tiles copied in row-major order
    Grid grid;
    BandStackSinkOptions options;
    OutputTransaction* transaction{nullptr};
    std::mutex mutex;
    GDALDatasetUniquePtr ds;
    bool finished{false};
    bool failed{false};

    void create();
    void write(int band, const Block<std::uint16_t>& b);
    void finish();
    void cleanup() noexcept;
};

void BandStackSink::Impl::create() {
    const auto& o = options;
    const std::string where = final_path.string();
    if (o.band_descriptions.empty())
        throw ConfigError(where + ": a band stack needs at least one band");
    if (o.block_size < 16 || o.block_size % 16 != 0 || o.block_size > 4096)
        throw ConfigError(
            fmt::format("{}: block size {} must be a multiple of 16 between 16 and 4096", where, o.block_size));
    const fs::path dir = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
    ensure_writable_dir(dir);
    temp_path = io::temp_path_beside(final_path);

    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (gtiff == nullptr)
        throw IoError(final_path, "the GDAL GTiff driver is not available");
    CPLStringList co;
    co.SetNameValue("TILED", "YES");
    co.SetNameValue("BLOCKXSIZE", std::to_string(o.block_size).c_str());
    co.SetNameValue("BLOCKYSIZE", std::to_string(o.block_size).c_str());
    // Planar: each band's tiles apart, so reading one band never decodes the others.
    co.SetNameValue("INTERLEAVE", "BAND");
    co.SetNameValue("BIGTIFF", "IF_SAFER");
    co.SetNameValue("COMPRESS", io::gdal_compress_option(o.compression));
    if (o.compression != Compression::none)
        co.SetNameValue("PREDICTOR", "2");
    if (o.compression_level < 0 || o.compression_level > (o.compression == Compression::zstd ? 22 : 12))
        throw ConfigError(fmt::format("{}: compression level {} is out of range", where, o.compression_level));
    if (o.compression_level > 0 && o.compression == Compression::deflate)
        co.SetNameValue("ZLEVEL", std::to_string(o.compression_level).c_str());
    if (o.compression_level > 0 && o.compression == Compression::zstd)
        co.SetNameValue("ZSTD_LEVEL", std::to_string(o.compression_level).c_str());
    // Compression runs on GDAL's worker threads while our threads compute the next tiles.
    co.SetNameValue("NUM_THREADS", io::gdal_num_threads(o.gdal_threads).c_str());

    io::GdalErrorCapture capture;
    const int bands = static_cast<int>(o.band_descriptions.size());
    GDALDataset* raw = gtiff->Create(temp_path.c_str(), static_cast<int>(grid.width()), static_cast<int>(grid.height()),
                                     bands, GDT_UInt16, co.List());
    if (raw == nullptr)
        throw IoError(final_path, io::with_detail("cannot create the output GeoTIFF", capture.errors()));
    ds.reset(raw);
    auto gt = grid.transform().to_gdal();
    ds->SetGeoTransform(gt.data());
    if (!grid.crs().empty()) {
        const OGRSpatialReference srs = io::srs_from_wkt(grid.crs().wkt);
        ds->SetSpatialRef(&srs);
    }
    for (int b = 0; b < bands; ++b) {
        GDALRasterBand* band = ds->GetRasterBand(b + 1);
        band->SetNoDataValue(o.nodata);
        band->SetDescription(o.band_descriptions[static_cast<std::size_t>(b)].c_str());
        if (o.scale)
            band->SetScale(*o.scale);
        if (o.offset)
            band->SetOffset(*o.offset);
    }
    for (const auto& [key, value] : o.metadata)
        ds->SetMetadataItem(key.c_str(), value.c_str());
    if (capture.failed())
        throw IoError(final_path, "cannot set up the output GeoTIFF: " + capture.errors());
}

void BandStackSink::Impl::write(int band, const Block<std::uint16_t>& b) {
    const Window& w = b.window;
    if (band < 0 || band >= static_cast<int>(options.band_descriptions.size()))
        throw std::out_of_range(fmt::format("BandStackSink::write {}: band {} of {}", final_path.string(), band,
                                            options.band_descriptions.size()));
    if (w.empty() || w.col_off < 0 || w.row_off < 0 || w.col_end() > grid.width() || w.row_end() > grid.height())
        throw std::out_of_range(fmt::format("BandStackSink::write {}: window outside the grid", final_path.string()));
    if (b.px.size() != static_cast<std::size_t>(w.size()) || b.valid.size() != b.px.size())
        throw std::invalid_argument(
            fmt::format("BandStackSink::write {}: block buffers do not match the window", final_path.string()));
    // Nodata substitution before taking the lock, so threads only queue for the file write itself.
    const std::int64_t bs = options.block_size;
    const bool block_aligned = w.col_off % bs == 0 && w.row_off % bs == 0 &&
                               (w.cols % bs == 0 || w.col_end() == grid.width()) &&
                               (w.rows % bs == 0 || w.row_end() == grid.height());
    std::vector<std::uint16_t> px(b.px.size());
    for (std::size_t i = 0; i < px.size(); ++i)
        px[i] = b.valid[i] != 0 ? b.px[i] : options.nodata;

    std::lock_guard lock(mutex);
    if (finished || !ds)
        throw std::logic_error("BandStackSink::write after finish()");
    io::GdalErrorCapture capture;
    GDALRasterBand* rb = ds->GetRasterBand(band + 1);
    CPLErr err = CE_None;
    if (block_aligned) {
        // Whole blocks straight to the file (WriteBlock bypasses GDAL's block cache), so dirty blocks never
        // pile up in the cache.
        std::vector<std::uint16_t> block(static_cast<std::size_t>(bs * bs));
        for (std::int64_t r0 = w.row_off; r0 < w.row_end() && err == CE_None; r0 += bs) {
            for (std::int64_t c0 = w.col_off; c0 < w.col_end() && err == CE_None; c0 += bs) {
                const std::int64_t nc = std::min(bs, w.col_end() - c0), nr = std::min(bs, w.row_end() - r0);
                if (nc < bs || nr < bs)
                    std::fill(block.begin(), block.end(), options.nodata);
                for (std::int64_t r = 0; r < nr; ++r) {
                    const std::uint16_t* src = px.data() + (r0 - w.row_off + r) * w.cols + (c0 - w.col_off);
                    std::copy(src, src + nc, block.data() + r * bs);
                }
                err = rb->WriteBlock(static_cast<int>(c0 / bs), static_cast<int>(r0 / bs), block.data());
            }
        }
    } else {
        err = rb->RasterIO(GF_Write, static_cast<int>(w.col_off), static_cast<int>(w.row_off), static_cast<int>(w.cols),
                           static_cast<int>(w.rows), px.data(), static_cast<int>(w.cols), static_cast<int>(w.rows),
                           GDT_UInt16, 0, 0, nullptr);
    }
    if (err != CE_None) {
        failed = true;
        throw IoError(final_path,
                      io::with_detail(fmt::format("cannot write band {}, rows {}-{}, columns {}-{}", band + 1,
                                                  w.row_off, w.row_end() - 1, w.col_off, w.col_end() - 1),
                                      capture.errors()));
    }
}

void BandStackSink::Impl::finish() {
    std::lock_guard lock(mutex);
    if (finished)
        throw std::logic_error("BandStackSink::finish called twice");
    if (failed)
        throw IoError(final_path, "an earlier write failed; the output is incomplete");
    io::ScopedThreadConfig no_pam("GDAL_PAM_ENABLED", "NO");
    {
        io::GdalErrorCapture capture;
        GDALDataset* raw = ds.release();
        GDALClose(GDALDataset::ToHandle(raw));
        if (capture.failed())
            throw IoError(final_path, io::with_detail("cannot finish writing the GeoTIFF", capture.errors()));
    }
    // GDAL stored each tile where the file ended when it was flushed; copied in row-major order (band by
    // band), the bytes do not depend on threads or tile size.
    ordered_path = io::temp_path_beside(final_path);
    io::write_row_major_layout(temp_path, ordered_path);
    std::error_code ec;
    fs::remove(temp_path, ec);
    const fs::path target = transaction != nullptr ? transaction->stage(final_path) : final_path;
    fs::rename(ordered_path, target, ec);
    if (ec)
        throw IoError(final_path, "cannot move the finished file into place: " + ec.message());
    finished = true;
}

void BandStackSink::Impl::cleanup() noexcept {
    try {
        io::ScopedThreadConfig no_pam("GDAL_PAM_ENABLED", "NO");
        if (ds) {
            io::GdalErrorCapture capture;  // errors closing an abandoned file do not matter
            ds.reset();
        }
    } catch (...) {
    }
    std::error_code ec;
    for (const auto& p : {temp_path, ordered_path})
        if (!p.empty())
            fs::remove(p, ec);
}

BandStackSink::BandStackSink(fs::path final_path, const Grid& grid, BandStackSinkOptions options,
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

BandStackSink::~BandStackSink() {
    if (m_impl && !m_impl->finished)
        m_impl->cleanup();
}

int BandStackSink::band_count() const noexcept {
    return static_cast<int>(m_impl->options.band_descriptions.size());
}

void BandStackSink::write(int band, const Block<std::uint16_t>& block) {
    m_impl->write(band, block);
}

void BandStackSink::finish() {
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

const fs::path& BandStackSink::path() const noexcept {
    return m_impl->final_path;
}

}  // namespace bluecarbon
