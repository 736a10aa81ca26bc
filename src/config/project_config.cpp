#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include "config/toml_section.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace bluecarbon::config {

namespace fs = std::filesystem;
using science::Habitat;

std::string Origin::str() const {
    if (line > 0) return fmt::format("{}:{}: {}", file, line, key);
    return fmt::format("{}: {}", file, key);
}

namespace {

using namespace detail;

Resampling parse_resampling(const Section& s, const std::string& k, Resampling fallback) {
    auto v = s.string(k);
    if (!v) return fallback;
    if (*v == "nearest") return Resampling::nearest;
    if (*v == "bilinear") return Resampling::bilinear;
    if (*v == "average") return Resampling::average;
    if (*v == "cubic") return Resampling::cubic;
    s.fail(k, fmt::format("unknown resampling \"{}\" (nearest, bilinear, average, cubic)", *v));
}

}  // namespace

Habitat detail::parse_habitat_value(const Section& s, const std::string& k, const toml::node& n) {
    if (!n.is_string()) fail_at(s.ctx(), line_of(n), s.key(k), "expected a habitat name, found " + type_name(n));
    const auto name = *n.value<std::string>();
    const auto h = science::parse_habitat(name);
    if (!h)
        fail_at(s.ctx(), line_of(n), s.key(k),
                fmt::format("unknown habitat \"{}\" (one of {})", name, science::habitat_name_list()));
    return *h;
}

namespace {

RasterInput parse_raster(const Section& s, const std::string& name, Resampling default_resampling) {
    RasterInput in;
    in.name = name;
    in.path = *s.path("path");
    in.origin = s.origin("path");
    if (const auto* bands = s.subtable("bands")) {
        // TOML tables are keyed maps; keep the order the user wrote the bands in.
        std::vector<std::pair<std::string, const toml::node*>> ordered;
        for (auto&& [k, v] : *bands) ordered.emplace_back(std::string(k.str()), &v);
        std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
            const auto pa = a.second->source().begin, pb = b.second->source().begin;
            return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
        });
        for (const auto& [k, vp] : ordered) {
            const auto& v = *vp;
            const std::string band = k;
            const std::string key = s.key("bands." + band);
            std::string selector;
            if (v.is_integer()) {
                const auto idx = *v.value<std::int64_t>();
                if (idx < 1) fail_at(s.ctx(), line_of(v), key, fmt::format("band index must be >= 1, got {}", idx));
                selector = std::to_string(idx);
            } else if (v.is_string()) {
                selector = *v.value<std::string>();
                if (selector.empty()) fail_at(s.ctx(), line_of(v), key, "must not be empty");
            } else {
                fail_at(s.ctx(), line_of(v), key, "expected a band index or a band description, found " + type_name(v));
            }
            in.bands.emplace_back(band, selector);
            in.band_origins[band] = Origin{s.ctx().file, line_of(v), key};
        }
        if (in.bands.empty()) s.fail("bands", "names no band");
    }
    in.scale = s.number("scale");
    in.offset = s.number("offset");
    in.nodata = s.number("nodata");
    if (in.scale && *in.scale == 0.0) s.fail("scale", "must not be 0");
    in.resampling = parse_resampling(s, "resampling", default_resampling);
    return in;
}

void parse_project_section(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    cfg.name = s.string("name").value_or("");
    cfg.description = s.string("description").value_or("");
    const auto zone = s.string("climate_zone");
    if (!zone) s.fail_section("missing key \"climate_zone\" (one of " + science::climate_zone_name_list() + ")");
    const auto z = science::parse_climate_zone(*zone);
    if (!z)
        s.fail("climate_zone",
               fmt::format("unknown climate zone \"{}\" (one of {})", *zone, science::climate_zone_name_list()));
    cfg.climate_zone = *z;
    cfg.output_dir = s.path("output").value_or((cfg.dir / "output").lexically_normal());
}

