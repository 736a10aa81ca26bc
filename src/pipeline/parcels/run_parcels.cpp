// run_parcels: the stock step when its rasters are missing or stale, then the parcels module's job on them
// with the project's [parcels] rules.
#include <bluecarbon/pipeline/parcels.hpp>

#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> stock_outputs(const config::ProjectConfig& cfg) {
    std::vector<fs::path> out;
    for (const char* f : {"habitat.tif", "stock_agb.tif", "stock_bgb.tif", "stock_dead.tif", "stock_soc.tif",
                          "stock_total.tif", "uncertainty.tif", "uncertainty_agb.tif", "uncertainty_bgb.tif",
                          "uncertainty_dead.tif", "uncertainty_soc.tif"})
        out.push_back(cfg.output_dir / f);
    if (cfg.dem && cfg.tidal) out.push_back(cfg.output_dir / "tidal.tif");
    return out;
}

std::vector<fs::path> stock_inputs(const config::ProjectConfig& cfg) {
    std::vector<fs::path> in{cfg.file};
    for (const auto& [name, r] : cfg.rasters) in.push_back(r.path);
    if (cfg.dem) in.push_back(cfg.dem->raster.path);
    if (cfg.habitat.map) in.push_back(cfg.habitat.map->path);
    if (cfg.tier1.table) in.push_back(*cfg.tier1.table);
    if (cfg.stock.biomass_model) in.push_back(*cfg.stock.biomass_model);
    return in;
}

std::vector<parcels::HabitatClass> habitat_classes() {
    using science::Habitat;
    std::vector<parcels::HabitatClass> out;
    for (Habitat h : science::all_habitats())
        out.push_back({static_cast<int>(h), std::string(science::habitat_name(h)),
                       h == Habitat::mangrove || h == Habitat::salt_marsh || h == Habitat::seagrass});
    return out;
}

// Eligible parcels, and parcels per reason code (the part before ':'), in code order.
std::map<std::string, std::size_t> reason_counts(const parcels::ParcelsResult& p) {
    std::map<std::string, std::size_t> n;
    for (const auto& r : p.parcels)
        for (const auto& reason : r.eligibility.reasons) ++n[reason.substr(0, reason.find(':'))];
    return n;
}

}  // namespace

std::optional<std::string> stock_outputs_stale(const config::ProjectConfig& cfg) {
    std::error_code ec;
    auto oldest = fs::file_time_type::max();
    for (const auto& out : stock_outputs(cfg)) {
        const auto t = fs::last_write_time(out, ec);
        if (ec) return out.filename().string() + " is missing";
        oldest = std::min(oldest, t);
    }
    for (const auto& in : stock_inputs(cfg)) {
        const auto t = fs::last_write_time(in, ec);
        if (!ec && t > oldest) return in.filename().string() + " is newer than the stock rasters";
    }
    return std::nullopt;
}

ParcelsResult run_parcels(const config::ProjectConfig& cfg, const RunContext& ctx, const ParcelsOptions& options) {
    RunClock clock;
    const auto& pc = cfg.parcels;
    if (!pc.present || !pc.path)
        throw ConfigError(cfg.file.string() + ": no [parcels] section (path = the parcel polygons) for the parcels "
                                              "step");
    ParcelsResult r;
    r.polygons = *pc.path;
    const int threads = resolve_threads(ctx, cfg.processing.threads);
    r.threads = threads > 0 ? threads : default_thread_count();
    r.tile = resolve_tile(ctx, cfg.processing.tile);
    // A missing parcel file is found before a stock run is spent on it.
    std::error_code ec;
    if (!fs::exists(*pc.path, ec)) throw InputError(pc.path_origin.str() + ": " + pc.path->string() + ": no such file");
    if (pc.credited && !fs::exists(*pc.credited, ec))
        throw InputError(pc.credited_origin.str() + ": " + pc.credited->string() + ": no such file");

    if (auto why = stock_outputs_stale(cfg)) {
        r.stock_reason = *why;
        r.stock = run_stock(cfg, ctx);
    }
    ensure_gdal_ready();  // the CLI's GdalSession: 16 MB of cache (whole blocks are read)

    parcels::ParcelsRequest req;
    req.polygons = *pc.path;
    req.layer = pc.layer;
    req.id_field = pc.id_field;
    req.owner_field = pc.owner_field;
    req.rules.min_area_m2 = pc.min_area_m2;
    req.rules.min_tidal_share = pc.min_tidal_share;
    req.rules.overlap_tolerance_m2 = pc.overlap_tolerance_m2;
    req.credited = pc.credited;
    req.credited_id_field = pc.credited_id_field;
    req.stock_dir = cfg.output_dir;
    if (cfg.dem && cfg.tidal) req.tidal_frame = cfg.output_dir / "tidal.tif";
    req.habitats = habitat_classes();
    req.make_valid = options.make_valid;
    req.output_dir = cfg.output_dir;
    req.threads = r.threads;
    req.tile_size = r.tile;
    r.parcels = run_as_phase(ctx, "parcels", [&] { return parcels::run_parcels_job(req); });
    (void)clock.mark();
    r.wall_seconds = clock.total().wall;
    r.peak_rss_mb = peak_rss_mb();
    return r;
}

