#include <bluecarbon/io/survey_tables.hpp>

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/error.hpp>

#include <optional>
#include <stdexcept>

namespace bluecarbon {

namespace ss = science::survey;

namespace {

// Reads the fields of one data row, collecting an issue for the first field that cannot be read.
class RowReader {
  public:
    RowReader(const CsvTable& table, std::size_t row, std::vector<ss::QaIssue>& issues)
        : m_table(table), m_row(row), m_issues(issues) {}

    [[nodiscard]] bool ok() const noexcept { return m_ok; }
    [[nodiscard]] std::size_t line() const { return m_table.rows()[m_row].line; }

    [[nodiscard]] std::string text(std::optional<std::size_t> col) const {
        if (!col) return {};
        const auto& f = m_table.field(m_row, *col);
        return is_missing_field(f) ? std::string() : f;
    }
    [[nodiscard]] std::string required_text(std::size_t col) {
        auto t = text(col);
        if (t.empty()) fail(col, "missing_value", "", "a value is required");
        return t;
    }
    [[nodiscard]] double required_number(std::size_t col) {
        const auto& f = m_table.field(m_row, col);
        if (is_missing_field(f)) {
            fail(col, "missing_value", f, "a number is required");
            return 0.0;
        }
        const auto v = parse_number(f);
        if (!v) {
            fail(col, "not_a_number", f, "'" + f + "' is not a number");
            return 0.0;
        }
        return *v;
    }
    [[nodiscard]] std::optional<double> optional_number(std::optional<std::size_t> col) {
        if (!col) return std::nullopt;
        const auto& f = m_table.field(m_row, *col);
        if (is_missing_field(f)) return std::nullopt;
        const auto v = parse_number(f);
        if (!v) fail(*col, "not_a_number", f, "'" + f + "' is not a number");
        return v;
    }
    void fail(std::size_t col, const std::string& rule, const std::string& value, const std::string& message) {
        if (!m_ok) return;  // one issue per row: the first field at fault
        m_ok = false;
        m_issues.push_back({k_no_record, line(), m_table.header()[col], rule, value, message});
    }

  private:
    const CsvTable& m_table;
    std::size_t m_row;
    std::vector<ss::QaIssue>& m_issues;
    bool m_ok{true};
};

// A parameter-table field that must be a number: throws InputError naming file, line and column.
double table_number(const CsvTable& t, std::size_t row, std::size_t col) {
    const auto v = parse_number(t.field(row, col));
    if (!v) throw t.error(row, col, "'" + t.field(row, col) + "' is not a number");
    return *v;
}
std::optional<double> table_optional_number(const CsvTable& t, std::size_t row, std::optional<std::size_t> col) {
    if (!col || is_missing_field(t.field(row, *col))) return std::nullopt;
    return table_number(t, row, *col);
}

}  // namespace

ParsedTrees parse_trees(const CsvTable& t) {
    const auto c_plot = t.require_column("plot_id");
    const auto c_tree = t.require_column("tree_id");
    const auto c_species = t.require_column("species");
    const auto c_dbh = t.require_column("dbh_cm");
    const auto c_h = t.find_column("height_m");
    const auto c_wd = t.find_column("wood_density_g_cm3");
    const auto c_status = t.find_column("status");
    const auto c_stem = t.find_column("stem_id");
    const auto c_family = t.find_column("family");
    const auto c_d01 = t.find_column("d01_cm");

    ParsedTrees out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        RowReader rd(t, r, out.issues);
        ss::TreeRecord rec;
        rec.line = rd.line();
        rec.plot_id = rd.required_text(c_plot);
        rec.tree_id = rd.required_text(c_tree);
        rec.species = rd.text(c_species);
        rec.family = rd.text(c_family);
        rec.stem_id = rd.text(c_stem);
        rec.dbh_cm = rd.required_number(c_dbh);
        rec.height_m = rd.optional_number(c_h);
        rec.wood_density_g_cm3 = rd.optional_number(c_wd);
        rec.d01_cm = rd.optional_number(c_d01);
        if (rec.d01_cm && !(*rec.d01_cm > 0)) rd.fail(*c_d01, "bad_value", t.field(r, *c_d01), "d01_cm must be > 0");
        if (c_status) {
            const auto s = ss::normalize_name(rd.text(c_status));
            if (s.empty() || s == "live" || s == "alive" || s == "l") rec.status = ss::TreeStatus::live;
            else if (s == "dead" || s == "d") rec.status = ss::TreeStatus::dead;
            else rd.fail(*c_status, "bad_value", t.field(r, *c_status), "status must be live or dead");
        }
        if (rd.ok()) out.records.push_back(std::move(rec));
    }
    return out;
}