void parse_grid(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& g = cfg.grid;
    g.origin = Origin{s.ctx().file, s.line(), "grid"};
    g.from_input = s.string("from");
    g.crs = s.string("crs");
    if (const auto* n = s.get("resolution")) {
        if (n->is_number()) {
            g.resolution_x = g.resolution_y = *n->value<double>();
        } else if (n->is_array() && n->as_array()->size() == 2 && (*n->as_array())[0].is_number() &&
                   (*n->as_array())[1].is_number()) {
            g.resolution_x = *(*n->as_array())[0].value<double>();
            g.resolution_y = *(*n->as_array())[1].value<double>();
        } else {
            s.fail("resolution", "expected a number or [x, y]");
        }
        if (!(*g.resolution_x > 0 && *g.resolution_y > 0) || !std::isfinite(*g.resolution_x) ||
            !std::isfinite(*g.resolution_y))
            s.fail("resolution", "must be positive");
    }
    if (const auto* a = s.array("extent")) {
        if (a->size() != 4 || !std::all_of(a->begin(), a->end(), [](const toml::node& n) { return n.is_number(); }))
            s.fail("extent", "expected [xmin, ymin, xmax, ymax]");
        Extent e{*(*a)[0].value<double>(), *(*a)[1].value<double>(), *(*a)[2].value<double>(),
                 *(*a)[3].value<double>()};
        if (!(e.xmin < e.xmax && e.ymin < e.ymax)) s.fail("extent", "needs xmin < xmax and ymin < ymax");
        g.extent = e;
    }
    if (g.from_input && (g.crs || g.resolution_x || g.extent))
        s.fail("from", "give either from = \"<input>\" or crs/resolution/extent, not both");
    if (g.crs && !g.resolution_x) s.fail("crs", "a grid given by its CRS also needs resolution");
    if ((g.resolution_x || g.extent) && !g.crs)
        s.fail(g.resolution_x ? "resolution" : "extent", "needs crs as well (or use from = \"<input>\")");
}

void parse_processing(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    if (auto t = s.integer("tile")) {
        if (*t <= 0) s.fail("tile", fmt::format("must be a positive number of pixels, got {}", *t));
        cfg.processing.tile = *t;
    }
    if (auto t = s.integer("threads")) {
        if (*t < 0 || *t > 4096) s.fail("threads", fmt::format("must be 0 (all cores) or a positive count, got {}", *t));
        cfg.processing.threads = static_cast<int>(*t);
    }
    if (auto c = s.string("compression")) {
        if (*c != "deflate" && *c != "zstd" && *c != "lzw" && *c != "none")
            s.fail("compression", fmt::format("unknown compression \"{}\" (deflate, zstd, lzw or none)", *c));
        cfg.processing.compression = *c;
    }
    if (auto l = s.integer("compression_level")) {
        const int max = cfg.processing.compression == "zstd" ? 22 : 12;
        if (*l < 0 || *l > max)
            s.fail("compression_level", fmt::format("must be 0 (the codec's default) or 1-{} for {}, got {}", max,
                                                    cfg.processing.compression, *l));
        cfg.processing.compression_level = static_cast<int>(*l);
    }
}

void parse_inputs(const Section& s, ProjectConfig& cfg) {
    for (auto&& [k, v] : s.table()) {
        const std::string name(k.str());
        const std::string key = s.key(name);
        if (!v.is_table())
            fail_at(s.ctx(), line_of(v), key, "expected a table ([inputs." + name + "] with path = ...)");
        if (name == "dem") {
            Section d(s.ctx(), *v.as_table(), key,
                      {"path", "band", "heights", "vertical_unit", "nodata", "scale", "offset", "resampling"},
                      static_cast<int>(k.source().begin.line));
            d.check_keys();
            if (!d.get("path")) d.fail_section("missing key \"path\"");
            DemInput dem;
            dem.raster = parse_raster(d, name, Resampling::bilinear);
            const auto band = d.integer("band").value_or(1);
            if (band < 1) d.fail("band", "must be >= 1");
            dem.raster.bands = {{"elevation", std::to_string(band)}};
            dem.raster.band_origins["elevation"] = d.origin("band");
            const auto heights = d.string("heights").value_or("ellipsoidal");
            if (heights == "ellipsoidal") dem.heights_above_geoid = false;
            else if (heights == "geoid") dem.heights_above_geoid = true;
            else d.fail("heights", fmt::format("unknown height reference \"{}\" (ellipsoidal or geoid)", heights));
            dem.heights_origin = d.origin("heights");
            dem.vertical_unit = d.string("vertical_unit");
            cfg.dem = std::move(dem);
        } else {
            Section r(s.ctx(), *v.as_table(), key, {"path", "bands", "scale", "offset", "nodata", "resampling"},
                      static_cast<int>(k.source().begin.line));
            r.check_keys();
            if (!r.get("path")) r.fail_section("missing key \"path\"");
            if (name == "habitat")
                r.fail_section("the classified habitat raster is given as [habitat] map = \"...\"");
            cfg.rasters[name] = parse_raster(r, name, Resampling::bilinear);
        }
    }
}

