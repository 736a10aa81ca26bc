#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/invest_inputs.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace bluecarbon {

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::string slurp(const fs::path& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open " + what);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw InputError(path.string() + ": cannot read " + what);
    return ss.str();
}

// An argument file: its "args" object (InVEST parameter set / datastack) or the whole object.
class ArgsFile {
  public:
    ArgsFile(const fs::path& path, std::string_view model) : m_path(path) {
        json doc;
        try {
            doc = json::parse(slurp(path, "argument file"));
        } catch (const json::parse_error& e) {
            throw InputError(path.string() + ": not valid JSON: " + e.what());
        }
        if (!doc.is_object()) throw InputError(path.string() + ": expected a JSON object of InVEST arguments");
        if (doc.contains("args")) {
            for (const char* key : {"model_name", "model_id"}) {
                if (doc.contains(key) && doc[key].is_string() &&
                    doc[key].get<std::string>().find(model) == std::string::npos) {
                    throw ConfigError(path.string() + ": " + key + ": this parameter set is for '" +
                                      doc[key].get<std::string>() + "', not " + std::string(model));
                }
            }
            if (!doc["args"].is_object()) throw InputError(path.string() + ": args: expected a JSON object");
            m_args = doc["args"];
        } else {
            m_args = std::move(doc);
        }
    }

    [[nodiscard]] ConfigError error(std::string_view key, std::string_view message) const {
        return ConfigError(m_path.string() + ": " + std::string(key) + ": " + std::string(message));
    }
    // A value is absent when the key is missing, null or an empty string (InVEST treats them alike).
    [[nodiscard]] const json* value(std::string_view key) const {
        const auto it = m_args.find(std::string(key));
        if (it == m_args.end() || it->is_null()) return nullptr;
        if (it->is_string() && trim(it->get<std::string>()).empty()) return nullptr;
        return &*it;
    }
    [[nodiscard]] std::optional<std::string> text(std::string_view key) const {
        const json* v = value(key);
        if (!v) return std::nullopt;
        if (!v->is_string()) throw error(key, "expected a string");
        return trim(v->get<std::string>());
    }
    [[nodiscard]] std::optional<fs::path> path(std::string_view key) const {
        const auto t = text(key);
        if (!t) return std::nullopt;
        fs::path p(*t);
        if (p.is_relative()) p = m_path.parent_path() / p;
        return p.lexically_normal();
    }
    [[nodiscard]] fs::path required_path(std::string_view key) const {
        auto p = path(key);
        if (!p) throw missing(key);
        return *p;
    }
    [[nodiscard]] std::optional<double> number(std::string_view key) const {
        const json* v = value(key);
        if (!v) return std::nullopt;
        if (v->is_number()) return v->get<double>();
        if (v->is_string()) {
            if (const auto n = parse_number(v->get<std::string>())) return n;
        }
        throw error(key, "expected a number (got " + v->dump() + ")");
    }
    [[nodiscard]] std::optional<int> year(std::string_view key) const {
        const auto n = number(key);
        if (!n) return std::nullopt;
        if (*n != std::floor(*n) || std::fabs(*n) > 1e6) throw error(key, "expected a whole year (got " + std::to_string(*n) + ")");
        return static_cast<int>(*n);
    }
    [[nodiscard]] bool flag(std::string_view key) const {
        const json* v = value(key);
        if (!v) return false;
        if (v->is_boolean()) return v->get<bool>();
        if (v->is_number()) return v->get<double>() != 0.0;
        if (v->is_string()) {
            const auto s = lower(trim(v->get<std::string>()));
            if (s == "true" || s == "1" || s == "yes") return true;
            if (s == "false" || s == "0" || s == "no") return false;
        }
        throw error(key, "expected true or false (got " + v->dump() + ")");
    }
    [[nodiscard]] ConfigError missing(std::string_view key) const {
        return error(key, "Key is missing from the args dict");
    }
    [[nodiscard]] const fs::path& source() const noexcept { return m_path; }

  private:
    fs::path m_path;
    json m_args;
};

double number_at(const CsvTable& t, std::size_t row, std::size_t col) {
    const auto v = parse_number(t.field(row, col));
    if (!v) throw t.error(row, col, "expected a number (got '" + t.field(row, col) + "')");
    return *v;
}
std::int64_t integer_at(const CsvTable& t, std::size_t row, std::size_t col) {
    const double v = number_at(t, row, col);
    if (v != std::floor(v) || std::fabs(v) > 9e15) {
        throw t.error(row, col, "expected an integer (got '" + t.field(row, col) + "')");
    }
    return static_cast<std::int64_t>(v);
}