ParsedPlots parse_plots(const CsvTable& t) {
    const auto c_plot = t.require_column("plot_id");
    const auto c_area = t.require_column("area_m2");
    const auto c_lon = t.find_column("lon");
    const auto c_lat = t.find_column("lat");
    const auto c_e = t.find_column("chave_e");
    const auto c_habitat = t.find_column("habitat");
    const auto c_nested = t.find_column("nested");
    const auto c_climate = t.find_column("climate");
    const auto c_region = t.find_column("height_region");

    ParsedPlots out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        RowReader rd(t, r, out.issues);
        ss::PlotRecord rec;
        rec.line = rd.line();
        rec.plot_id = rd.required_text(c_plot);
        // A missing area is the "plot with no area" QA rule, not a reading error.
        const auto& area = t.field(r, c_area);
        if (is_missing_field(area)) rec.area_m2 = 0.0;
        else rec.area_m2 = rd.required_number(c_area);
        rec.lon = rd.optional_number(c_lon);
        rec.lat = rd.optional_number(c_lat);
        rec.chave_e = rd.optional_number(c_e);
        rec.habitat = ss::normalize_name(rd.text(c_habitat));
        rec.height_region = rd.text(c_region);
        if (c_climate) {
            const auto text = rd.text(c_climate);
            if (!text.empty()) {
                rec.climate = ss::parse_climate(text);
                if (!rec.climate)
                    rd.fail(*c_climate, "bad_value", text, "climate must be tropical_wet, tropical_dry or subtropical");
            }
        }
        if (c_nested) {
            const auto text = rd.text(c_nested);
            try {
                rec.nested = ss::parse_nested(text);
            } catch (const std::invalid_argument& e) {
                rd.fail(*c_nested, "bad_value", text, e.what());
            }
        }
        if (rd.ok()) out.records.push_back(std::move(rec));
    }
    return out;
}

ParsedCores parse_cores(const CsvTable& t) {
    const auto c_core = t.require_column("core_id");
    const auto c_min = t.require_column("min_depth_cm");
    const auto c_max = t.require_column("max_depth_cm");
    const auto c_bd = t.require_column("bulk_density_g_cm3");
    const auto c_pct = t.find_column("oc_percent");
    const auto c_frac = t.find_column("oc_fraction");
    const auto c_loi = t.find_column("loi_percent");
    if (c_pct && c_frac)
        throw InputError(t.source() +
                         ": both oc_percent and oc_fraction are present; keep one (the column name declares the unit)");
    if (!c_pct && !c_frac && !c_loi)
        throw InputError(t.source() + ": missing column 'oc_percent', 'oc_fraction' or 'loi_percent' (the name "
                                      "declares the unit)");
    const std::optional<std::size_t> c_oc = c_pct ? c_pct : c_frac;
    const double to_fraction = c_pct ? 0.01 : 1.0;
    const auto c_comp = t.find_column("compaction_percent");
    const auto c_age = t.find_column("age_yr");
    const auto c_habitat = t.find_column("habitat");

    ParsedCores out;
    out.oc_column = c_pct ? "oc_percent" : c_frac ? "oc_fraction" : "loi_percent";
    for (std::size_t r = 0; r < t.size(); ++r) {
        RowReader rd(t, r, out.issues);
        ss::CoreSample rec;
        rec.line = rd.line();
        rec.core_id = rd.required_text(c_core);
        rec.min_depth_cm = rd.required_number(c_min);
        rec.max_depth_cm = rd.required_number(c_max);
        rec.bulk_density_g_cm3 = rd.required_number(c_bd);
        // OC where measured; else LOI through the habitat's published equation (BlueCarbon's estimate_oc).
        const auto oc = c_oc && !is_missing_field(t.field(r, *c_oc)) ? rd.optional_number(c_oc) : std::nullopt;
        const auto loi = oc ? std::nullopt : rd.optional_number(c_loi);
        if (oc) {
            rec.oc_fraction = *oc * to_fraction;
        } else if (loi) {
            const auto pct = ss::oc_percent_from_loi(*loi, rd.text(c_habitat), &rec.oc_source);
            if (!pct)
                rd.fail(*c_loi, "bad_value", t.field(r, *c_loi),
                        "loi_percent needs the row's habitat (mangrove, salt_marsh or seagrass) to convert LOI to OC");
            rec.oc_fraction = pct.value_or(0.0) * 0.01;
        } else {
            (void)rd.required_number(c_oc ? *c_oc : *c_loi);  // the missing-value issue
        }
        rec.compaction_percent = rd.optional_number(c_comp);
        rec.age_yr = rd.optional_number(c_age);
        if (rd.ok()) out.records.push_back(std::move(rec));
    }
    return out;
}

