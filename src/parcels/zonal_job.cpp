#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/validation.hpp>
#include <bluecarbon/parcels/zonal_job.hpp>
#include <bluecarbon/parcels/zonal_run.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace bluecarbon::parcels {

namespace fs = std::filesystem;

RasterBandSpec parse_raster_band(const std::string& text) {
    std::error_code ec;
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || fs::exists(text, ec)) return {text, ""};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

std::vector<std::string> zonal_columns(const std::vector<Stat>& stats, const std::vector<double>& frac_classes) {
    std::vector<std::string> cols;
    for (Stat s : stats) {
        if (s != Stat::frac) {
            cols.emplace_back(stat_name(s));
            continue;
        }
        for (double c : frac_classes) cols.push_back("frac_" + format_number(c));
    }
    return cols;
}

namespace {

std::unique_ptr<RasterSource> open_band(const RasterBandSpec& spec, const Grid* align_to) {
    RasterSourceOptions o;
    if (!spec.band.empty()) o.bands = {spec.band};
    if (align_to) {
        o.grid_name = "the values raster's grid";
        return RasterSource::open_aligned(spec.file, *align_to, o);
    }
    return RasterSource::open(spec.file, o);
}

}  // namespace

ZonalJobInputs open_zonal_job(const ZonalRequest& req) {
    const std::string ext = req.out.extension().string();
    if (ext != ".csv" && ext != ".gpkg")
        throw ConfigError(fmt::format("--out {}: the output must end in .csv or .gpkg", req.out.string()));
    ZonalJobInputs in;
    in.options = ZonalOptions(req.stats, req.min_coverage);
    if (in.options.wants_weights() && !req.weights)
        throw ConfigError("--stats: weighted_sum and weighted_mean need --weights FILE[:band]");

    in.values = open_band(req.raster, nullptr);
    const Grid& grid = in.values->grid();
    if (req.weights) in.weights = open_band(*req.weights, &grid);

    PolygonReadOptions ro;
    ro.layer = req.layer;
    ro.id_field = req.id_field;
    if (!grid.crs().empty()) ro.target_crs = grid.crs();
    in.table = read_polygons(req.polygons, ro);
    PolygonTable& table = in.table;

    const auto problems = validate_parcels(table.ids, table.geometries);
    std::set<std::size_t> repair;
    for (const auto& p : problems) {
        if (!req.make_valid || !p.repairable())
            throw InputError(fmt::format("{}: {} invalid polygon(s): {}", req.polygons.string(), problems.size(),
                                         describe_problems(problems, 3)));
        repair.insert(p.index);
    }
    for (std::size_t i : repair) table.geometries[i] = make_valid(table.geometries[i]);
    in.repaired = repair.size();
    return in;
}

ZonalSummary run_zonal_job(const ZonalRequest& req) {
    const ZonalJobInputs in = open_zonal_job(req);
    return write_zonal_table(req, in,
                             compute_zonal(in.rasters(), in.table.geometries, in.options,
                                           {req.tile_size, req.threads, req.progress}));
}

ZonalSummary write_zonal_table(const ZonalRequest& req, const ZonalJobInputs& in, const ZonalRunResult& result) {
    const std::string ext = req.out.extension().string();
    const ZonalOptions& options = in.options;
    const PolygonTable& table = in.table;
    ZonalSummary summary;
    summary.out = req.out;
    summary.parcels = table.size();
    summary.repaired = in.repaired;
    summary.tiles = result.tiles;
    summary.off_grid = result.off_grid.size();
    if (summary.off_grid == table.size())
        throw GridMismatchError(fmt::format("{} and {} do not overlap at all", req.polygons.string(),
                                            req.raster.file.string()));
    if (summary.off_grid > 0)
        summary.warnings.push_back(fmt::format("{} of {} polygons lie outside {} (their rows are empty)",
                                               summary.off_grid, table.size(), req.raster.file.string()));

    std::vector<double> classes;
    if (options.wants(Stat::frac)) {
        std::set<double> seen;
        for (const auto& p : result.parcels)
            for (const auto& [x, f] : p.frac()) seen.insert(x);
        classes.assign(seen.begin(), seen.end());
    }
    summary.columns = zonal_columns(req.stats, classes);

    // One value per column, in column order, for parcel i (NaN where undefined; every column NaN, an empty row,
    // for a parcel off the raster: its count is unknown, not 0).
    std::vector<bool> off(table.size(), false);
    for (std::size_t i : result.off_grid) off[i] = true;
    const auto row_values = [&](std::size_t i) {
        const ZonalPartial& z = result.parcels[i];
        if (off[i]) return std::vector<double>(summary.columns.size(), std::nan(""));
        std::vector<double> v;
        for (Stat s : req.stats) {
            if (s != Stat::frac) {
                v.push_back(z.value(s));
                continue;
            }
            const auto f = z.frac();
            for (double c : classes) {
                const auto it = f.find(c);
                v.push_back(it == f.end() ? (z.count() > 0 ? 0.0 : std::nan("")) : it->second);
            }
        }
        return v;
    };

    if (ext == ".csv") {
        std::vector<std::string> header{req.id_field};
        header.insert(header.end(), summary.columns.begin(), summary.columns.end());
        CsvWriter csv(header);
        for (std::size_t i = 0; i < table.size(); ++i) {
            std::vector<std::string> row{table.ids[i]};
            for (double v : row_values(i)) row.push_back(format_number(v));
            csv.add_row(std::move(row));
        }
        write_file_atomic(req.out, csv.str());
    } else {
        PolygonLayerSpec spec;
        spec.layer = "zonal";
        spec.crs = table.crs;
        spec.fields.push_back({req.id_field, VectorField::Type::text});
        for (const auto& c : summary.columns) spec.fields.push_back({c, VectorField::Type::real});
        std::vector<std::vector<FieldValue>> rows;
        for (std::size_t i = 0; i < table.size(); ++i) {
            std::vector<FieldValue> row;
            row.reserve(summary.columns.size() + 1);
            row.emplace_back(table.ids[i]);
            for (double v : row_values(i)) {
                // emplace_back of the alternative itself: GCC 12 warns falsely (-Wmaybe-uninitialized) when a
                // temporary FieldValue holding no string is moved in.
                if (std::isfinite(v))
                    row.emplace_back(v);
                else
                    row.emplace_back(std::monostate{});
            }
            rows.push_back(std::move(row));
        }
        write_polygons_gpkg(req.out, spec, table.geometries, rows);
    }
    return summary;
}

}  // namespace bluecarbon::parcels