// InVEST stops reading the transition matrix at its first blank row (the template's legend follows one): keep
// the text up to the first line that is empty or holds only commas and blanks.
std::string until_blank_line(const std::string& text) {
    std::size_t start = 0;
    bool header_seen = false;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + start, end - start);
        const bool blank = std::all_of(line.begin(), line.end(), [](char c) {
            return c == ',' || std::isspace(static_cast<unsigned char>(c));
        });
        if (blank && header_seen) return text.substr(0, start);
        if (!blank) header_seen = true;
        start = end + 1;
    }
    return text;
}
}  // namespace

InvestCbcArgs read_invest_cbc_args(const fs::path& path) {
    const ArgsFile f(path, "coastal_blue_carbon");
    InvestCbcArgs a;
    a.source = path;
    a.workspace_dir = f.required_path("workspace_dir");
    a.results_suffix = f.text("results_suffix").value_or("");
    a.landcover_snapshot_csv = f.required_path("landcover_snapshot_csv");
    a.biophysical_table_path = f.required_path("biophysical_table_path");
    a.landcover_transitions_table = f.required_path("landcover_transitions_table");
    a.analysis_year = f.year("analysis_year");
    a.do_economic_analysis = f.flag("do_economic_analysis");
    a.use_price_table = f.flag("use_price_table");
    a.price = f.number("price");
    a.inflation_rate_pct = f.number("inflation_rate");
    a.price_table_path = f.path("price_table_path");
    a.discount_rate_pct = f.number("discount_rate");
    if (a.do_economic_analysis) {
        if (!a.discount_rate_pct) throw f.missing("discount_rate");
        if (a.use_price_table) {
            if (!a.price_table_path) throw f.missing("price_table_path");
        } else {
            if (!a.price) throw f.missing("price");
            if (!a.inflation_rate_pct) throw f.missing("inflation_rate");
        }
    }
    return a;
}

InvestCarbonArgs read_invest_carbon_args(const fs::path& path) {
    const ArgsFile f(path, "carbon");
    InvestCarbonArgs a;
    a.source = path;
    a.workspace_dir = f.required_path("workspace_dir");
    a.results_suffix = f.text("results_suffix").value_or("");
    a.lulc_bas_path = f.required_path("lulc_bas_path");
    a.carbon_pools_path = f.required_path("carbon_pools_path");
    a.calc_sequestration = f.flag("calc_sequestration");
    a.do_valuation = f.flag("do_valuation");
    if (a.calc_sequestration) a.lulc_alt_path = f.required_path("lulc_alt_path");
    a.price_per_metric_ton_of_c = f.number("price_per_metric_ton_of_c");
    a.discount_rate_pct = f.number("discount_rate");
    a.rate_change_pct = f.number("rate_change");
    a.lulc_bas_year = f.year("lulc_bas_year");
    a.lulc_alt_year = f.year("lulc_alt_year");
    if (a.do_valuation) {
        if (!a.calc_sequestration) throw f.error("do_valuation", "valuation needs calc_sequestration");
        for (const char* key : {"price_per_metric_ton_of_c", "discount_rate", "rate_change", "lulc_bas_year",
                                "lulc_alt_year"}) {
            if (!f.value(key)) throw f.missing(key);
        }
        if (*a.lulc_bas_year >= *a.lulc_alt_year) {
            throw f.error("lulc_alt_year", "The Alternate LULC Year (" + std::to_string(*a.lulc_alt_year) +
                                               ") must be greater than the Baseline LULC Year (" +
                                               std::to_string(*a.lulc_bas_year) + ")");
        }
    }
    return a;
}

std::vector<InvestSnapshot> read_invest_snapshots(const fs::path& path) {
    const CsvTable t = read_csv(path);
    const std::size_t cy = t.require_column("snapshot_year");
    const std::size_t cp = t.require_column("raster_path");
    std::vector<InvestSnapshot> out;
    std::map<int, std::size_t> seen;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const auto y = integer_at(t, r, cy);
        if (std::llabs(y) > 1000000) throw t.error(r, cy, "year out of range");
        const int year = static_cast<int>(y);
        if (const auto [it, fresh] = seen.emplace(year, t.rows()[r].line); !fresh) {
            throw t.error(r, cy, "snapshot year " + std::to_string(year) + " appears twice (also line " +
                                     std::to_string(it->second) + ")");
        }
        if (t.field(r, cp).empty()) throw t.error(r, cp, "empty raster path");
        fs::path p(t.field(r, cp));
        if (p.is_relative()) p = path.parent_path() / p;
        out.push_back({year, p.lexically_normal()});
    }
    if (out.empty()) throw InputError(path.string() + ": no landcover snapshot");
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.year < b.year; });
    return out;
}