std::vector<ss::CoreStock> parse_core_stocks(const CsvTable& t) {
    const auto c_core = t.require_column("core_id");
    const auto c_depth = t.require_column("target_depth_cm");
    const auto c_stock = t.require_column("stock_mg_c_ha");
    const auto c_se = t.require_column("stock_se_mg_c_ha");
    const auto c_habitat = t.require_column("habitat");
    std::vector<ss::CoreStock> out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        ss::CoreStock c;
        c.core_id = t.field(r, c_core);
        c.habitat = ss::normalize_name(t.field(r, c_habitat));
        c.depth_cm = table_number(t, r, c_depth);
        c.stock_mg_c_ha = table_number(t, r, c_stock);
        if (auto se = table_optional_number(t, r, c_se)) c.se_mg_c_ha = *se;
        c.line = t.rows()[r].line;
        out.push_back(std::move(c));
    }
    return out;
}

ss::AllometryTable load_allometry(const CsvTable& t) {
    const auto c_name = t.require_column("name");
    const auto c_species = t.require_column("species");
    const auto c_genus = t.require_column("genus");
    const auto c_comp = t.require_column("component");
    const auto c_form = t.require_column("form");
    const auto c_a = t.require_column("a");
    const auto c_b = t.find_column("b");
    const auto c_c = t.find_column("c");
    const auto c_d = t.find_column("d");
    const auto c_e = t.find_column("e");
    const auto c_rse = t.find_column("rse");
    const auto c_units = t.find_column("units");
    const auto c_diameter = t.find_column("diameter");
    const auto c_source = t.require_column("source");

    ss::AllometryTable table;
    for (std::size_t r = 0; r < t.size(); ++r) {
        ss::AllometricEquation eq;
        eq.name = t.field(r, c_name);
        if (eq.name.empty()) throw t.error(r, c_name, "an equation needs a name");
        const auto sp = ss::parse_taxon(t.field(r, c_species));
        if (!t.field(r, c_species).empty() && !sp.has_species())
            throw t.error(r, c_species, "'" + t.field(r, c_species) + "' is not a 'Genus epithet' name");
        eq.species = sp.key();
        eq.genus = ss::normalize_name(t.field(r, c_genus));
        if (eq.genus.empty()) eq.genus = sp.genus;
        if (sp.has_species() && eq.genus != sp.genus)
            throw t.error(r, c_genus, "genus '" + t.field(r, c_genus) + "' does not match the species' genus");
        const auto comp = ss::parse_component(t.field(r, c_comp));
        if (!comp) throw t.error(r, c_comp, "component must be AGB or BGB");
        eq.component = *comp;
        const auto form = ss::parse_form(t.field(r, c_form));
        if (!form)
            throw t.error(r, c_form,
                          "unknown form '" + t.field(r, c_form) +
                              "' (chave2014, exp_e, rho_power, power, log10_power, ln_power, d2h_power, sqrt_linear)");
        eq.form = *form;
        eq.a = table_number(t, r, c_a);
        eq.b = table_optional_number(t, r, c_b).value_or(0.0);
        eq.c = table_optional_number(t, r, c_c).value_or(eq.form == ss::AllometryForm::rho_power ? 1.0 : 0.0);
        eq.d = table_optional_number(t, r, c_d).value_or(0.0);
        eq.e = table_optional_number(t, r, c_e).value_or(0.0);
        eq.rse = table_optional_number(t, r, c_rse);
        if (c_units && !t.field(r, *c_units).empty()) {
            eq.units_text = t.field(r, *c_units);
            try {
                eq.units = ss::parse_allometry_units(eq.units_text);
            } catch (const std::invalid_argument& e) {
                throw t.error(r, *c_units, e.what());
            }
        }
        if (c_diameter && !t.field(r, *c_diameter).empty()) {
            const auto kind = ss::parse_diameter_kind(t.field(r, *c_diameter));
            if (!kind) throw t.error(r, *c_diameter, "diameter must be dbh or d0.1");
            eq.diameter = *kind;
        }
        eq.source = t.field(r, c_source);
        try {
            table.add(std::move(eq));
        } catch (const std::invalid_argument& e) {
            throw t.error(r, c_name, e.what());
        }
    }
    return table;
}

