// The report's data from a project's output folder.
#include <bluecarbon/pipeline/lots.hpp>
#include <bluecarbon/pipeline/report.hpp>

#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t k_max_map_px = 1024;  // quicklooks need no more; larger rasters are read decimated

const std::map<std::string, std::pair<std::string, std::string>>& layer_titles() {
    static const std::map<std::string, std::pair<std::string, std::string>> t{
        {"habitat", {"Habitat", ""}},
        {"stock_total", {"Total carbon stock", "Mg C/ha"}},
        {"stock_agb", {"Above-ground biomass carbon", "Mg C/ha"}},
        {"stock_bgb", {"Below-ground biomass carbon", "Mg C/ha"}},
        {"stock_dead", {"Dead wood and litter carbon", "Mg C/ha"}},
        {"stock_soc", {"Soil organic carbon", "Mg C/ha"}},
        {"uncertainty", {"Uncertainty (90 % half-width)", "Mg C/ha"}}};
    return t;
}

report::MapLayer read_layer(const fs::path& tif, const std::string& name) {
    const Grid full = read_grid(tif);
    const std::int64_t f = std::max<std::int64_t>(1, (std::max(full.width(), full.height()) + k_max_map_px - 1) /
                                                         k_max_map_px);
    GeoTransform gt = full.transform();
    gt.x_scale *= static_cast<double>(f);
    gt.y_scale *= static_cast<double>(f);
    const Grid grid(full.crs(), gt, (full.width() + f - 1) / f, (full.height() + f - 1) / f);
    const bool habitat = name == "habitat";
    RasterSourceOptions opt;
    opt.resampling = habitat ? Resampling::nearest : Resampling::average;
    const auto src = f == 1 ? RasterSource::open(tif, opt) : RasterSource::open_aligned(tif, grid, opt);
    Block<float> b;
    src->read(0, Window{0, 0, grid.width(), grid.height()}, b);
    report::MapLayer m;
    m.name = name;
    m.title = layer_titles().at(name).first;
    m.unit = layer_titles().at(name).second;
    m.raster.grid = grid;
    if (habitat) {
        std::vector<std::uint8_t> px(b.px.size(), science::k_habitat_nodata);
        for (std::size_t i = 0; i < px.size(); ++i)
            if (b.valid[i]) px[i] = static_cast<std::uint8_t>(b.px[i]);
        m.raster.pixels = std::move(px);
        m.raster.nodata = science::k_habitat_nodata;
        for (auto h : science::all_habitats()) {
            const auto c = science::habitat_color(h);
            m.classes.push_back({static_cast<int>(h), std::string(science::habitat_name(h)), {c.r, c.g, c.b}});
        }
    } else {
        std::vector<float> px(b.px.size(), std::nanf(""));
        for (std::size_t i = 0; i < px.size(); ++i)
            if (b.valid[i]) px[i] = b.px[i];
        m.raster.pixels = std::move(px);
    }
    return m;
}

double num(const CsvTable& t, std::size_t r, std::optional<std::size_t> c) {
    return c ? parse_number(t.field(r, *c)).value_or(0.0) : 0.0;
}

void add_parcels(const fs::path& gpkg, report::ReportData& d) {
    PolygonReadOptions opt;
    opt.id_field = "parcel_id";
    opt.optional_fields = {"owner", "area_m2", "stock_total_mg_c", "stock_total_ci90_mg_c", "eligible", "reasons"};
    for (auto h : science::all_habitats()) opt.optional_fields.push_back("ha_" + std::string(science::habitat_name(h)));
    const PolygonTable t = read_polygons(gpkg, opt);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto& a = t.attributes[i];
        auto n = [&](std::size_t k) { return parse_number(a[k]).value_or(0.0); };
        report::ParcelRow row;
        row.parcel_id = t.ids[i];
        row.owner = a[0];
        row.area_ha = n(1) / 1e4;
        row.stock_mg_c = n(2);
        row.stock_lo_mg_c = std::max(0.0, n(2) - n(3));
        row.stock_hi_mg_c = n(2) + n(3);
        row.eligible = a[4].empty() || a[4] == "1";
        row.note = a[5];
        double best = 0;
        for (std::size_t k = 6; k < a.size(); ++k)
            if (n(k) > best) best = n(k), row.habitat = t.field_names[k].substr(3);
        d.parcels.push_back(std::move(row));
        report::ParcelOutline o;
        o.id = t.ids[i];
        for (const auto& p : t.geometries[i].parts) o.rings.push_back(p.exterior);
        d.outlines.push_back(std::move(o));
    }
}