int invest_cbc_analysis_year(const InvestCbcArgs& args, const std::vector<InvestSnapshot>& snapshots) {
    if (snapshots.empty()) throw InputError(args.landcover_snapshot_csv.string() + ": no landcover snapshot");
    const int latest = snapshots.back().year;
    if (args.analysis_year) {
        if (*args.analysis_year <= latest) {
            throw ConfigError(args.source.string() + ": analysis_year: Analysis year " +
                              std::to_string(*args.analysis_year) + " must be after the latest snapshot year (" +
                              std::to_string(latest) + ")");
        }
        return *args.analysis_year;
    }
    if (snapshots.size() == 1) {
        throw ConfigError(args.source.string() + ": analysis_year: a single landcover snapshot (" +
                          std::to_string(latest) + ") needs an analysis year after it");
    }
    return latest;  // InVEST: without an analysis year the run ends at the last snapshot
}

std::vector<InvestBiophysicalRow> read_invest_biophysical_table(const fs::path& path) {
    const CsvTable t = read_csv(path);
    const auto code_col = t.find_column("lucode") ? t.find_column("lucode") : t.find_column("code");
    const std::size_t c_code = code_col ? *code_col : t.require_column("lucode");
    const std::size_t c_name = t.require_column("lulc-class");
    static constexpr std::array<std::string_view, 14> names = {
        "biomass-initial",          "soil-initial",
        "litter-initial",           "biomass-half-life",
        "biomass-low-impact-disturb", "biomass-med-impact-disturb",
        "biomass-high-impact-disturb", "biomass-yearly-accumulation",
        "soil-half-life",           "soil-low-impact-disturb",
        "soil-med-impact-disturb",  "soil-high-impact-disturb",
        "soil-yearly-accumulation", "litter-yearly-accumulation"};
    std::array<std::size_t, 14> cols{};
    for (std::size_t i = 0; i < cols.size(); ++i) cols[i] = t.require_column(names[i]);

    std::vector<InvestBiophysicalRow> out;
    std::unordered_map<std::int64_t, std::size_t> codes;
    std::unordered_map<std::string, std::size_t> class_names;
    for (std::size_t r = 0; r < t.size(); ++r) {
        InvestBiophysicalRow row;
        row.line = t.rows()[r].line;
        row.lucode = integer_at(t, r, c_code);
        row.lulc_class = t.field(r, c_name);
        if (row.lulc_class.empty()) throw t.error(r, c_name, "empty class name");
        if (const auto [it, fresh] = codes.emplace(row.lucode, row.line); !fresh) {
            throw t.error(r, c_code, "lucode " + std::to_string(row.lucode) + " appears twice (also line " +
                                         std::to_string(it->second) + ")");
        }
        if (const auto [it, fresh] = class_names.emplace(lower(row.lulc_class), row.line); !fresh) {
            throw t.error(r, c_name, "All values in `lulc-class` column must be unique, but duplicates were found ('" +
                                         row.lulc_class + "', also line " + std::to_string(it->second) + ")");
        }
        double* fields[14] = {&row.biomass_initial,
                              &row.soil_initial,
                              &row.litter_initial,
                              &row.biomass_half_life,
                              &row.biomass_low_impact_disturb,
                              &row.biomass_med_impact_disturb,
                              &row.biomass_high_impact_disturb,
                              &row.biomass_yearly_accumulation,
                              &row.soil_half_life,
                              &row.soil_low_impact_disturb,
                              &row.soil_med_impact_disturb,
                              &row.soil_high_impact_disturb,
                              &row.soil_yearly_accumulation,
                              &row.litter_yearly_accumulation};
        for (std::size_t i = 0; i < cols.size(); ++i) *fields[i] = number_at(t, r, cols[i]);
        out.push_back(std::move(row));
    }
    if (out.empty()) throw InputError(path.string() + ": no landcover class");
    return out;
}

