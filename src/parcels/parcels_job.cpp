#include <bluecarbon/error.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/area.hpp>
#include <bluecarbon/parcels/parcels_job.hpp>
#include <bluecarbon/parcels/validation.hpp>
#include <bluecarbon/parcels/zonal_run.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace bluecarbon::parcels {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_pools[5] = {"agb", "bgb", "dead", "soc", "total"};
constexpr double k_co2_per_c = 44.0 / 12.0;

std::unique_ptr<RasterSource> open_stock(const fs::path& path, const Grid* grid) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw InputError(path.string() + ": missing (run the stock step first: bluecarbon stock project.toml)");
    return grid ? RasterSource::open_aligned(path, *grid) : RasterSource::open(path);
}

}  // namespace

std::vector<std::string> parcel_columns(const std::vector<std::string>& habitat_columns) {
    std::vector<std::string> c = {"parcel_id", "owner", "area_m2", "area_planar_m2"};
    c.insert(c.end(), habitat_columns.begin(), habitat_columns.end());
    for (const char* p : k_pools) c.push_back(fmt::format("stock_{}_mg_c", p));
    for (const char* n : {"stock_total_mg_co2e", "stock_total_ci90_mg_c"}) c.emplace_back(n);
    for (std::size_t k = 0; k < 4; ++k) c.push_back(fmt::format("stock_{}_ci90_mg_c", k_pools[k]));
    for (const char* n : {"tidal_share", "eligible", "reasons"}) c.emplace_back(n);
    return c;
}

