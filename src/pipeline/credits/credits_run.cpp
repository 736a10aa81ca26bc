// `credits`: the project's parcels through its dated habitat maps, a baseline and a project scenario year by year,
// and the crediting profile's chain -> credits.csv and the credit columns of parcels.gpkg, published together.
#include <bluecarbon/pipeline/credits.hpp>

#include "pipeline/credits/credits_model.hpp"
#include "pipeline/credits/trajectories.hpp"
#include "pipeline/input_file.hpp"
#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/gpkg_columns.hpp>
#include <bluecarbon/io/profile_table.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>

namespace bluecarbon::pipeline {

namespace {

namespace fs = std::filesystem;
using credits::CreditsModel;
using science::Habitat;
using science::Tier1Parameter;

constexpr double k_z90 = 1.6448536269514722; // two-sided 90 %: the 95th percentile of the standard normal

accounting::ProfileValues profile_values(const fs::path& file) {
    const auto t = read_parameter_table(file, {"profile", "version", "revision"});
    accounting::ProfileValues v{t.metadata.at("profile"), t.metadata.at("version"), {}};
    for (const auto& r : t.rows)
        v.values.emplace_back(r.parameter, r.value);
    return v;
}

// The Tier-1 parameters of the yearly flows, and the relative 90 % half-width of each pool's rate: the rate row's
// own interval, else that of the stock row it grows towards (the growth and accumulation rows give none).
void set_tier1(const config::ProjectConfig& cfg, const science::Tier1Table& t, CreditsModel& m) {
    const auto zone = cfg.climate_zone;
    const auto soil = cfg.stock.soil;
    const auto value = [&](Tier1Parameter p, Habitat h) {
        const auto* r = t.find(p, h, zone, soil);
        return r ? r->value : 0.0;
    };
    const auto rel = [&](Tier1Parameter rate, Tier1Parameter stock, Habitat h) {
        for (auto p : {rate, stock}) {
            const auto* r = t.find(p, h, zone, soil);
            if (r && r->value > 0 && r->sigma() > 0)
                return k_z90 * r->sigma() / r->value;
        }
        return 0.0;
    };
    for (Habitat h : science::all_habitats()) {
        const auto i = science::habitat_index(h);
        auto& f = m.flows[i];
        f.wetland = h == Habitat::mangrove || h == Habitat::salt_marsh || h == Habitat::seagrass;
        f.agb_cap_t_dm = value(Tier1Parameter::agb_t_dm_per_ha, h);
        f.agb_growth_t_dm_yr = value(Tier1Parameter::agb_growth_t_dm_per_ha_yr, h);
        f.root_shoot = value(Tier1Parameter::root_shoot_ratio, h);
        f.carbon_fraction = value(Tier1Parameter::carbon_fraction, h);
        f.dead_litter_c =
            value(Tier1Parameter::dead_wood_mg_c_per_ha, h) + value(Tier1Parameter::litter_mg_c_per_ha, h);
        f.soil_c = f.wetland ? value(Tier1Parameter::soc_1m_mg_c_per_ha, h) : 0.0;
        // VM0033's default rate (gated by cover) where the profile lists it, else WS2013 Table 4.12.
        const bool vm_default =
            m.vm0033 && t.find(Tier1Parameter::vm0033_soc_accumulation_mg_c_per_ha_yr, h, zone, soil) != nullptr;
        m.cover_gated[i] = vm_default;
        m.soil_rate[i] = vm_default ? m.vm0033->default_soil_rate_t_c_per_ha_yr
                                    : value(Tier1Parameter::soc_accumulation_mg_c_per_ha_yr, h);
        f.soil_rate_c_yr = f.wetland ? m.soil_rate[i] : 0.0;
        m.rel90[0][i] = rel(Tier1Parameter::agb_growth_t_dm_per_ha_yr, Tier1Parameter::agb_t_dm_per_ha, h);
        m.rel90[1][i] = rel(vm_default ? Tier1Parameter::vm0033_soc_accumulation_mg_c_per_ha_yr
                                       : Tier1Parameter::soc_accumulation_mg_c_per_ha_yr,
                            Tier1Parameter::soc_1m_mg_c_per_ha, h);
    }
}

double csv_number(const CsvTable& t, std::size_t row, std::size_t col) {
    const auto v = parse_number(t.field(row, col));
    if (!v)
        throw t.error(row, col, "\"" + t.field(row, col) + "\" is not a number");
    return *v;
}

std::vector<double> vintage_prices(const config::CreditsConfig& c) {
    std::map<int, double> table;
    if (c.price_table) {
        const auto t = read_csv(*c.price_table);
        const auto yc = t.require_column("year"), pc = t.require_column("price");
        for (std::size_t i = 0; i < t.size(); ++i) {
            const double y = csv_number(t, i, yc), p = csv_number(t, i, pc);
            if (y != std::floor(y))
                throw t.error(i, yc, "must be a whole year");
            if (p < 0)
                throw t.error(i, pc, "must not be negative");
            if (!table.emplace(static_cast<int>(y), p).second)
                throw t.error(i, yc, "repeats a year");
        }
    }
    std::vector<double> out;
    for (const auto& v : c.vintages) { // the price of the year a vintage ends (is issued)
        if (const auto it = table.find(v.end); it != table.end())
            out.push_back(it->second);
        else if (c.price)
            out.push_back(*c.price);
        else
            throw ConfigError(fmt::format("{}: no price for {} (the end of vintage {}-{}) and no [credits] price",
                                          c.price_table_origin.str(), v.end, v.start, v.end));
    }
    return out;
}

std::vector<accounting::PrecisionDiscountRow> precision_table(const fs::path& file) {
    const auto t = read_csv(file);
    const auto pc = t.require_column("precision_up_to_pct"), dc = t.require_column("discount_pct");
    std::vector<accounting::PrecisionDiscountRow> rows;
    for (std::size_t i = 0; i < t.size(); ++i)
        rows.push_back({csv_number(t, i, pc), csv_number(t, i, dc)});
    if (rows.empty())
        throw InputError(file.string() + ": the precision-discount table has no rows");
    return rows;
}

CreditsModel build_model(const config::ProjectConfig& cfg, CreditsResult& r) {
    const auto& c = cfg.credits;
    CreditsModel m;
    const bool vm = c.profile == "vm0033";
    const fs::path table = data_dir() / "profiles" / (vm ? "vm0033_v2.1.csv" : "ccer_14_002_v01.csv");
    const auto values = profile_values(table);
    double minimum = 0;
    if (vm) {
        m.vm0033 = accounting::Vm0033Profile::from_values(values);
        minimum = m.vm0033->minimum_buffer_pct;
        m.co2_per_c = m.vm0033->co2_per_c;
    } else {
        m.ccer = accounting::Ccer14002Profile::from_values(values);
        minimum = m.ccer->minimum_buffer_pct;
        m.co2_per_c = m.ccer->co2_per_c;
        m.precision = precision_table(*c.precision_table);
    }
    if (c.buffer_percent < minimum)
        throw ConfigError(fmt::format("{}: {} is below {} {}'s minimum of {} % ({})", c.buffer_origin.str(),
                                      c.buffer_percent, values.profile, values.version, minimum,
                                      table.filename().string()));
    r.profile = values.profile;
    r.profile_version = values.version;
    r.profile_table = table.filename().string();
    auto tier1 = science::Tier1Table::load(cfg.tier1.table.value_or(data_dir() / "tier1_pools.csv"));
    for (const auto& ov : cfg.tier1.overrides)
        tier1.apply_override(ov);
    r.tier1_version = tier1.version();
    set_tier1(cfg, tier1, m);
    m.start_year = c.start_year;
    for (const auto& s : c.snapshots)
        m.snapshot_years.push_back(s.year);
    m.baseline_map = c.baseline_map.has_value();
    for (const auto& v : c.vintages)
        m.vintages.push_back({v.start, v.end});
    m.vintage_price = vintage_prices(c);
    m.buffer_percent = c.buffer_percent;
    return m;
}

std::string csv_text(const std::vector<accounting::CreditRow>& rows) {
    CsvWriter w(std::vector<std::string>(accounting::k_credit_columns.begin(), accounting::k_credit_columns.end()));
    for (const auto& row : rows) {
        std::vector<std::string> fields;
        for (const auto& f : accounting::credit_row_fields(row)) {
            if (const auto* s = std::get_if<std::string>(&f))
                fields.push_back(*s);
            else if (const auto* n = std::get_if<std::int64_t>(&f))
                fields.push_back(std::to_string(*n));
            else
                fields.push_back(format_number(std::get<double>(f) == 0.0 ? 0.0 : std::get<double>(f)));
        }
        w.add_row(std::move(fields));
    }
    return w.str();
}

const std::vector<VectorField>& gpkg_fields() {
    static const std::vector<VectorField> f{
        {"credits_profile", VectorField::Type::text},     {"ner_t_co2e", VectorField::Type::real},
        {"adjusted_ner_t_co2e", VectorField::Type::real}, {"buffer_t_co2e", VectorField::Type::real},
        {"credits_t_co2e", VectorField::Type::integer},   {"carried_t_co2e", VectorField::Type::real},
        {"credits_value", VectorField::Type::real},       {"credits_excluded_reason", VectorField::Type::text}};
    return f;
}

std::vector<FieldValue> gpkg_values(const CreditsResult& r, const CreditsParcelTotal& p) {
    return {r.profile + " " + r.profile_version,
            p.ner_t_co2e,
            p.adjusted_ner_t_co2e,
            p.buffer_t_co2e,
            p.credits_t_co2e,
            p.carried_t_co2e,
            p.value,
            p.excluded_reason};
}

} // namespace

CreditsResult run_credits(const config::ProjectConfig& cfg, const RunContext& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto& c = cfg.credits;
    if (!c.present)
        throw ConfigError(cfg.file.string() + ": no [credits] section");
    if (!cfg.parcels.path)
        throw ConfigError(cfg.file.string() + ": [credits] needs the parcels ([parcels] path)");
    const TileExecutor executor(resolve_threads(ctx, cfg.processing.threads));
    const std::int64_t tile = resolve_tile(ctx, cfg.processing.tile);

    CreditsResult r;
    r.currency = c.currency;
    r.start_year = c.start_year;
    r.end_year = c.end_year;
    r.buffer_percent = c.buffer_percent;
    r.discount_rate_pct = c.discount_rate_pct;
    r.threads = executor.threads();
    const CreditsModel model = build_model(cfg, r);

    // The first snapshot's grid is the grid of the run; the other maps are read onto it (nearest neighbour).
    std::vector<credits::MapInput> maps;
    RasterSourceOptions aligned;
    aligned.grid_name = c.snapshots.front().map.filename().string();
    for (const auto& s : c.snapshots) require_input_file(s.map, s.origin);
    for (const auto& s : c.snapshots) {
        r.snapshot_years.push_back(s.year);
        maps.push_back({maps.empty() ? RasterSource::open(s.map) : RasterSource::open_aligned(s.map, r.grid, aligned),
                        s.map.filename().string()});
        if (maps.size() == 1)
            r.grid = maps.front().source->grid();
    }
    if (c.baseline_map)
        maps.push_back(
            {RasterSource::open_aligned(*c.baseline_map, r.grid, aligned), c.baseline_map->filename().string()});
    if (cfg.habitat.classes.empty())
        throw ConfigError(cfg.file.string() + ": [credits] snapshots need [habitat.classes] (their class codes)");

    PolygonReadOptions po;
    po.id_field = cfg.parcels.id_field;
    po.layer = cfg.parcels.layer;
    po.target_crs = r.grid.crs();
    const auto parcels = read_polygons(*cfg.parcels.path, po);

    const auto areas =
        credits::trajectory_areas(r.grid, maps, cfg.habitat.classes, parcels.geometries, executor, tile, ctx);
    r.tiles = areas.tiles;
    for (std::size_t i = 0; i < parcels.size(); ++i) {
        CreditsParcelTotal total;
        auto rows = credits::parcel_rows(model, parcels.ids[i], areas.area_m2[i], total);
        for (auto& row : rows) {
            r.npv += row.value / std::pow(1.0 + c.discount_rate_pct / 100.0, row.vintage_end - c.start_year);
            r.rows.push_back(std::move(row));
        }
        r.credits_t_co2e += total.credits_t_co2e;
        r.buffer_t_co2e += total.buffer_t_co2e;
        r.value += total.value;
        (total.excluded_reason.empty() ? r.parcels_credited : r.parcels_excluded) += 1;
        if (total.unmapped_ha > 0)
            r.warnings.push_back(fmt::format("parcel {}: {:.4f} ha without a habitat in some map (not credited)",
                                             total.parcel_id, total.unmapped_ha));
        r.parcels.push_back(std::move(total));
    }

    r.output_dir = cfg.output_dir;
    r.credits_csv = cfg.output_dir / "credits.csv";
    r.parcels_gpkg = cfg.output_dir / "parcels.gpkg";
    ensure_writable_dir(cfg.output_dir);
    OutputTransaction transaction;
    write_text_file(r.credits_csv, csv_text(r.rows), &transaction);
    if (fs::exists(r.parcels_gpkg)) {
        std::map<std::string, std::vector<FieldValue>> values;
        for (const auto& p : r.parcels)
            values[p.parcel_id] = gpkg_values(r, p);
        update_gpkg_columns(r.parcels_gpkg, "parcels", "parcel_id", gpkg_fields(), values, &transaction);
    } else {
        PolygonLayerSpec spec{"parcels", r.grid.crs(), {{"parcel_id", VectorField::Type::text}}, "", ""};
        spec.fields.insert(spec.fields.end(), gpkg_fields().begin(), gpkg_fields().end());
        std::vector<std::vector<FieldValue>> rows;
        for (const auto& p : r.parcels) {
            rows.push_back({p.parcel_id});
            const auto v = gpkg_values(r, p);
            rows.back().insert(rows.back().end(), v.begin(), v.end());
        }
        write_polygons_gpkg(r.parcels_gpkg, spec, parcels.geometries, rows, &transaction);
        r.parcels_gpkg_created = true;
        r.warnings.push_back("no parcels.gpkg in the output folder: written with the credit columns only (run "
                             "`bluecarbon parcels` first for the parcel attributes)");
    }
    transaction.commit();
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.peak_rss_mb = peak_rss_mb();
    return r;
}

} // namespace bluecarbon::pipeline