void add_habitats(const fs::path& csv, report::ReportData& d) {
    const CsvTable t = read_csv(csv);
    const auto h = t.require_column("habitat");
    const auto area = t.find_column("area_ha"), total = t.find_column("total_mg_c");
    for (std::size_t r = 0; r < t.size(); ++r) {
        if (t.field(r, h) == "all") continue;
        report::HabitatStat s{t.field(r, h), num(t, r, area), num(t, r, total), std::nullopt};
        if (const auto hab = science::parse_habitat(t.field(r, h))) {
            const auto c = science::habitat_color(*hab);
            s.colour = report::Rgb{c.r, c.g, c.b};
        }
        d.habitats.push_back(std::move(s));
    }
}

// credits.csv: per parcel and vintage. The chart's bars: the credits plus what was deducted on the way from the
// net removals (leakage, uncertainty, buffer), so each bar's net is the credits issued.
void add_credits(const fs::path& csv, report::ReportData& d) {
    const CsvTable t = read_csv(csv);
    const auto parcel = t.require_column("parcel_id"), vintage = t.require_column("vintage_start");
    const auto credits = t.require_column("credits_t_co2e"), leakage = t.require_column("leakage_t_co2e");
    const auto ner = t.require_column("ner_t_co2e"), adjusted = t.require_column("adjusted_ner_t_co2e");
    const auto buffer = t.require_column("buffer_t_co2e");
    std::map<int, report::CreditVintageRow> by_year;
    std::map<std::string, double> by_parcel;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const int y = static_cast<int>(num(t, r, vintage));
        auto& row = by_year[y];
        row.vintage = y;
        if (row.deductions.empty()) row.deductions = {{"leakage", 0}, {"uncertainty", 0}, {"buffer", 0}};
        const double dl = std::max(0.0, num(t, r, leakage)), du = std::max(0.0, num(t, r, ner) - num(t, r, adjusted));
        const double db = std::max(0.0, num(t, r, buffer)), c = num(t, r, credits);
        row.deductions[0].t_co2e += dl;
        row.deductions[1].t_co2e += du;
        row.deductions[2].t_co2e += db;
        row.gross_t_co2e += c + dl + du + db;
        by_parcel[t.field(r, parcel)] += c;
    }
    for (auto& [y, row] : by_year) d.credits.push_back(std::move(row));
    for (auto& p : d.parcels)
        if (const auto it = by_parcel.find(p.parcel_id); it != by_parcel.end()) p.credits_t_co2e = it->second;
}

void add_lots(const fs::path& csv, report::ReportData& d) {
    const CsvTable t = read_csv(csv);
    auto list = [&](std::size_t r, const char* col) {
        std::vector<std::string> out;
        const std::string s = t.field(r, t.require_column(col));
        for (std::size_t a = 0; a < s.size();) {
            const auto b = std::min(s.find(';', a), s.size());
            out.push_back(s.substr(a, b - a));
            a = b + 1;
        }
        return out;
    };
    for (std::size_t r = 0; r < t.size(); ++r) {
        report::LotRow l;
        l.lot = t.field(r, t.require_column("lot"));
        l.serial_blocks = list(r, "serial_blocks");
        l.parcels = list(r, "parcels");
        l.habitats = list(r, "habitats");
        l.t_co2e = num(t, r, t.require_column("t_co2e"));
        l.area_ha = num(t, r, t.require_column("area_ha"));
        l.start_price = num(t, r, t.require_column("start_price"));
        l.increment = num(t, r, t.find_column("increment"));
        l.currency = t.field(r, t.require_column("currency"));
        d.lots.push_back(std::move(l));
    }
}

}  // namespace

