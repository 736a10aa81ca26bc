// The certificates of a project's credited parcels, from the step outputs (parcels.gpkg, credits.csv), the shipped
// profile tables and the hashes of the project's input files.
#include "pipeline/certify/project_inputs.hpp"

#include <bluecarbon/certify/wkb.hpp>
#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/core/source_date.hpp>
#include <bluecarbon/io/crs_code.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/profile_table.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/io/vector_table.hpp>
#include <bluecarbon/pipeline/certify.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_pools[] = {"agb", "bgb", "dead", "soc", "total"};

/// One parcel row of parcels.gpkg, numbers exactly as stored.
class ParcelRow {
public:
    ParcelRow(const AttributeTable& t, std::size_t row) : m_t(t), m_row(row) {}
    [[nodiscard]] const FieldValue* value(const std::string& column) const {
        const auto i = m_t.find(column);
        return i ? &m_t.rows[m_row][*i] : nullptr;
    }
    [[nodiscard]] std::string where(const std::string& column) const {
        return fmt::format("{}: feature {}: column '{}'", m_t.path.string(), m_row + 1, column);
    }
    /// A real or integer value; nullopt when the column is absent or null.
    [[nodiscard]] std::optional<double> maybe_number(const std::string& column) const {
        const FieldValue* v = value(column);
        if (!v || std::holds_alternative<std::monostate>(*v)) return std::nullopt;
        if (const auto* d = std::get_if<double>(v)) return *d;
        if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
        throw InputError(where(column) + ": not a number");
    }
    [[nodiscard]] double number(const std::string& column) const {
        if (!value(column)) throw InputError(m_t.path.string() + ": no column '" + column + "'");
        const auto v = maybe_number(column);
        if (!v) throw InputError(where(column) + ": no value");
        return *v;
    }
    [[nodiscard]] std::string text(const std::string& column) const {
        const FieldValue* v = value(column);
        if (!v) throw InputError(m_t.path.string() + ": no column '" + column + "'");
        if (const auto* s = std::get_if<std::string>(v)) return *s;
        return {};
    }

private:
    const AttributeTable& m_t;
    std::size_t m_row;
};

/// The credits.csv rows of one parcel, parsed.
struct CreditRows {
    std::string profile, version;
    std::vector<certify::VintageCredits> vintages;
    std::int64_t credits{0};
};

std::map<std::string, CreditRows> read_credit_rows(const fs::path& path) {
    const CsvTable t = read_csv(path);
    std::map<std::string, std::size_t> col;
    for (const char* name : {"parcel_id", "profile", "profile_version", "vintage_start", "vintage_end",
                             "baseline_t_co2e", "project_t_co2e", "leakage_t_co2e", "ner_t_co2e", "uncertainty_pct",
                             "adjusted_ner_t_co2e", "buffer_t_co2e", "credits_t_co2e", "carried_t_co2e", "value",
                             "excluded_reason"})
        col[name] = t.require_column(name);
    std::map<std::string, CreditRows> out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const auto num = [&](const char* name) {
            const auto v = parse_number(t.field(r, col[name]));
            if (!v) throw t.error(r, col[name], "not a number");
            return *v;
        };
        const auto whole = [&](const char* name) {
            const double v = num(name);
            if (v != std::floor(v) || std::fabs(v) > 9.0e15) throw t.error(r, col[name], "not a whole number");
            return static_cast<std::int64_t>(v);
        };
        if (!t.field(r, col["excluded_reason"]).empty()) continue;
        auto& p = out[t.field(r, col["parcel_id"])];
        const std::string profile = t.field(r, col["profile"]);
        const std::string version = t.field(r, col["profile_version"]);
        if (!p.vintages.empty() && (profile != p.profile || version != p.version))
            throw t.error(r, col["profile"], "another profile than the parcel's earlier rows");
        p.profile = profile;
        p.version = version;
        const std::int64_t start = whole("vintage_start");
        const std::int64_t end = whole("vintage_end");  // exclusive
        if (end <= start) throw t.error(r, col["vintage_end"], "must be after vintage_start");
        certify::VintageCredits v;
        v.vintage = end == start + 1 ? std::to_string(start) : fmt::format("{}_{}", start, end - 1);
        v.period = {fmt::format("{:04}-01-01", start), fmt::format("{:04}-12-31", end - 1)};
        v.baseline_t_co2e = num("baseline_t_co2e");
        v.project_t_co2e = num("project_t_co2e");
        v.leakage_t_co2e = num("leakage_t_co2e");
        v.ner_t_co2e = num("ner_t_co2e");
        v.u = num("uncertainty_pct") / 100.0;
        v.adjusted_ner_t_co2e = num("adjusted_ner_t_co2e");
        v.buffer_t_co2e = num("buffer_t_co2e");
        v.credits = whole("credits_t_co2e");
        if (v.credits < 0) throw t.error(r, col["credits_t_co2e"], "must not be negative");
        v.remainder_t_co2e = num("carried_t_co2e");
        v.value = num("value");
        p.credits += v.credits;
        p.vintages.push_back(std::move(v));
    }
    return out;
}

