#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/geoid.hpp>

#include <gdal_priv.h>
#include <proj.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <vector>

namespace bluecarbon {

namespace fs = std::filesystem;

fs::path find_geoid_grid(const std::string& name, const fs::path& project_dir) {
    if (name.empty()) throw CrsError("geoid grid: no file named");
    std::vector<fs::path> looked;
    const fs::path p(name);
    if (p.is_absolute()) {
        looked.push_back(p);
    } else {
        looked.push_back(project_dir / p);
        try {
            looked.push_back(grids_dir() / p);
        } catch (const Error&) {
            // No grids folder installed: only the project folder is searched.
        }
    }
    for (const auto& c : looked) {
        std::error_code ec;
        if (fs::is_regular_file(c, ec)) return fs::absolute(c).lexically_normal();
    }
    std::string where;
    for (const auto& c : looked) where += (where.empty() ? "" : ", ") + c.string();
    throw CrsError("geoid grid \"" + name + "\" not found (looked for " + where + ")");
}

std::optional<double> vertical_unit_to_metres(const std::string& unit) noexcept {
    std::string u;
    for (char c : unit)
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '_' && c != '-')
            u.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (u == "m" || u == "metre" || u == "meter" || u == "metres" || u == "meters") return 1.0;
    if (u == "cm" || u == "centimetre" || u == "centimeter" || u == "centimetres" || u == "centimeters") return 0.01;
    if (u == "mm" || u == "millimetre" || u == "millimeter" || u == "millimetres" || u == "millimeters") return 0.001;
    if (u == "ft" || u == "foot" || u == "feet" || u == "internationalfoot") return 0.3048;
    if (u == "usft" || u == "ussurveyfoot" || u == "ftus") return 1200.0 / 3937.0;
    return std::nullopt;
}

std::string raster_band_unit(const fs::path& path, int band) {
    ensure_gdal_ready();
    CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);  // our own message names the file
    CPLErrorStateBackuper keep_error_state;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) throw InputError(path.string() + ": cannot open as a raster");
    if (band < 1 || band > ds->GetRasterCount())
        throw InputError(path.string() + ": band " + std::to_string(band) + " does not exist (the file has " +
                         std::to_string(ds->GetRasterCount()) + ")");
    const char* u = ds->GetRasterBand(band)->GetUnitType();
    return u ? std::string(u) : std::string();
}

