#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_source.hpp>

#include "gdal_util.hpp"

#include <gdalwarper.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

namespace bluecarbon {

namespace fs = std::filesystem;
using io::GdalErrorCapture;

namespace {

struct SelectedBand {
    int index{1};  // 1-based, in the file
    std::string name;
    double scale{1.0};
    double offset{0.0};
    bool has_nodata{false};
    double nodata{0.0};
    // The file marks invalid pixels with a mask band (internal mask, .msk, alpha) rather than nodata.
    bool has_mask{false};
    bool mask_is_alpha{false};
};

// One thread's GDAL handles: the file and, when warping, the warped VRT over it. The VRT holds a reference
// to `src`, so it is declared after it and therefore destroyed first.
struct Handles {
    GDALDatasetUniquePtr src;
    GDALDatasetUniquePtr vrt;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

bool is_integer_text(const std::string& s) {
    const std::size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (s.size() == start) return false;
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(start), s.end(),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string band_label(GDALRasterBand& band, int index) {
    const char* d = band.GetDescription();
    return (d != nullptr && *d != '\0') ? std::string(d) : "band " + std::to_string(index);
}

std::vector<SelectedBand> select_bands(GDALDataset& ds, const fs::path& path, const RasterSourceOptions& o) {
    const int count = ds.GetRasterCount();
    std::vector<std::string> specs = o.bands;
    if (specs.empty())
        for (int i = 1; i <= count; ++i) specs.push_back(std::to_string(i));

    std::vector<SelectedBand> out;
    for (const auto& raw_spec : specs) {
        const std::string spec = trim(raw_spec);
        int index = 0;
        if (is_integer_text(spec)) {
            // Too many digits cannot be a band number of any file; report it as out of range.
            const long long n = spec.size() > 9 ? -1 : std::stoll(spec);
            if (n < 1 || n > count)
                throw InputError(path.string() + ": band " + spec + " is out of range (the file has " +
                                 std::to_string(count) + (count == 1 ? " band)" : " bands)"));
            index = static_cast<int>(n);
        } else {
            std::string names;
            for (int i = 1; i <= count && index == 0; ++i) {
                const char* d = ds.GetRasterBand(i)->GetDescription();
                const std::string desc = d != nullptr ? d : "";
                if (!desc.empty() && lower(desc) == lower(spec)) index = i;
                if (!desc.empty()) names += (names.empty() ? "'" : ", '") + desc + "'";
            }
            if (index == 0)
                throw InputError(path.string() + ": no band named '" + spec + "' (" +
                                 (names.empty() ? "its bands have no names; select them by number 1-" +
                                                      std::to_string(count)
                                                : "its bands are " + names) +
                                 ")");
        }
        GDALRasterBand* band = ds.GetRasterBand(index);
        SelectedBand b;
        b.index = index;
        b.name = band_label(*band, index);
        int has = 0;
        const double file_scale = band->GetScale(&has);
        b.scale = o.scale.value_or(has ? file_scale : 1.0);
        has = 0;
        const double file_offset = band->GetOffset(&has);
        b.offset = o.offset.value_or(has ? file_offset : 0.0);
        if (o.nodata) {
            b.has_nodata = true;
            b.nodata = *o.nodata;
        } else {
            has = 0;
            const double nd = band->GetNoDataValue(&has);
            b.has_nodata = has != 0;
            b.nodata = nd;
        }
        const int flags = band->GetMaskFlags();
        b.has_mask = (flags & (GMF_ALL_VALID | GMF_NODATA)) == 0;
        b.mask_is_alpha = (flags & GMF_ALPHA) != 0;
        out.push_back(std::move(b));
    }
    return out;
}

CrsInfo crs_of(GDALDataset& ds) {
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    if (srs == nullptr || srs->IsEmpty()) return {};
    return io::crs_info_from_srs(*srs);
}

Grid grid_of(GDALDataset& ds, const CrsInfo& crs) {
    std::array<double, 6> gt{0, 1, 0, 0, 0, 1};
    if (ds.GetGeoTransform(gt.data()) != CE_None) gt = {0, 1, 0, 0, 0, 1};
    return Grid(crs, GeoTransform::from_gdal(gt), ds.GetRasterXSize(), ds.GetRasterYSize());
}

GDALResampleAlg to_gdal(Resampling r) {
    switch (r) {
        case Resampling::nearest: return GRA_NearestNeighbour;
        case Resampling::bilinear: return GRA_Bilinear;
        case Resampling::average: return GRA_Average;
        case Resampling::cubic: return GRA_Cubic;
    }
    return GRA_NearestNeighbour;
}

std::string describe_extent(const Extent& e) {
    return fmt::format("[{:.10g}, {:.10g}, {:.10g}, {:.10g}]", e.xmin, e.ymin, e.xmax, e.ymax);
}

// `e` (in `from`'s CRS) as a bounding box in `to`'s CRS, densified along the edges; nullopt when PROJ cannot
// transform it.
std::optional<Extent> transform_extent(const Extent& e, const OGRSpatialReference& from,
                                       const OGRSpatialReference& to) {
    GdalErrorCapture capture;
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &to));
    if (!ct) return std::nullopt;
    Extent out;
    if (!ct->TransformBounds(e.xmin, e.ymin, e.xmax, e.ymax, &out.xmin, &out.ymin, &out.xmax, &out.ymax, 21))
        return std::nullopt;
    if (!std::isfinite(out.xmin) || !std::isfinite(out.xmax) || !std::isfinite(out.ymin) ||
        !std::isfinite(out.ymax))
        return std::nullopt;
    return out;
}

// The tight per-pixel pass: scale/offset, and nodata / NaN / out-of-range to invalid. Branch-free and all in
// float32 (the type of the result), so the compiler vectorises it (a float/double mix defeats GCC's
// vectoriser); `nodata` is NaN when the band has none (NaN never compares equal).
void finish_pixels(float* __restrict px, std::uint8_t* __restrict valid, std::size_t n, float nodata, float scale,
                   float offset, float lo, float hi) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const float raw = px[i];
        const float v = raw * scale + offset;
        const bool ok = (raw == raw) & (raw != nodata) & (v >= lo) & (v <= hi);
        px[i] = ok ? v : 0.0F;
        valid[i] = static_cast<std::uint8_t>(ok);
    }
}

}  // namespace

