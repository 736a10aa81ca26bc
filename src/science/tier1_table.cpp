#include <bluecarbon/error.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bluecarbon::science {

namespace {
constexpr std::array<Tier1Parameter, k_tier1_parameter_count> k_params = {
    Tier1Parameter::agb_t_dm_per_ha,       Tier1Parameter::carbon_fraction,
    Tier1Parameter::root_shoot_ratio,      Tier1Parameter::dead_wood_mg_c_per_ha,
    Tier1Parameter::litter_mg_c_per_ha,    Tier1Parameter::soc_1m_mg_c_per_ha,
    Tier1Parameter::soc_30cm_mg_c_per_ha,  Tier1Parameter::agb_growth_t_dm_per_ha_yr,
    Tier1Parameter::soc_accumulation_mg_c_per_ha_yr, Tier1Parameter::vm0033_soc_accumulation_mg_c_per_ha_yr,
};
constexpr std::array<std::string_view, k_tier1_parameter_count> k_param_names = {
    "agb_t_dm_per_ha",      "carbon_fraction",           "root_shoot_ratio",
    "dead_wood_mg_c_per_ha", "litter_mg_c_per_ha",       "soc_1m_mg_c_per_ha",
    "soc_30cm_mg_c_per_ha", "agb_growth_t_dm_per_ha_yr", "soc_accumulation_mg_c_per_ha_yr",
    "vm0033_soc_accumulation_mg_c_per_ha_yr",
};
constexpr std::array<std::string_view, k_tier1_parameter_count> k_param_units = {
    "t d.m./ha", "t C/t d.m.", "ratio", "Mg C/ha", "Mg C/ha", "Mg C/ha", "Mg C/ha", "t d.m./ha/yr", "Mg C/ha/yr",
    "Mg C/ha/yr",
};
constexpr std::array<std::string_view, 4> k_zone_names = {"tropical_wet", "tropical_dry", "subtropical", "temperate"};
constexpr std::array<std::string_view, 3> k_soil_names = {"mineral", "organic", "unknown"};

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

// One CSV record (RFC 4180: fields in double quotes may hold commas and "" for a quote). Returns false on an
// unterminated quote.
bool split_csv_line(const std::string& line, std::vector<std::string>& fields) {
    fields.clear();
    std::string cur;
    bool quoted = false, was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    cur.push_back('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur.push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
            was_quoted = true;
        } else if (c == ',') {
            fields.push_back(was_quoted ? cur : trim(cur));
            cur.clear();
            was_quoted = false;
        } else {
            cur.push_back(c);
        }
    }
    if (quoted) return false;
    if (!cur.empty() && cur.back() == '\r') cur.pop_back();
    fields.push_back(was_quoted ? cur : trim(cur));
    return true;
}

std::optional<double> parse_number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    double v = 0;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc{} || p != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == s) return i;
    return std::nullopt;
}
}  // namespace

std::span<const Tier1Parameter> all_tier1_parameters() noexcept { return k_params; }
std::string_view tier1_parameter_name(Tier1Parameter p) noexcept { return k_param_names[static_cast<std::size_t>(p)]; }
std::string_view tier1_parameter_unit(Tier1Parameter p) noexcept { return k_param_units[static_cast<std::size_t>(p)]; }
std::optional<Tier1Parameter> parse_tier1_parameter(std::string_view name) noexcept {
    if (auto i = index_of(k_param_names, name)) return k_params[*i];
    return std::nullopt;
}