namespace {
// One owner per PROJ handle type.
struct ContextDeleter {
    void operator()(PJ_CONTEXT* c) const noexcept { proj_context_destroy(c); }
};
struct PjDeleter {
    void operator()(PJ* p) const noexcept { proj_destroy(p); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

std::string proj_message(PJ_CONTEXT* ctx) {
    const int e = proj_context_errno(ctx);
    const char* s = e ? proj_context_errno_string(ctx, e) : nullptr;
    return s ? std::string(s) : std::string("unknown PROJ error");
}
}  // namespace

struct GeoidConverter::Impl {
    ContextPtr ctx;
    PjPtr to_geographic;  // grid CRS -> its geodetic CRS, lon/lat degrees
    PjPtr vgrid;          // vgridshift: z -> z - N
    bool vgrid_radians{true};
    fs::path grid;
};

GeoidConverter::GeoidConverter(const CrsInfo& crs, const fs::path& geoid_grid) : m_impl(std::make_unique<Impl>()) {
    auto& m = *m_impl;
    if (crs.empty()) throw CrsError("geoid conversion: the grid has no CRS");
    std::error_code ec;
    if (!fs::is_regular_file(geoid_grid, ec)) throw CrsError("geoid grid " + geoid_grid.string() + " not found");
    m.grid = geoid_grid;
    m.ctx.reset(proj_context_create());
    if (!m.ctx) throw CrsError("geoid conversion: cannot create a PROJ context");
    proj_log_level(m.ctx.get(), PJ_LOG_NONE);
    proj_context_set_enable_network(m.ctx.get(), 0);

    PjPtr src(proj_create(m.ctx.get(), crs.wkt.c_str()));
    if (!src) throw CrsError("geoid conversion: PROJ cannot read the grid's CRS: " + proj_message(m.ctx.get()));
    PjPtr geod(proj_crs_get_geodetic_crs(m.ctx.get(), src.get()));
    if (!geod)
        throw CrsError("geoid conversion: the CRS " + crs.name + " has no geodetic datum: " + proj_message(m.ctx.get()));
    PjPtr op(proj_create_crs_to_crs_from_pj(m.ctx.get(), src.get(), geod.get(), nullptr, nullptr));
    if (!op) throw CrsError("geoid conversion: no transformation to geographic coordinates: " + proj_message(m.ctx.get()));
    m.to_geographic.reset(proj_normalize_for_visualization(m.ctx.get(), op.get()));
    if (!m.to_geographic) throw CrsError("geoid conversion: " + proj_message(m.ctx.get()));

    // The grid is named by absolute path, so PROJ uses exactly this file and never searches elsewhere.
    const std::string def = "+proj=vgridshift +grids=" + geoid_grid.string() + " +multiplier=-1";
    m.vgrid.reset(proj_create(m.ctx.get(), def.c_str()));
    if (!m.vgrid)
        throw CrsError("geoid grid " + geoid_grid.string() + " cannot be used by PROJ: " + proj_message(m.ctx.get()));
    m.vgrid_radians = proj_angular_input(m.vgrid.get(), PJ_FWD) != 0;
}

GeoidConverter::~GeoidConverter() = default;
GeoidConverter::GeoidConverter(GeoidConverter&&) noexcept = default;
GeoidConverter& GeoidConverter::operator=(GeoidConverter&&) noexcept = default;

const fs::path& GeoidConverter::grid_path() const noexcept { return m_impl->grid; }

void GeoidConverter::undulation(std::span<const double> x, std::span<const double> y, std::span<double> n_m) {
    auto& m = *m_impl;
    if (x.size() != y.size() || x.size() != n_m.size())
        throw std::invalid_argument("GeoidConverter::undulation: spans of different lengths");
    const std::size_t n = x.size();
    if (n == 0) return;
    std::vector<double> lon(x.begin(), x.end()), lat(y.begin(), y.end());
    std::fill(n_m.begin(), n_m.end(), 0.0);
    proj_errno_reset(m.to_geographic.get());
    proj_trans_generic(m.to_geographic.get(), PJ_FWD, lon.data(), sizeof(double), n, lat.data(), sizeof(double), n,
                       nullptr, 0, 0, nullptr, 0, 0);
    std::vector<double> lam(lon), phi(lat);
    if (m.vgrid_radians) {
        for (std::size_t i = 0; i < n; ++i) {
            lam[i] = proj_torad(lam[i]);
            phi[i] = proj_torad(phi[i]);
        }
    }
    proj_errno_reset(m.vgrid.get());
    proj_trans_generic(m.vgrid.get(), PJ_FWD, lam.data(), sizeof(double), n, phi.data(), sizeof(double), n,
                       n_m.data(), sizeof(double), n, nullptr, 0, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const double z = n_m[i];
        if (!std::isfinite(z) || z == HUGE_VAL || !std::isfinite(lon[i]) || std::fabs(lon[i]) == HUGE_VAL) {
            std::ostringstream s;
            s.precision(10);
            s << "geoid grid " << m.grid.filename().string() << " does not cover the point (" << x[i] << ", " << y[i]
              << ")";
            if (std::isfinite(lon[i]) && std::isfinite(lat[i]) && std::fabs(lon[i]) <= 360)
                s << " = lon " << lon[i] << ", lat " << lat[i];
            throw CrsError(s.str());
        }
        n_m[i] = -z;  // z = 0 + (-1) * N
    }
}

void GeoidConverter::to_geoid(const Grid& grid, Block<float>& heights, double metres_per_unit, int step) {
    if (step < 1) throw std::invalid_argument("GeoidConverter::to_geoid: step must be >= 1");
    const auto& w = heights.window;
    if (w.empty()) return;
    if (w.col_off < 0 || w.row_off < 0 || w.col_end() > grid.width() || w.row_end() > grid.height())
        throw std::out_of_range("GeoidConverter::to_geoid: window outside the grid");
    const auto cols = w.cols, rows = w.rows;
    // Lattice of sample positions in grid pixels: every step-th pixel of the grid and its last one, from the node
    // at or before the window's first pixel to the node at or after its last. The nodes belong to the grid, not
    // to the window, so a pixel's value does not depend on how the grid is cut into tiles.
    auto lattice = [step](std::int64_t len, std::int64_t first, std::int64_t end) {
        std::vector<std::int64_t> v{first / step * step};
        while (v.back() < end - 1) v.push_back(std::min(v.back() + step, len - 1));
        return v;
    };
    const auto lc = lattice(grid.width(), w.col_off, w.col_end());
    const auto lr = lattice(grid.height(), w.row_off, w.row_end());
    std::vector<double> xs, ys;
    xs.reserve(lc.size() * lr.size());
    ys.reserve(lc.size() * lr.size());
    for (auto r : lr)
        for (auto c : lc) {
            const auto p = grid.cell_center(c, r);
            xs.push_back(p.x);
            ys.push_back(p.y);
        }
    std::vector<double> nodes(xs.size());
    undulation(xs, ys, nodes);

    const std::size_t nlc = lc.size();
    std::size_t ri = 0;
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t gr = w.row_off + r;
        while (ri + 1 < lr.size() && lr[ri + 1] <= gr) ++ri;
        const std::size_t r1 = std::min(ri + 1, lr.size() - 1);
        const double tr = r1 == ri ? 0.0 : static_cast<double>(gr - lr[ri]) / static_cast<double>(lr[r1] - lr[ri]);
        std::size_t ci = 0;
        for (std::int64_t c = 0; c < cols; ++c) {
            const std::int64_t gc = w.col_off + c;
            while (ci + 1 < nlc && lc[ci + 1] <= gc) ++ci;
            const auto i = heights.index(c, r);
            if (!heights.valid[i]) continue;
            const std::size_t c1 = std::min(ci + 1, nlc - 1);
            const double tc =
                c1 == ci ? 0.0 : static_cast<double>(gc - lc[ci]) / static_cast<double>(lc[c1] - lc[ci]);
            const double n00 = nodes[ri * nlc + ci], n01 = nodes[ri * nlc + c1];
            const double n10 = nodes[r1 * nlc + ci], n11 = nodes[r1 * nlc + c1];
            const double nv = (1 - tr) * ((1 - tc) * n00 + tc * n01) + tr * ((1 - tc) * n10 + tc * n11);
            heights.px[i] = static_cast<float>(static_cast<double>(heights.px[i]) * metres_per_unit - nv);
        }
    }
}

}  // namespace bluecarbon