struct RasterSource::Impl {
    fs::path path;
    RasterSourceOptions options;
    Grid file_grid;
    Grid grid;
    std::vector<SelectedBand> bands;
    std::int64_t block_w{0};
    std::int64_t block_h{0};
    bool warped{false};
    // Offset mode: file pixel = grid pixel + shift.
    std::int64_t col_shift{0};
    std::int64_t row_shift{0};
    double lo{-std::numeric_limits<double>::infinity()};
    double hi{std::numeric_limits<double>::infinity()};

    mutable std::mutex pool_mutex;
    mutable std::vector<std::unique_ptr<Handles>> pool;

    [[nodiscard]] std::unique_ptr<Handles> make_handles() const {
        auto h = std::make_unique<Handles>();
        h->src = io::open_raster_dataset(path);
        if (warped) h->vrt = make_warped_vrt(*h->src);
        return h;
    }

    // Opens the file and reads everything shared by open() and open_aligned(); `handles` receives the first
    // handle bundle (to be pooled).
    static std::unique_ptr<Impl> open_common(const fs::path& path, const RasterSourceOptions& options,
                                             std::unique_ptr<Handles>& handles);
    [[nodiscard]] GDALDatasetUniquePtr make_warped_vrt(GDALDataset& src) const;
    void read(int band, const Window& w, Block<float>& out) const;