std::string_view climate_zone_name(ClimateZone z) noexcept { return k_zone_names[static_cast<std::size_t>(z)]; }
std::optional<ClimateZone> parse_climate_zone(std::string_view name) noexcept {
    if (auto i = index_of(k_zone_names, name)) return static_cast<ClimateZone>(*i);
    return std::nullopt;
}
std::string climate_zone_name_list() {
    std::string s;
    for (auto n : k_zone_names) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

std::string_view soil_type_name(SoilType s) noexcept { return k_soil_names[static_cast<std::size_t>(s)]; }
std::optional<SoilType> parse_soil_type(std::string_view name) noexcept {
    if (auto i = index_of(k_soil_names, name)) return static_cast<SoilType>(*i);
    return std::nullopt;
}

double Tier1Row::sigma() const noexcept {
    if (!ci95_low || !ci95_high) return 0.0;
    return (*ci95_high - *ci95_low) / (2.0 * 1.959963984540054);
}

std::string Tier1Row::key() const {
    return fmt::format("{}/{}/{}/{}", habitat_name(habitat), climate_zone, soil, tier1_parameter_name(parameter));
}

std::optional<std::string> tier1_value_problem(Tier1Parameter p, double value, std::optional<double> low,
                                               std::optional<double> high) {
    if (!std::isfinite(value)) return std::string("value must be a finite number");
    if (value < 0) return fmt::format("value must not be negative, got {}", value);
    if (p == Tier1Parameter::carbon_fraction && value > 1)
        return fmt::format("a carbon fraction must be within 0..1, got {}", value);
    if (low.has_value() != high.has_value()) return std::string("give both ci95_low and ci95_high, or neither");
    if (low) {
        if (*low < 0 || *high < 0) return std::string("interval bounds must not be negative");
        if (!(*low <= value && value <= *high))
            return fmt::format("the 95 % interval [{}, {}] must contain the value {}", *low, *high, value);
    }
    return std::nullopt;
}

Tier1Table Tier1Table::parse(std::string_view csv_text, const std::string& file_name) {
    Tier1Table t;
    t.m_file_name = file_name;
    std::istringstream in{std::string(csv_text)};
    std::string line;
    int line_no = 0;
    std::vector<std::string> header, fields;
    const std::vector<std::string> expected = {"parameter", "value", "habitat", "climate_zone", "soil", "unit",
                                               "ci95_low", "ci95_high", "source", "notes"};
    std::array<int, 10> col{};
    col.fill(-1);
    auto err = [&](const std::string& what) {
        return ConfigError(fmt::format("{}:{}: {}", file_name, line_no, what));
    };
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto trimmed = trim(line);
        if (trimmed.empty()) continue;
        if (trimmed[0] == '#') {
            const auto body = trim(std::string_view(trimmed).substr(1));
            if (body.rfind("version:", 0) == 0) t.m_version = trim(std::string_view(body).substr(8));
            continue;
        }
        if (!split_csv_line(line, fields)) throw err("unterminated quoted field");
        if (header.empty()) {
            header = fields;
            for (std::size_t e = 0; e < expected.size(); ++e) {
                auto it = std::find(header.begin(), header.end(), expected[e]);
                if (it == header.end()) throw err(fmt::format("header: missing column \"{}\"", expected[e]));
                col[e] = static_cast<int>(it - header.begin());
            }
            for (const auto& h : header)
                if (std::find(expected.begin(), expected.end(), h) == expected.end())
                    throw err(fmt::format("header: unknown column \"{}\"", h));
            continue;
        }
        if (fields.size() != header.size())
            throw err(fmt::format("expected {} fields, found {}", header.size(), fields.size()));
        auto field = [&](std::size_t e) -> const std::string& { return fields[static_cast<std::size_t>(col[e])]; };
        Tier1Row row;
        row.origin = fmt::format("{}:{}", file_name, line_no);
        const auto param = parse_tier1_parameter(field(0));
        if (!param) throw err(fmt::format("parameter: unknown parameter \"{}\"", field(0)));
        row.parameter = *param;
        const auto value = parse_number(field(1));
        if (!value) throw err(fmt::format("value: \"{}\" is not a number", field(1)));
        row.value = *value;
        const auto hab = parse_habitat(field(2));
        if (!hab) throw err(fmt::format("habitat: unknown habitat \"{}\"", field(2)));
        row.habitat = *hab;
        row.climate_zone = field(3);
        if (row.climate_zone != "*" && !parse_climate_zone(row.climate_zone))
            throw err(fmt::format("climate_zone: unknown climate zone \"{}\" (one of {}, or *)", row.climate_zone,
                                  climate_zone_name_list()));
        row.soil = field(4);
        if (row.soil != "*" && !parse_soil_type(row.soil))
            throw err(fmt::format("soil: unknown soil type \"{}\" (mineral, organic, unknown or *)", row.soil));
        if (field(5) != tier1_parameter_unit(row.parameter))
            throw err(fmt::format("unit: {} is in \"{}\", not \"{}\"", field(0), tier1_parameter_unit(row.parameter),
                                  field(5)));
        for (std::size_t e : {6U, 7U}) {
            if (field(e).empty()) continue;
            const auto v = parse_number(field(e));
            if (!v) throw err(fmt::format("{}: \"{}\" is not a number", expected[e], field(e)));
            (e == 6 ? row.ci95_low : row.ci95_high) = *v;
        }
        if (auto problem = tier1_value_problem(row.parameter, row.value, row.ci95_low, row.ci95_high))
            throw err("value: " + *problem);
        row.source = field(8);
        row.notes = field(9);
        if (row.source.empty()) throw err("source: every row needs its source (document, table, page)");
        for (const auto& other : t.m_rows)
            if (other.key() == row.key())
                throw err(fmt::format("duplicate row {} (first at {})", row.key(), other.origin));
        t.m_rows.push_back(std::move(row));
    }
    if (t.m_version.empty()) throw ConfigError(file_name + ": missing the \"# version: ...\" line");
    if (header.empty()) throw ConfigError(file_name + ": no header line");
    return t;
}