std::string to_json(const ParcelsResult& r) {
    using json = nlohmann::ordered_json;
    const auto& p = r.parcels;
    const auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    json j;
    j["command"] = "parcels";
    j["bluecarbon_version"] = k_version;
    j["polygons"] = r.polygons.string();
    j["stock_ran"] = r.stock.has_value();
    j["stock_reason"] = r.stock_reason;
    j["parcels"] = p.parcels.size();
    j["eligible"] = p.eligible;
    j["repaired"] = p.repaired;
    j["reasons"] = reason_counts(p);
    double total = 0, co2e = 0, eligible_co2e = 0;
    json rows = json::array();
    for (const auto& x : p.parcels) {
        total += x.stock_mg_c[4];
        co2e += x.stock_total_mg_co2e;
        if (x.eligibility.eligible) eligible_co2e += x.stock_total_mg_co2e;
        rows.push_back({{"parcel_id", x.id}, {"owner", x.owner}, {"area_m2", num(x.area_m2)},
                        {"stock_total_mg_c", num(x.stock_mg_c[4])}, {"stock_total_mg_co2e", num(x.stock_total_mg_co2e)},
                        {"tidal_share", num(x.tidal_share)}, {"eligible", x.eligibility.eligible ? 1 : 0},
                        {"reasons", x.eligibility.reasons_text()}});
    }
    j["stock_total_mg_c"] = total;
    j["stock_total_mg_co2e"] = co2e;
    j["eligible_stock_total_mg_co2e"] = eligible_co2e;
    j["habitat_columns"] = p.habitat_columns;
    j["outputs"] = {p.gpkg.string(), p.geojson.string()};
    j["warnings"] = p.warnings;
    j["threads"] = r.threads;
    j["tile"] = r.tile;
    j["wall_seconds"] = r.wall_seconds;
    j["peak_rss_mb"] = r.peak_rss_mb;
    j["rows"] = rows;
    return j.dump(2);
}

std::string summary_text(const ParcelsResult& r) {
    const auto& p = r.parcels;
    std::string t;
    if (r.stock) t += fmt::format("stock step run first ({})\n", r.stock_reason);
    double co2e = 0, eligible_co2e = 0;
    for (const auto& x : p.parcels) {
        co2e += x.stock_total_mg_co2e;
        if (x.eligibility.eligible) eligible_co2e += x.stock_total_mg_co2e;
    }
    t += fmt::format("parcels: {} parcels, {} eligible{}; stock {:.1f} Mg CO2e ({:.1f} on eligible parcels)\n",
                     p.parcels.size(), p.eligible, p.repaired ? fmt::format(", {} repaired", p.repaired) : "", co2e,
                     eligible_co2e);
    for (const auto& [code, n] : reason_counts(p)) t += fmt::format("  {:<22} {} parcel(s)\n", code, n);
    for (const auto& w : p.warnings) t += "  warning: " + w + "\n";
    t += fmt::format("  {} threads, {:.2f} s, peak memory {:.0f} MB\n  outputs: {}, {}\n", r.threads, r.wall_seconds,
                     r.peak_rss_mb, p.gpkg.string(), p.geojson.string());
    return t;
}

}  // namespace bluecarbon::pipeline