    // Hands out a pooled handle bundle for one call and takes it back afterwards (unless discarded after
    // a failure, when its state is suspect).
    class Lease {
    public:
        explicit Lease(const Impl& impl) : m_impl(impl) {
            {
                std::lock_guard lock(impl.pool_mutex);
                if (!impl.pool.empty()) {
                    m_handles = std::move(impl.pool.back());
                    impl.pool.pop_back();
                }
            }
            if (!m_handles) m_handles = impl.make_handles();  // opened outside the lock
        }
        ~Lease() {
            if (!m_handles) return;
            std::lock_guard lock(m_impl.pool_mutex);
            m_impl.pool.push_back(std::move(m_handles));
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Handles* operator->() const noexcept { return m_handles.get(); }
        void discard() noexcept { m_handles.reset(); }

    private:
        const Impl& m_impl;
        std::unique_ptr<Handles> m_handles;
    };
};

GDALDatasetUniquePtr RasterSource::Impl::make_warped_vrt(GDALDataset& src) const {
    GdalErrorCapture capture;
    CPLStringList transformer_options;
    transformer_options.SetNameValue("DST_SRS", grid.crs().wkt.c_str());
    void* gen = GDALCreateGenImgProjTransformer2(GDALDataset::ToHandle(&src), nullptr, transformer_options.List());
    if (gen == nullptr)
        throw CrsError(io::with_detail(path.string() + ": cannot transform from its CRS (" + file_grid.crs().name +
                                           ") to the grid's CRS (" + grid.crs().name + ")",
                                       capture.errors()));
    auto gt = grid.transform().to_gdal();
    GDALSetGenImgProjTransformerDstGeoTransform(gen, gt.data());
    // Same error threshold as gdalwarp's default (1/8 pixel); the approximator owns `gen` from here.
    void* approx = GDALCreateApproxTransformer(GDALGenImgProjTransform, gen, 0.125);
    GDALApproxTransformerOwnsSubtransformer(approx, TRUE);

    std::unique_ptr<GDALWarpOptions, decltype(&GDALDestroyWarpOptions)> wo(GDALCreateWarpOptions(),
                                                                           &GDALDestroyWarpOptions);
    const int n = static_cast<int>(bands.size());
    wo->hSrcDS = GDALDataset::ToHandle(&src);
    wo->eResampleAlg = to_gdal(options.resampling);
    // Warp in float32, the type we read in, with NaN as the "no data here" marker of the output (outside
    // the file, or no valid source pixel under the kernel).
    wo->eWorkingDataType = GDT_Float32;
    wo->nBandCount = n;
    wo->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int) * bands.size()));
    wo->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int) * bands.size()));
    wo->padfSrcNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double) * bands.size()));
    wo->padfDstNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double) * bands.size()));
    for (int i = 0; i < n; ++i) {
        const auto& b = bands[static_cast<std::size_t>(i)];
        wo->panSrcBands[i] = b.index;
        wo->panDstBands[i] = i + 1;
        // A band without nodata gets NaN: only NaN source pixels (already invalid) are masked.
        wo->padfSrcNoDataReal[i] = b.has_nodata ? b.nodata : std::numeric_limits<double>::quiet_NaN();
        wo->padfDstNoDataReal[i] = std::numeric_limits<double>::quiet_NaN();
    }
    // A mask band instead of nodata: an alpha band is named to the warper; a per-dataset mask is used by the
    // warper by itself when no source nodata is given.
    const bool any_nodata = std::any_of(bands.begin(), bands.end(), [](const SelectedBand& b) { return b.has_nodata; });
    const bool any_mask = std::any_of(bands.begin(), bands.end(), [](const SelectedBand& b) { return b.has_mask; });
    if (any_mask) {
        for (int i = 1; i <= src.GetRasterCount(); ++i)
            if (src.GetRasterBand(i)->GetColorInterpretation() == GCI_AlphaBand) wo->nSrcAlphaBand = i;
        if (!any_nodata && wo->nSrcAlphaBand == 0) {
            CPLFree(wo->padfSrcNoDataReal);
            wo->padfSrcNoDataReal = nullptr;
        }
    }
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
    // Bands are read one at a time, so each band's nodata masks only that band.
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "UNIFIED_SRC_NODATA", "NO");
    wo->pfnTransformer = GDALApproxTransform;
    wo->pTransformerArg = approx;

    // Exactly the target geotransform and size: the VRT's pixel (c, r) is the grid's pixel (c, r).
    GDALDatasetH vrt = GDALCreateWarpedVRT(GDALDataset::ToHandle(&src), static_cast<int>(grid.width()),
                                           static_cast<int>(grid.height()), gt.data(), wo.get());
    // The VRT now owns the transformer (and destroys it even when its initialisation failed).
    if (vrt == nullptr)
        throw CrsError(io::with_detail(path.string() + ": cannot set up the warp onto " +
                                           (options.grid_name.empty() ? "the analysis grid" : options.grid_name),
                                       capture.errors()));
    return GDALDatasetUniquePtr(GDALDataset::FromHandle(vrt));
}