ss::WoodDensityDatabase load_wood_density(const CsvTable& t) {
    const auto c_family = t.require_column("family");
    const auto c_genus = t.require_column("genus");
    const auto c_species = t.require_column("species");
    const auto c_wd = t.require_column("wd");
    const auto c_region = t.find_column("region");
    std::vector<ss::WoodDensityRecord> records;
    records.reserve(t.size());
    for (std::size_t r = 0; r < t.size(); ++r) {
        const double wd = table_number(t, r, c_wd);
        if (!(wd > 0)) throw t.error(r, c_wd, "wood density must be > 0");
        if (t.field(r, c_genus).empty()) throw t.error(r, c_genus, "a record needs a genus");
        records.push_back({t.field(r, c_family), t.field(r, c_genus), t.field(r, c_species), wd,
                           c_region ? t.field(r, *c_region) : std::string()});
    }
    return ss::WoodDensityDatabase(std::move(records));
}

std::vector<ss::WeibullHeightCurve> load_height_curves(const CsvTable& t) {
    const auto c_region = t.require_column("region");
    const auto c_a = t.require_column("a");
    const auto c_b = t.require_column("b");
    const auto c_c = t.require_column("c");
    const auto c_rse = t.find_column("rse");
    const auto c_unit = t.find_column("rse_unit");
    const auto c_source = t.find_column("source");
    std::vector<ss::WeibullHeightCurve> out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        ss::WeibullHeightCurve c;
        c.region = t.field(r, c_region);
        if (c.region.empty()) throw t.error(r, c_region, "a curve needs a region name");
        c.a = table_number(t, r, c_a);
        c.b = table_number(t, r, c_b);
        c.c = table_number(t, r, c_c);
        if (!(c.a > 0 && c.b > 0 && c.c > 0)) throw t.error(r, c_a, "a, b and c must be > 0");
        c.rse = table_optional_number(t, r, c_rse).value_or(0.0);
        if (c.rse < 0) throw t.error(r, *c_rse, "rse must be ≥ 0");
        // The unit is stated per row: Feldpausch et al. 2012 publish RSE in metres, a log-scale σ is not.
        const std::string unit = c_unit ? ss::normalize_name(t.field(r, *c_unit)) : std::string();
        if (unit == "m") c.rse_in_metres = true;
        else if (unit == "log") c.rse_in_metres = false;
        else if (c.rse > 0 || !unit.empty())
            throw c_unit ? t.error(r, *c_unit, "rse_unit must be m (metres, as Feldpausch 2012 publish) or log")
                         : t.error(r, *c_rse, "an rse needs an rse_unit column: m (metres) or log (σ of ln H)");
        c.source = c_source ? t.field(r, *c_source) : std::string();
        out.push_back(std::move(c));
    }
    return out;
}

std::string format_issue(const CsvTable& table, const ss::QaIssue& issue) {
    return table.source() + ":" + std::to_string(issue.line) + ": column '" + issue.column + "': " + issue.message;
}

ss::AllometryTable load_allometry_tables(const std::vector<CsvTable>& extra) {
    std::vector<CsvTable> tables = extra;
    tables.push_back(read_csv(data_dir() / "allometry.csv"));
    ss::AllometryTable merged;
    for (const auto& t : tables) {
        const auto part = load_allometry(t);
        for (const auto& eq : part.equations()) {
            try {
                merged.add(eq);
            } catch (const std::invalid_argument& e) {
                throw InputError(t.source() + ": " + e.what() + " (equation names must be unique across tables)");
            }
        }
    }
    return merged;
}

}  // namespace bluecarbon