void parse_tidal(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    TidalConfig t;
    t.origin = Origin{s.ctx().file, s.line(), "tidal"};
    t.datums.mllw_m = s.required_number("mllw_m");
    t.datums.mhhw_m = s.required_number("mhhw_m");
    t.datums.hat_m = s.required_number("hat_m");
    if (auto problem = science::tidal_datums_problem(t.datums)) {
        const std::string k = t.datums.mllw_m >= t.datums.mhhw_m ? "mllw_m" : "hat_m";
        s.fail(k, *problem);
    }
    if (auto g = s.string("geoid_grid")) {
        if (g->empty()) s.fail("geoid_grid", "must not be empty");
        t.geoid_grid = *g;
        t.geoid_grid_given = true;
    }
    t.geoid_origin = s.origin("geoid_grid");
    if (auto st = s.integer("geoid_step_px")) {
        if (*st < 1 || *st > 64) s.fail("geoid_step_px", "must be within 1..64");
        t.geoid_step_px = static_cast<int>(*st);
    }
    cfg.tidal = t;
}

void parse_habitat(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& h = cfg.habitat;
    h.origin = Origin{s.ctx().file, s.line(), "habitat"};
    const auto source = s.string("source");
    if (source) {
        if (*source == "map") h.source = HabitatSource::map;
        else if (*source == "rules") h.source = HabitatSource::rules;
        else s.fail("source", fmt::format("unknown habitat source \"{}\" (map or rules)", *source));
    } else {
        h.source = s.get("rules") && !s.get("map") ? HabitatSource::rules : HabitatSource::map;
    }
    if (auto p = s.path("map")) {
        RasterInput in;
        in.name = "habitat";
        in.path = *p;
        in.origin = s.origin("map");
        const auto band = s.integer("band").value_or(1);
        if (band < 1) s.fail("band", "must be >= 1");
        in.bands = {{"class", std::to_string(band)}};
        in.band_origins["class"] = s.origin("band");
        in.resampling = Resampling::nearest;  // class codes are never interpolated
        h.map = std::move(in);
    } else if (s.get("band")) {
        s.fail("band", "needs map = \"<classified raster>\"");
    }
    if (const auto* classes = s.subtable("classes")) {
        h.classes_origin = s.origin("classes");
        for (auto&& [k, v] : *classes) {
            const std::string code_text(k.str());
            std::int64_t code = 0;
            try {
                std::size_t used = 0;
                code = std::stoll(code_text, &used);
                if (used != code_text.size()) throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                fail_at(s.ctx(), line_of(v), s.key("classes"),
                        fmt::format("class code \"{}\" is not an integer", code_text));
            }
            const Habitat hab = parse_habitat_value(s, "classes", v);
            try {
                h.classes.add(code, hab);
            } catch (const std::invalid_argument&) {
                fail_at(s.ctx(), line_of(v), s.key("classes"), fmt::format("class code {} is mapped twice", code));
            }
        }
    }
    if (const auto* fb = s.get("fallback")) h.fallback = parse_habitat_value(s, "fallback", *fb);
    if (const auto* rules = s.array("rules")) {
        std::size_t i = 0;
        for (const auto& node : *rules) {
            ++i;
            const std::string key = fmt::format("habitat.rules[{}]", i);
            if (!node.is_table()) fail_at(s.ctx(), line_of(node), key, "expected a table {habitat = ..., when = ...}");
            Section r(s.ctx(), *node.as_table(), key, {"habitat", "when"}, line_of(node));
            r.check_keys();
            const auto* hab = r.get("habitat");
            if (!hab) r.fail_section("missing key \"habitat\"");
            science::HabitatRule rule;
            rule.habitat = parse_habitat_value(r, "habitat", *hab);
            rule.expression = r.required_string("when");
            rule.origin = r.origin("when").str();
            h.rules.push_back(std::move(rule));
        }
    }
    if (h.source == HabitatSource::map) {
        if (!h.map) s.fail_section("source = \"map\" needs map = \"<classified raster>\"");
        if (h.classes.empty()) s.fail_section("source = \"map\" needs [habitat.classes] (code = \"habitat\")");
    } else if (h.rules.empty()) {
        s.fail_section("source = \"rules\" needs at least one [[habitat.rules]]");
    }
}

void parse_stock(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    if (auto soil = s.string("soil")) {
        const auto t = science::parse_soil_type(*soil);
        if (!t) s.fail("soil", fmt::format("unknown soil type \"{}\" (mineral, organic or unknown)", *soil));
        cfg.stock.soil = *t;
    }
    cfg.stock.biomass_model = s.path("biomass_model");
    cfg.stock.biomass_model_origin = s.origin("biomass_model");
    if (const auto* f = s.get("force_model")) {
        if (!f->is_boolean()) s.fail("force_model", "expected true or false, found " + type_name(*f));
        cfg.stock.force_model = *f->value<bool>();
    }
    if (cfg.stock.force_model && !cfg.stock.biomass_model) s.fail("force_model", "needs biomass_model");
    cfg.stock.soc_from_cores = s.path("soc_from_cores");
    cfg.stock.soc_from_cores_origin = s.origin("soc_from_cores");
}