std::vector<InvestTransitionCell> read_invest_transition_matrix(const fs::path& path,
                                                                const std::vector<InvestBiophysicalRow>& classes) {
    const CsvTable t = parse_csv(until_blank_line(slurp(path, "CSV file")), path.string());
    std::unordered_map<std::string, std::int64_t> by_name;
    for (const auto& c : classes) by_name.emplace(lower(trim(c.lulc_class)), c.lucode);

    const std::size_t c_from = t.require_column("lulc-class");
    std::vector<std::optional<std::int64_t>> to_code(t.header().size());
    for (std::size_t c = 0; c < t.header().size(); ++c) {
        if (c == c_from) continue;
        const auto it = by_name.find(lower(trim(t.header()[c])));
        if (it == by_name.end()) {
            throw InputError(path.string() + ": the transition table's header row has a column name, '" +
                             t.header()[c] + "', that was expected in the biophysical table, but could not be found");
        }
        to_code[c] = it->second;
    }
    static constexpr std::array<std::string_view, 5> keywords = {"accum", "NCC", "low-impact-disturb",
                                                                 "med-impact-disturb", "high-impact-disturb"};
    std::vector<InvestTransitionCell> out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const auto from = by_name.find(lower(trim(t.field(r, c_from))));
        if (from == by_name.end()) {
            throw t.error(r, c_from, "the transition table's 'lulc-class' column has a value, '" + t.field(r, c_from) +
                                         "', that was expected in the biophysical table but could not be found");
        }
        for (std::size_t c = 0; c < t.header().size(); ++c) {
            if (c == c_from) continue;
            const std::string cell = trim(t.field(r, c));
            if (cell.empty()) continue;  // the transition never happens: no carbon change
            if (std::find(keywords.begin(), keywords.end(), cell) == keywords.end()) {
                if (cell == "disturb") {
                    throw t.error(r, c, "'disturb' must be replaced by low-impact-disturb, med-impact-disturb or "
                                        "high-impact-disturb (the preprocessor's placeholder)");
                }
                throw t.error(r, c, "unknown transition '" + cell +
                                        "' (must be one of: accum, NCC, low-impact-disturb, med-impact-disturb, "
                                        "high-impact-disturb, or empty)");
            }
            out.push_back({from->second, *to_code[c], cell});
        }
    }
    return out;
}

std::map<int, double> read_invest_price_table(const fs::path& path) {
    const CsvTable t = read_csv(path);
    const std::size_t cy = t.require_column("year");
    const std::size_t cp = t.require_column("price");
    std::map<int, double> out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const auto y = integer_at(t, r, cy);
        if (std::llabs(y) > 1000000) throw t.error(r, cy, "year out of range");
        if (!out.emplace(static_cast<int>(y), number_at(t, r, cp)).second) {
            throw t.error(r, cy, "year " + std::to_string(y) + " appears twice");
        }
    }
    return out;
}

std::vector<double> invest_prices_for_years(const std::map<int, double>& table, const fs::path& source,
                                            int first_year, int last_year) {
    std::vector<double> prices;
    for (int y = first_year; y <= last_year; ++y) {
        const auto it = table.find(y);
        if (it == table.end()) {
            throw InputError(source.string() + ": no price for year " + std::to_string(y) +
                             " (the price table must give every year from " + std::to_string(first_year) + " to " +
                             std::to_string(last_year) + ")");
        }
        prices.push_back(it->second);
    }
    return prices;
}

std::vector<InvestCarbonPoolRow> read_invest_carbon_pools(const fs::path& path) {
    const CsvTable t = read_csv(path);
    const std::size_t c_code = t.require_column("lucode");
    const std::array<std::size_t, 4> cols = {t.require_column("c_above"), t.require_column("c_below"),
                                             t.require_column("c_soil"), t.require_column("c_dead")};
    std::vector<InvestCarbonPoolRow> out;
    std::unordered_map<std::int64_t, std::size_t> seen;
    for (std::size_t r = 0; r < t.size(); ++r) {
        InvestCarbonPoolRow row;
        row.lucode = integer_at(t, r, c_code);
        if (const auto [it, fresh] = seen.emplace(row.lucode, t.rows()[r].line); !fresh) {
            throw t.error(r, c_code, "lucode " + std::to_string(row.lucode) + " appears twice (also line " +
                                         std::to_string(it->second) + ")");
        }
        row.c_above = number_at(t, r, cols[0]);
        row.c_below = number_at(t, r, cols[1]);
        row.c_soil = number_at(t, r, cols[2]);
        row.c_dead = number_at(t, r, cols[3]);
        out.push_back(row);
    }
    return out;
}

}  // namespace bluecarbon