void RasterSource::Impl::read(int band, const Window& w, Block<float>& out) const {
    if (band < 0 || band >= static_cast<int>(bands.size()))
        throw std::out_of_range("RasterSource::read: band " + std::to_string(band) + " of " +
                                std::to_string(bands.size()) + " selected bands");
    if (w.empty() || w.col_off < 0 || w.row_off < 0 || w.col_end() > grid.width() || w.row_end() > grid.height())
        throw std::out_of_range("RasterSource::read: window outside the grid");
    const auto n = static_cast<std::size_t>(w.size());
    out.window = w;
    out.px.resize(n);
    out.valid.resize(n);
    const SelectedBand& b = bands[static_cast<std::size_t>(band)];

    Lease lease(*this);
    GdalErrorCapture capture;
    CPLErr err = CE_None;
    if (warped) {
        GDALRasterBand* rb = lease->vrt->GetRasterBand(band + 1);
        err = rb->RasterIO(GF_Read, static_cast<int>(w.col_off), static_cast<int>(w.row_off),
                           static_cast<int>(w.cols), static_cast<int>(w.rows), out.px.data(),
                           static_cast<int>(w.cols), static_cast<int>(w.rows), GDT_Float32, 0, 0, nullptr);
    } else {
        const Window src_w{w.col_off + col_shift, w.row_off + row_shift, w.cols, w.rows};
        const Window in = src_w.intersection(file_grid.full_window());
        // Pixels of the grid beyond the file's edge stay NaN and so become invalid.
        if (in != src_w) std::fill(out.px.begin(), out.px.end(), std::numeric_limits<float>::quiet_NaN());
        if (!in.empty()) {
            float* dst = out.px.data() + (in.row_off - src_w.row_off) * w.cols + (in.col_off - src_w.col_off);
            GDALRasterBand* rb = lease->src->GetRasterBand(b.index);
            err = rb->RasterIO(GF_Read, static_cast<int>(in.col_off), static_cast<int>(in.row_off),
                               static_cast<int>(in.cols), static_cast<int>(in.rows), dst, static_cast<int>(in.cols),
                               static_cast<int>(in.rows), GDT_Float32, static_cast<GSpacing>(sizeof(float)),
                               static_cast<GSpacing>(sizeof(float)) * w.cols, nullptr);
            if (err == CE_None && b.has_mask) {
                // Masked pixels become NaN, which the pass below turns into invalid pixels.
                std::vector<std::uint8_t> mask(static_cast<std::size_t>(in.size()));
                err = rb->GetMaskBand()->RasterIO(GF_Read, static_cast<int>(in.col_off), static_cast<int>(in.row_off),
                                                  static_cast<int>(in.cols), static_cast<int>(in.rows), mask.data(),
                                                  static_cast<int>(in.cols), static_cast<int>(in.rows), GDT_Byte, 0, 0,
                                                  nullptr);
                for (std::int64_t r = 0; r < in.rows && err == CE_None; ++r)
                    for (std::int64_t c = 0; c < in.cols; ++c)
                        if (mask[static_cast<std::size_t>(r * in.cols + c)] == 0)
                            dst[r * w.cols + c] = std::numeric_limits<float>::quiet_NaN();
            }
        }
    }
    if (err != CE_None) {
        lease.discard();
        throw InputError(io::with_detail(
            fmt::format("{}: cannot read band '{}' (rows {}-{}, columns {}-{}); the file may be truncated or corrupt",
                        path.string(), b.name, w.row_off, w.row_end() - 1, w.col_off, w.col_end() - 1),
            capture.errors()));
    }
    const float nodata = b.has_nodata ? static_cast<float>(b.nodata) : std::numeric_limits<float>::quiet_NaN();
    finish_pixels(out.px.data(), out.valid.data(), n, nodata, static_cast<float>(b.scale),
                  static_cast<float>(b.offset), static_cast<float>(lo), static_cast<float>(hi));
}

std::unique_ptr<RasterSource::Impl> RasterSource::Impl::open_common(const fs::path& path,
                                                                   const RasterSourceOptions& options,
                                                                   std::unique_ptr<Handles>& handles) {
    handles = std::make_unique<Handles>();
    handles->src = io::open_raster_dataset(path);
    GDALDataset& ds = *handles->src;
    auto impl = std::make_unique<RasterSource::Impl>();
    impl->path = path;
    impl->options = options;
    const CrsInfo crs = crs_of(ds);
    if (crs.empty())
        throw InputError(path.string() +
                         " has no CRS (no coordinate reference system is recorded in the file; assign one, e.g. "
                         "with gdal_edit.py -a_srs EPSG:32651)");
    impl->file_grid = grid_of(ds, crs);
    impl->grid = impl->file_grid;
    impl->bands = select_bands(ds, path, options);
    int bw = 0, bh = 0;
    ds.GetRasterBand(impl->bands.front().index)->GetBlockSize(&bw, &bh);
    impl->block_w = bw;
    impl->block_h = bh;
    if (options.valid_min) impl->lo = *options.valid_min;
    if (options.valid_max) impl->hi = *options.valid_max;
    if (impl->lo > impl->hi)
        throw ConfigError(fmt::format("{}: valid range [{}, {}] is empty (minimum above maximum)", path.string(),
                                      impl->lo, impl->hi));
    return impl;
}