void parse_tier1(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    cfg.tier1.table = s.path("table");
    if (const auto* overrides = s.array("override")) {
        std::size_t i = 0;
        for (const auto& node : *overrides) {
            ++i;
            const std::string key = fmt::format("tier1.override[{}]", i);
            if (!node.is_table()) fail_at(s.ctx(), line_of(node), key, "expected a table");
            Section o(s.ctx(), *node.as_table(), key,
                      {"parameter", "habitat", "climate_zone", "soil", "value", "ci95", "source", "notes"},
                      line_of(node));
            o.check_keys();
            science::Tier1Row row;
            const auto param = o.required_string("parameter");
            const auto p = science::parse_tier1_parameter(param);
            if (!p) {
                std::vector<std::string> names;
                for (auto q : science::all_tier1_parameters()) names.emplace_back(science::tier1_parameter_name(q));
                o.fail("parameter", fmt::format("unknown parameter \"{}\" (one of {})", param, join(names)));
            }
            row.parameter = *p;
            const auto* hab = o.get("habitat");
            if (!hab) o.fail_section("missing key \"habitat\"");
            row.habitat = parse_habitat_value(o, "habitat", *hab);
            row.climate_zone = o.string("climate_zone").value_or(std::string(science::climate_zone_name(cfg.climate_zone)));
            if (row.climate_zone != "*" && !science::parse_climate_zone(row.climate_zone))
                o.fail("climate_zone", fmt::format("unknown climate zone \"{}\" (one of {}, or *)", row.climate_zone,
                                                   science::climate_zone_name_list()));
            row.soil = o.string("soil").value_or("*");
            if (row.soil != "*" && !science::parse_soil_type(row.soil))
                o.fail("soil", fmt::format("unknown soil type \"{}\" (mineral, organic, unknown or *)", row.soil));
            const auto* value = o.get("value");
            if (!value) o.fail_section("missing key \"value\"");
            if (!value->is_number()) o.fail("value", "expected a number, found " + type_name(*value));
            row.value = *value->value<double>();
            if (const auto* ci = o.array("ci95")) {
                if (ci->size() != 2 || !(*ci)[0].is_number() || !(*ci)[1].is_number())
                    o.fail("ci95", "expected [low, high]");
                row.ci95_low = *(*ci)[0].value<double>();
                row.ci95_high = *(*ci)[1].value<double>();
            }
            if (auto problem = science::tier1_value_problem(row.parameter, row.value, row.ci95_low, row.ci95_high))
                o.fail(row.ci95_low && problem->find("interval") != std::string::npos ? "ci95" : "value", *problem);
            row.source = o.required_string("source");
            // Without an interval the value would enter σ as exact (± 0): say so rather than assume a convention.
            if (!row.ci95_low)
                o.fail_section("missing key \"ci95\" ([low, high], the value's 95 % interval; [v, v] states an "
                               "exact value)");
            row.notes = o.string("notes").value_or("");
            row.origin = fmt::format("{}:{}", s.ctx().file, o.line());
            for (const auto& prev : cfg.tier1.overrides)
                if (prev.key() == row.key())
                    o.fail_section(fmt::format("overrides {} twice (first at {})", row.key(), prev.origin));
            cfg.tier1.overrides.push_back(std::move(row));
        }
    }
}

void parse_survey(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    cfg.survey.trees = s.path("trees");
    cfg.survey.plots = s.path("plots");
    cfg.survey.cores = s.path("cores");
    cfg.survey.trees_origin = s.origin("trees");
    cfg.survey.plots_origin = s.origin("plots");
    cfg.survey.cores_origin = s.origin("cores");
}

// The sections parsed in their own files, in the order they run.
std::vector<SectionParser> later_sections() {
    return {parcels_section(), credits_section(), certify_section(), registry_section(), lots_section(),
            report_section()};
}