/// The shipped table of a profile version (data/profiles/*.csv whose metadata names it).
fs::path profile_table(const std::string& profile, const std::string& version, const fs::path& credits_csv) {
    const fs::path dir = data_dir() / "profiles";
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".csv") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const ParameterTable t = read_parameter_table(f);
        const auto p = t.metadata.find("profile");
        const auto v = t.metadata.find("version");
        if (p != t.metadata.end() && v != t.metadata.end() && p->second == profile && v->second == version) return f;
    }
    throw InputError(fmt::format("{}: profile '{}' version '{}' has no table in {}", credits_csv.string(), profile,
                                 version, dir.string()));
}

/// Every parameter of the table, by name: numbers as numbers, a parameter given on several rows as a list; and
/// under "project" the project's own crediting parameters ([credits]).
json profile_parameters(const fs::path& table, const config::CreditsConfig& credits) {
    json params = json::object();
    if (credits.present) {
        json& p = params["project"] = {{"start_year", credits.start_year},
                                       {"end_year", credits.end_year},
                                       {"buffer_percent", credits.buffer_percent},
                                       {"currency", credits.currency},
                                       {"discount_rate_pct", credits.discount_rate_pct}};
        if (credits.price) p["price"] = *credits.price;
    }
    for (const auto& row : read_parameter_table(table).rows) {
        const auto n = parse_number(row.value);
        const json value = n ? json(*n) : json(row.value);
        if (!params.contains(row.parameter)) params[row.parameter] = value;
        else if (params[row.parameter].is_array()) params[row.parameter].push_back(value);
        else params[row.parameter] = json::array({params[row.parameter], value});
    }
    return params;
}

}  // namespace

std::string assessment_date(const config::ProjectConfig& cfg, const char* source_date_epoch) {
    if (cfg.certify.assessment_date) return *cfg.certify.assessment_date;
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    if (const auto epoch = parse_source_date_epoch(source_date_epoch)) t = static_cast<std::time_t>(*epoch);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::vector<certify::Certificate> build_certificates(const config::ProjectConfig& cfg, const std::string& date) {
    if (!cfg.certify.present)
        throw ConfigError(cfg.file.string() + ": no [certify] section (project_id and key are needed to certify)");
    const fs::path gpkg = cfg.output_dir / "parcels.gpkg";
    const fs::path credits_csv = cfg.output_dir / "credits.csv";
    for (const auto& f : {gpkg, credits_csv}) {
        std::error_code ec;
        if (!fs::exists(f, ec))
            throw InputError(f.string() + ": missing; run `bluecarbon parcels` and `bluecarbon credits` first");
    }
    PolygonReadOptions ro;
    ro.id_field = "parcel_id";
    const PolygonTable shapes = read_polygons(gpkg, ro);
    const AttributeTable attrs = read_attribute_table(gpkg, shapes.layer);
    if (attrs.rows.size() != shapes.size()) throw InputError(gpkg.string() + ": features changed while reading");
    const std::string crs = crs_code(shapes.crs);
    auto credits = read_credit_rows(credits_csv);
    for (const auto& [id, rows] : credits)
        if (std::find(shapes.ids.begin(), shapes.ids.end(), id) == shapes.ids.end())
            throw InputError(credits_csv.string() + ": parcel '" + id + "' is not in " + gpkg.string());

    // Hashed once: the project's inputs, and each profile's table with its parameters, by (profile, version).
    std::vector<certify::InputFile> project_inputs;
    for (const auto& f : project_input_paths(cfg)) project_inputs.push_back(hash_input(cfg, f));
    std::map<std::pair<std::string, std::string>, std::pair<json, certify::InputFile>> profiles;
    std::vector<certify::Certificate> out;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const ParcelRow row(attrs, i);
        const auto it = credits.find(shapes.ids[i]);
        if (row.number("eligible") != 1 || it == credits.end() || it->second.credits <= 0) continue;
        const CreditRows& cr = it->second;
        certify::Certificate c;
        c.tool_version = k_version;
        c.project_id = cfg.certify.project_id;
        c.parcel_id = shapes.ids[i];
        c.owner = row.text("owner");
        c.geometry = certify::make_parcel_geometry(crs, certify::canonical_wkb(shapes.geometries[i]));
        c.area_m2 = row.number("area_m2");
        for (const auto& f : attrs.fields)
            if (f.name.rfind("ha_", 0) == 0)
                if (const auto ha = row.maybe_number(f.name)) c.habitat_m2[f.name.substr(3)] = *ha * 10000.0;
        auto& profile = profiles[{cr.profile, cr.version}];
        if (profile.first.is_null()) {
            const fs::path table = profile_table(cr.profile, cr.version, credits_csv);
            profile = {profile_parameters(table, cfg.credits), hash_input(cfg, table)};
        }
        c.profile = {cr.profile, cr.version, profile.first};
        c.vintages = cr.vintages;
        for (const char* pool : k_pools) {
            certify::PoolStock s{row.number(fmt::format("stock_{}_mg_c", pool)), std::nullopt, std::nullopt};
            // The parcels step gives each pool's 90 % half-width; a parcels file from before it, only the total's.
            if (const auto hw = row.maybe_number(fmt::format("stock_{}_ci90_mg_c", pool))) {
                s.ci90_low_mg_c = s.mean_mg_c - *hw;
                s.ci90_high_mg_c = s.mean_mg_c + *hw;
            }
            c.stock[pool] = s;
        }
        c.inputs = project_inputs;
        c.inputs.push_back(profile.second);
        c.assessment_date = date;
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace bluecarbon::pipeline