RasterSource::RasterSource(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RasterSource::~RasterSource() = default;

std::unique_ptr<RasterSource> RasterSource::open(const fs::path& path, const RasterSourceOptions& options) {
    std::unique_ptr<Handles> handles;
    auto impl = Impl::open_common(path, options, handles);
    impl->pool.push_back(std::move(handles));
    return std::unique_ptr<RasterSource>(new RasterSource(std::move(impl)));
}

std::unique_ptr<RasterSource> RasterSource::open_aligned(const fs::path& path, const Grid& target,
                                                         const RasterSourceOptions& options) {
    std::unique_ptr<Handles> handles;
    auto impl = Impl::open_common(path, options, handles);
    const std::string target_name = options.grid_name.empty() ? "the analysis grid" : options.grid_name;
    if (target.crs().empty())
        throw InputError("cannot align " + path.string() + " to " + target_name + ": " + target_name +
                         " has no CRS");

    const OGRSpatialReference* file_srs_ptr = handles->src->GetSpatialRef();
    OGRSpatialReference file_srs(*file_srs_ptr);
    file_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const OGRSpatialReference target_srs = io::srs_from_wkt(target.crs().wkt);
    const bool same = io::same_crs(file_srs, target_srs);

    // Do the two overlap at all? Compare in the target's CRS (or, if the file's extent cannot be
    // transformed there, the target's extent in the file's CRS).
    const Extent file_extent = impl->file_grid.extent();
    const Extent target_extent = target.extent();
    bool overlaps = true;
    std::string where;
    if (same) {
        overlaps = file_extent.intersects(target_extent);
        where = describe_extent(file_extent) + " vs " + describe_extent(target_extent) + " in " + target.crs().name;
    } else if (const auto fe = transform_extent(file_extent, file_srs, target_srs)) {
        overlaps = fe->intersects(target_extent);
        where = describe_extent(*fe) + " vs " + describe_extent(target_extent) + " in " + target.crs().name;
    } else if (const auto te = transform_extent(target_extent, target_srs, file_srs)) {
        overlaps = te->intersects(file_extent);
        where = describe_extent(file_extent) + " vs " + describe_extent(*te) + " in " + impl->file_grid.crs().name;
    } else {
        throw CrsError("cannot compare the extent of " + path.string() + " (" + impl->file_grid.crs().name +
                       ") with " + target_name + " (" + target.crs().name +
                       "): PROJ cannot transform between the two CRSs");
    }
    if (!overlaps)
        throw GridMismatchError(path.string() + " does not overlap " + target_name + " (extents " + where + ")");

    // Reading by offset is exact when the file shares the grid's CRS and resolution and its origin is a whole
    // number of pixels away; otherwise warp.
    const GeoTransform& s = impl->file_grid.transform();
    const GeoTransform& t = target.transform();
    bool by_offset = false;
    if (same && s.x_rot == 0 && s.y_rot == 0 && t.x_rot == 0 && t.y_rot == 0 &&
        std::abs(s.x_scale - t.x_scale) <= 1e-9 * std::abs(t.x_scale) &&
        std::abs(s.y_scale - t.y_scale) <= 1e-9 * std::abs(t.y_scale)) {
        const double dc = (t.x_origin - s.x_origin) / s.x_scale;
        const double dr = (t.y_origin - s.y_origin) / s.y_scale;
        if (std::abs(dc - std::round(dc)) <= 1e-6 && std::abs(dr - std::round(dr)) <= 1e-6) {
            by_offset = true;
            impl->col_shift = static_cast<std::int64_t>(std::llround(dc));
            impl->row_shift = static_cast<std::int64_t>(std::llround(dr));
        }
    }
    impl->grid = target;
    impl->warped = !by_offset;
    if (impl->warped) handles->vrt = impl->make_warped_vrt(*handles->src);
    impl->pool.push_back(std::move(handles));
    return std::unique_ptr<RasterSource>(new RasterSource(std::move(impl)));
}

const fs::path& RasterSource::path() const noexcept { return m_impl->path; }
const Grid& RasterSource::grid() const noexcept { return m_impl->grid; }
int RasterSource::band_count() const noexcept { return static_cast<int>(m_impl->bands.size()); }
std::string RasterSource::band_name(int i) const {
    return m_impl->bands.at(static_cast<std::size_t>(i)).name;
}
std::int64_t RasterSource::block_width() const noexcept { return m_impl->block_w; }
std::int64_t RasterSource::block_height() const noexcept { return m_impl->block_h; }
bool RasterSource::is_warped() const noexcept { return m_impl->warped; }

void RasterSource::read(int band, const Window& w, Block<float>& out) const { m_impl->read(band, w, out); }

Grid read_grid(const fs::path& path) {
    const auto ds = io::open_raster_dataset(path);
    return grid_of(*ds, crs_of(*ds));
}

}  // namespace bluecarbon