// Checks that cut across sections.
void cross_check(const Section& root, ProjectConfig& cfg) {
    const auto& h = cfg.habitat;
    if (h.source == HabitatSource::rules) {
        if (cfg.rasters.empty() && !cfg.dem)
            root.fail_section("habitat rules need inputs: add [inputs.reflectance] (and [inputs.dem] for tidal masks)");
    }
    if (cfg.dem && !cfg.dem->heights_above_geoid && !cfg.tidal)
        fail_at(root.ctx(), cfg.dem->raster.origin.line, "inputs.dem",
                "ellipsoidal DEM heights need [tidal] (datums and geoid_grid) to be converted and used");
    if (cfg.tidal && !cfg.dem)
        fail_at(root.ctx(), cfg.tidal->origin.line, "tidal", "tidal datums need [inputs.dem]");
    if (cfg.grid.from_input && !cfg.input(*cfg.grid.from_input)) {
        std::vector<std::string> names;
        for (const auto& [n, r] : cfg.rasters) names.push_back(n);
        if (cfg.dem) names.emplace_back("dem");
        if (h.map) names.emplace_back("habitat");
        fail_at(root.ctx(), root.line_of_key("grid"), "grid.from",
                fmt::format("no input named \"{}\" (inputs: {})", *cfg.grid.from_input, join(names)));
    }
    if (cfg.primary_input().empty() && !cfg.grid.crs)
        root.fail_section("no input raster and no [grid] crs: nothing defines the analysis grid");
}

}  // namespace

std::string ProjectConfig::primary_input() const {
    if (grid.from_input) return *grid.from_input;
    if (rasters.count("reflectance")) return "reflectance";
    if (!rasters.empty()) return rasters.begin()->first;
    if (habitat.map) return "habitat";
    if (dem) return "dem";
    return {};
}

const RasterInput* ProjectConfig::input(const std::string& n) const {
    if (n == "dem") return dem ? &dem->raster : nullptr;
    if (n == "habitat") return habitat.map ? &*habitat.map : nullptr;
    auto it = rasters.find(n);
    return it == rasters.end() ? nullptr : &it->second;
}

ProjectConfig parse_project(const std::string& text, const fs::path& path) {
    Ctx ctx;
    ctx.file = path.string();
    ctx.dir = fs::absolute(path).parent_path().lexically_normal();
    toml::table root;
    try {
        root = toml::parse(text, ctx.file);
    } catch (const toml::parse_error& e) {
        throw ConfigError(fmt::format("{}:{}: {}", ctx.file, e.source().begin.line, e.description()));
    }
    ProjectConfig cfg;
    cfg.file = path;
    cfg.dir = ctx.dir;
    cfg.output_dir = (ctx.dir / "output").lexically_normal();
    std::vector<std::string> sections{"project", "grid",  "processing", "inputs", "tidal",
                                      "habitat", "stock", "tier1",      "survey"};
    for (const auto& later : later_sections()) sections.emplace_back(later.name);
    Section top(ctx, root, "", sections, 1);
    top.check_keys();
    auto section = [&](const std::string& name, std::vector<std::string> known) -> std::optional<Section> {
        const auto* t = top.subtable(name);
        if (!t) return std::nullopt;
        return Section(ctx, *t, name, std::move(known));
    };
    // [project] first: overrides default their climate zone to the project's.
    if (auto s = section("project", {"name", "description", "climate_zone", "output"})) parse_project_section(*s, cfg);
    else top.fail_section("missing [project] section (with climate_zone)");
    if (auto s = section("grid", {"from", "crs", "resolution", "extent"})) parse_grid(*s, cfg);
    if (auto s = section("processing", {"tile", "threads", "compression", "compression_level"})) parse_processing(*s, cfg);
    if (auto s = section("inputs", {})) parse_inputs(*s, cfg);
    if (auto s = section("tidal", {"mllw_m", "mhhw_m", "hat_m", "geoid_grid", "geoid_step_px"})) parse_tidal(*s, cfg);
    if (auto s = section("habitat", {"source", "map", "band", "classes", "fallback", "rules"})) parse_habitat(*s, cfg);
    else top.fail_section("missing [habitat] section (source = \"map\" with classes, or rules)");
    if (auto s = section("stock", {"soil", "biomass_model", "force_model", "soc_from_cores"})) parse_stock(*s, cfg);
    if (auto s = section("tier1", {"table", "override"})) parse_tier1(*s, cfg);
    if (auto s = section("survey", {"trees", "plots", "cores"})) parse_survey(*s, cfg);
    for (const auto& later : later_sections())
        if (auto s = section(later.name, later.keys)) later.parse(*s, cfg);
    cross_check(top, cfg);
    return cfg;
}

ProjectConfig load_project(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(path.string() + ": cannot read the project file");
    std::ostringstream ss;
    ss << f.rdbuf();
    return parse_project(ss.str(), path);
}

}  // namespace bluecarbon::config