std::vector<report::Parameter> run_parameters(const config::ProjectConfig& cfg) {
    std::vector<report::Parameter> p{{"project file", cfg.file.filename().string()},
                                     {"climate zone", std::string(science::climate_zone_name(cfg.climate_zone))},
                                     {"soil", std::string(science::soil_type_name(cfg.stock.soil))},
                                     {"habitat source", cfg.habitat.source == config::HabitatSource::map ? "map"
                                                                                                          : "rules"},
                                     {"tile", std::to_string(cfg.processing.tile)}};
    if (cfg.lots.present) {
        std::string by;
        for (const auto& g : cfg.lots.group_by) by += (by.empty() ? "" : ", ") + g;
        p.push_back({"lots grouped by", by.empty() ? "-" : by});
        p.push_back({"lot target", fmt::format("{} t CO2e", cfg.lots.target_t_co2e)});
        if (cfg.lots.contiguity_m) p.push_back({"lot contiguity", fmt::format("{} m", *cfg.lots.contiguity_m)});
        p.push_back({"lot start price", fmt::format("{} {}/t (increment {})", cfg.lots.start_price, cfg.lots.currency,
                                                    cfg.lots.increment)});
    }
    return p;
}

std::vector<report::InputHash> project_input_hashes(const config::ProjectConfig& cfg) {
    std::vector<std::pair<std::string, fs::path>> files{{"project", cfg.file}};
    for (const auto& [name, r] : cfg.rasters) files.emplace_back(name, r.path);
    if (cfg.habitat.map) files.emplace_back("habitat", cfg.habitat.map->path);
    if (cfg.dem) files.emplace_back("dem", cfg.dem->raster.path);
    for (const auto& [name, p] : {std::pair{"trees", cfg.survey.trees}, {"plots", cfg.survey.plots},
                                  {"cores", cfg.survey.cores}, {"biomass_model", cfg.stock.biomass_model}})
        if (p) files.emplace_back(name, *p);
    std::vector<report::InputHash> out;
    for (const auto& h : hash_inputs(files)) out.push_back({h.name, h.path.filename().string(), h.sha256});
    return out;
}

report::ReportData project_report_data(const config::ProjectConfig& cfg) {
    report::ReportData d;
    const fs::path out = cfg.output_dir;
    d.title = cfg.report.title;
    d.project = cfg.name;
    d.tool_version = k_version;
    for (const auto& layer : cfg.report.layers) {
        const fs::path tif = out / (layer + ".tif");
        if (!fs::exists(tif)) {
            if (cfg.report.present && !cfg.report.layers_origin.key.empty())
                throw InputError(cfg.report.layers_origin.str() + ": layer \"" + layer + "\": " + tif.string() +
                                 " does not exist (run `bluecarbon stock` first)");
            continue;
        }
        d.maps.push_back(read_layer(tif, layer));
    }
    if (fs::exists(out / "parcels.gpkg")) add_parcels(out / "parcels.gpkg", d);
    if (fs::exists(out / "stock_summary.csv")) add_habitats(out / "stock_summary.csv", d);
    if (fs::exists(out / "credits.csv")) add_credits(out / "credits.csv", d);
    if (fs::exists(out / "lots.csv")) add_lots(out / "lots.csv", d);
    d.parameters = run_parameters(cfg);
    d.inputs = project_input_hashes(cfg);
    return d;
}

}  // namespace bluecarbon::pipeline