Tier1Table Tier1Table::load(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(path.string() + ": cannot read the Tier-1 table");
    std::ostringstream ss;
    ss << f.rdbuf();
    return parse(ss.str(), path.filename().string());
}

const Tier1Row* Tier1Table::find(Tier1Parameter p, Habitat h, ClimateZone zone, SoilType soil) const noexcept {
    const Tier1Row* best = nullptr;
    int best_score = -1;
    for (const auto& r : m_rows) {
        if (r.parameter != p || r.habitat != h) continue;
        int score = 0;
        if (r.climate_zone == climate_zone_name(zone)) score += 2;
        else if (r.climate_zone != "*") continue;
        if (r.soil == soil_type_name(soil)) score += 1;
        else if (r.soil != "*") continue;
        if (score > best_score) {
            best = &r;
            best_score = score;
        }
    }
    return best;
}

double cumulative_agb_t_dm_per_ha(double initial_t_dm_per_ha, double growth_t_dm_per_ha_yr, double years,
                                  double cap_t_dm_per_ha) {
    if (!(initial_t_dm_per_ha >= 0) || !(growth_t_dm_per_ha_yr >= 0) || !(years >= 0) || !(cap_t_dm_per_ha >= 0))
        throw std::invalid_argument("cumulative_agb_t_dm_per_ha: stock, growth, years and cap must be >= 0");
    return std::max(initial_t_dm_per_ha, std::min(initial_t_dm_per_ha + growth_t_dm_per_ha_yr * years,
                                                  cap_t_dm_per_ha));
}

std::optional<std::string> soc_depth_mismatch(Tier1Parameter from, Tier1Parameter to) {
    auto depth = [](Tier1Parameter p) { return p == Tier1Parameter::soc_30cm_mg_c_per_ha ? 30 : 100; };
    if (depth(from) == depth(to)) return std::nullopt;
    return fmt::format("soil carbon to {} cm ({}) cannot be compared with soil carbon to {} cm ({}): give both "
                       "habitats a stock to the same depth (a [[tier1.override]] row or soil cores)",
                       depth(from), tier1_parameter_name(from), depth(to), tier1_parameter_name(to));
}

void Tier1Table::apply_override(Tier1Row row) {
    if (auto problem = tier1_value_problem(row.parameter, row.value, row.ci95_low, row.ci95_high))
        throw ConfigError(row.origin + ": " + *problem);
    row.is_override = true;
    m_overrides.push_back(row);
    for (auto& r : m_rows) {
        if (r.key() == row.key()) {
            r = std::move(row);
            return;
        }
    }
    m_rows.push_back(std::move(row));
}

}  // namespace bluecarbon::science