ParcelsResult run_parcels_job(const ParcelsRequest& req) {
    // The stock grid (total stock) is the analysis grid; the other rasters are read aligned to it.
    const auto total = open_stock(req.stock_dir / "stock_total.tif", nullptr);
    const Grid grid = total->grid();
    if (grid.crs().empty()) throw InputError((req.stock_dir / "stock_total.tif").string() + ": has no CRS");

    PolygonReadOptions ro;
    ro.layer = req.layer;
    ro.id_field = req.id_field;
    ro.optional_fields = {req.owner_field};
    ro.target_crs = grid.crs();
    PolygonTable table = read_polygons(req.polygons, ro);

    ParcelsResult result;
    std::vector<bool> repaired(table.size(), false);
    const auto problems = validate_parcels(table.ids, table.geometries);
    for (const auto& p : problems)
        if (!req.make_valid || !p.repairable())
            throw InputError(fmt::format("{}: {} parcel problem(s){}: {}", req.polygons.string(), problems.size(),
                                         req.make_valid ? "" : " (--make-valid repairs invalid geometries)",
                                         describe_problems(problems, 3)));
    for (const auto& p : problems)
        if (!repaired[p.index]) {
            table.geometries[p.index] = make_valid(table.geometries[p.index]);
            repaired[p.index] = true;
            ++result.repaired;
        }

    // Zonal passes: the same tiled, exact computation `zonal --stats total` runs.
    const ZonalRunSettings run{req.tile_size, req.threads, req.progress};
    const ZonalOptions totals({Stat::total, Stat::area_m2});
    std::vector<std::vector<ZonalPartial>> pools;
    for (const char* p : k_pools) {
        const auto src = std::string(p) == "total" ? nullptr
                                                    : open_stock(req.stock_dir / fmt::format("stock_{}.tif", p), &grid);
        auto r = compute_zonal({src ? src.get() : total.get(), 0}, table.geometries, totals, run);
        if (std::string(p) == "total" && r.off_grid.size() == table.size())
            throw GridMismatchError(fmt::format("{} and the stock rasters in {} do not overlap at all",
                                                req.polygons.string(), req.stock_dir.string()));
        if (std::string(p) == "total" && !r.off_grid.empty())
            result.warnings.push_back(fmt::format("{} of {} parcels lie outside the stock rasters", r.off_grid.size(),
                                                  table.size()));
        pools.push_back(std::move(r.parcels));
    }
    const auto unc_src = open_stock(req.stock_dir / "uncertainty.tif", &grid);
    const auto uncertainty = compute_zonal({unc_src.get(), 0}, table.geometries, totals, run).parcels;
    std::vector<std::vector<ZonalPartial>> pool_uncertainty;  // agb, bgb, dead, soc
    for (std::size_t k = 0; k < 4; ++k) {
        const auto src = open_stock(req.stock_dir / fmt::format("uncertainty_{}.tif", k_pools[k]), &grid);
        pool_uncertainty.push_back(compute_zonal({src.get(), 0}, table.geometries, totals, run).parcels);
    }
    const auto hab_src = open_stock(req.stock_dir / "habitat.tif", &grid);
    const auto habitat =
        compute_zonal({hab_src.get(), 0}, table.geometries, ZonalOptions({Stat::frac, Stat::area_m2}), run).parcels;
    std::vector<ZonalPartial> tidal;
    if (req.tidal_frame) {
        const auto src = RasterSource::open_aligned(*req.tidal_frame, grid);
        tidal = compute_zonal({src.get(), 0}, table.geometries, totals, run).parcels;
    }

    // Habitat columns: every known habitat present in some parcel, in the order given.
    std::set<double> present;
    for (const auto& h : habitat)
        for (const auto& [code, a] : h.class_area_m2())
            if (a > 0) present.insert(code);
    std::vector<const HabitatClass*> columns;
    for (const auto& h : req.habitats)
        if (present.count(h.code)) {
            columns.push_back(&h);
            result.habitat_columns.push_back("ha_" + h.name);
        }

    // Areas: ellipsoidal on the datum of the grid's CRS, planar in the grid's CRS.
    const CrsInfo geog = geographic_crs_of(grid.crs());
    auto lonlat = table.geometries;
    transform_polygons(lonlat, grid.crs(), geog);

    // Overlaps with other parcels and with previously credited polygons.
    const double unit2 = grid.crs().geographic ? 1.0 : grid.crs().linear_unit_m * grid.crs().linear_unit_m;
    const double tol = req.rules.overlap_tolerance_m2 / unit2;
    std::vector<std::vector<std::string>> overlapping(table.size()), credited_ids(table.size());
    for (const auto& o : find_overlaps(table.geometries, table.geometries, tol, true)) {
        overlapping[o.a].push_back(table.ids[o.b]);
        overlapping[o.b].push_back(table.ids[o.a]);
    }
    if (req.credited) {
        PolygonReadOptions co;
        co.id_field = req.credited_id_field.empty() ? req.id_field : req.credited_id_field;
        co.target_crs = grid.crs();
        const auto credited = read_polygons(*req.credited, co);
        for (const auto& o : find_overlaps(table.geometries, credited.geometries, tol))
            credited_ids[o.a].push_back(credited.ids[o.b]);
    }
    if (grid.crs().geographic && req.rules.overlap_tolerance_m2 > 0)
        result.warnings.push_back("overlap tolerance applied in square degrees: the grid's CRS is geographic");

    for (std::size_t i = 0; i < table.size(); ++i) {
        ParcelRecord r;
        r.id = table.ids[i];
        r.owner = table.attributes[i][0];
        r.area_m2 = ellipsoidal_area_m2(lonlat[i], geog.semi_major_m, geog.inverse_flattening);
        r.area_planar_m2 = grid.crs().geographic ? std::nan("") : planar_area_m2(table.geometries[i], grid.crs().linear_unit_m);
        const auto hab = habitat[i].class_area_m2();
        bool blue = false;
        for (const auto* h : columns) {
            const auto it = hab.find(h->code);
            const double ha = it == hab.end() ? 0.0 : it->second / 1e4;
            r.habitat_ha.push_back(ha);
            blue = blue || (h->blue_carbon && ha > 0);
        }
        for (std::size_t k = 0; k < 5; ++k) r.stock_mg_c[k] = pools[k][i].total();
        r.stock_total_mg_co2e = r.stock_mg_c[4] * k_co2_per_c;
        // Pixel errors of one stock map share their sources (model, Tier-1 factors), so their 90 % half-widths
        // add up linearly over the parcel (fully correlated): the conservative combination.
        r.stock_total_ci90_mg_c = uncertainty[i].total();
        for (std::size_t k = 0; k < 4; ++k) r.stock_ci90_mg_c[k] = pool_uncertainty[k][i].total();
        r.tidal_share = std::nan("");
        // Clamped: (Σ x c A / 10⁴) × 10⁴ / Σ c A can round to just above 1 where every cell is inside.
        if (!tidal.empty() && tidal[i].area_m2() > 0)
            r.tidal_share = std::min(1.0, tidal[i].total() * 1e4 / tidal[i].area_m2());
        ParcelFacts facts;
        facts.id = r.id;
        facts.owner = r.owner;
        facts.area_m2 = r.area_m2;
        facts.blue_carbon = blue;
        facts.tidal_share = r.tidal_share;
        facts.overlapping_ids = overlapping[i];
        facts.credited_ids = credited_ids[i];
        facts.repaired = repaired[i];
        r.eligibility = assess(facts, req.rules);
        result.eligible += r.eligibility.eligible;
        result.parcels.push_back(std::move(r));
    }

    // Output: both files in one transaction.
    PolygonLayerSpec spec;
    spec.layer = "parcels";
    spec.crs = grid.crs();
    spec.style_name = "eligibility";
    spec.style_qml = eligibility_qml();
    const auto names = parcel_columns(result.habitat_columns);
    for (const auto& n : names) {
        auto type = VectorField::Type::real;
        if (n == "parcel_id" || n == "owner" || n == "reasons") type = VectorField::Type::text;
        if (n == "eligible") type = VectorField::Type::integer;
        spec.fields.push_back({n, type});
    }
    const auto num = [](double v) { return std::isfinite(v) ? FieldValue{v} : FieldValue{std::monostate{}}; };
    std::vector<std::vector<FieldValue>> rows;
    for (const auto& r : result.parcels) {
        std::vector<FieldValue> row{r.id, r.owner, num(r.area_m2), num(r.area_planar_m2)};
        for (double ha : r.habitat_ha) row.push_back(num(ha));
        for (double s : r.stock_mg_c) row.push_back(num(s));
        row.push_back(num(r.stock_total_mg_co2e));
        row.push_back(num(r.stock_total_ci90_mg_c));
        for (double hw : r.stock_ci90_mg_c) row.push_back(num(hw));
        row.push_back(num(r.tidal_share));
        row.push_back(std::int64_t{r.eligibility.eligible ? 1 : 0});
        row.push_back(r.eligibility.reasons_text());
        rows.push_back(std::move(row));
    }
    fs::create_directories(req.output_dir);
    result.gpkg = req.output_dir / "parcels.gpkg";
    result.geojson = req.output_dir / "parcels.geojson";
    OutputTransaction transaction;
    write_polygons_gpkg(result.gpkg, spec, table.geometries, rows, &transaction);
    write_polygons_geojson(result.geojson, spec, table.geometries, rows, &transaction);
    transaction.commit();
    return result;
}

}  // namespace bluecarbon::parcels
