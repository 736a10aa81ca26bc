// `bluecarbon survey trees` and `bluecarbon survey cores`: field surveys → per-tree and per-plot biomass and
// carbon, and soil-core carbon stocks, with Monte-Carlo uncertainty (issue 6). All outputs of a run are written
// under temporary names and renamed into place only when every one of them is complete; a bad row stops the run
// before anything is written.
#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>
#include <bluecarbon/science/survey/qa.hpp>
#include <bluecarbon/science/survey/soil_cores.hpp>
#include <bluecarbon/version.hpp>

#include "cli/cli_context.hpp"
#include "cli/cmd_survey.hpp"
#include "cli/cmd_survey_inputs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;
namespace ss = science::survey;
using json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers.

std::string num(double v) { return format_number(v); }
json jnum(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json summary_json(const ss::McSummary& s) {
    return json{{"mean", jnum(s.mean)},         {"median", jnum(s.median)},       {"sd", jnum(s.sd)},
                {"ci90_low", jnum(s.ci90_low)}, {"ci90_high", jnum(s.ci90_high)}, {"draws", s.draws}};
}

// The executor as the science code's ParallelFor, advancing `progress` once per item.
ss::ParallelFor parallel_with(const TileExecutor& ex, Progress* progress) {
    return [&ex, progress](std::size_t count, const std::function<void(std::size_t)>& body) {
        ex.parallel_for(count, [&body, progress](std::size_t i, int) {
            body(i);
            if (progress) progress->advance();
        });
    };
}

// Input columns passed through to an output; a name the output computes itself is renamed "input_<name>".
std::vector<std::string> passthrough_header(const CsvTable& t, const std::vector<std::string>& computed) {
    std::vector<std::string> h;
    for (const auto& name : t.header()) {
        const bool clash = std::any_of(computed.begin(), computed.end(), [&](const std::string& c) {
            return ss::normalize_name(c) == ss::normalize_name(name);
        });
        h.push_back(clash ? "input_" + name : name);
    }
    return h;
}

// Stops on the first issue, or (with --drop-invalid) records every issue for qa.csv.
struct QaLog {
    bool drop{false};
    std::vector<std::vector<std::string>> rows;  // file, line, column, rule, value, message

    void handle(const CsvTable& table, std::vector<ss::QaIssue> issues) {
        std::stable_sort(issues.begin(), issues.end(),
                         [](const ss::QaIssue& a, const ss::QaIssue& b) { return a.line < b.line; });
        if (issues.empty()) return;
        if (!drop)
            throw InputError(format_issue(table, issues.front()) +
                             (issues.size() > 1 ? fmt::format(" (and {} more; --drop-invalid drops such rows and "
                                                              "lists them in qa.csv)",
                                                              issues.size() - 1)
                                                : std::string(" (--drop-invalid drops such rows and lists them in "
                                                              "qa.csv)")));
        for (const auto& q : issues)
            rows.push_back({table.source(), std::to_string(q.line), q.column, q.rule, q.value, q.message});
    }
    [[nodiscard]] std::string csv() const {
        CsvWriter w({"file", "line", "column", "rule", "value", "message"});
        for (const auto& r : rows) w.add_row(r);
        return w.str();
    }
};

// Records that survived QA, with the table row each came from (rows are identified by their line).
template <typename Record>
std::vector<std::size_t> rows_of(const CsvTable& t, const std::vector<Record>& records) {
    std::unordered_map<std::size_t, std::size_t> row_by_line;
    for (std::size_t r = 0; r < t.size(); ++r) row_by_line.emplace(t.rows()[r].line, r);
    std::vector<std::size_t> rows;
    rows.reserve(records.size());
    for (const auto& rec : records) rows.push_back(row_by_line.at(rec.line));
    return rows;
}

CsvTable read_table(const fs::path& path, const char* option) {
    if (!fs::exists(path)) throw InputError(std::string(option) + ": " + path.string() + ": no such file");
    return read_csv(path);
}

// ---------------------------------------------------------------------------------------------------------------
// survey trees

struct TreesOptions {
    fs::path trees;
    fs::path plots;
    fs::path out;
    std::string equation{"auto"};
    bool no_species_equations{false};
    std::string bgb{"auto"};
    std::string dead{"exclude"};
    std::string habitat{"mangrove"};
    std::string climate{"subtropical"};
    std::optional<double> carbon_fraction;
    std::optional<double> root_shoot;
    std::vector<fs::path> allometry;
    fs::path wood_density;
    fs::path height_table;
    std::string height_region;
    std::size_t height_min_trees{10};
    std::size_t mc{1000};
    std::uint64_t seed{1};
    bool drop_invalid{false};
    CommonOptions common;
};

const std::vector<std::string> k_tree_columns{
    "height_m_used", "height_source",     "wood_density_g_cm3_used", "wood_density_sd", "wood_density_source",
    "wood_density_level", "wood_density_n", "equation",            "equation_level",  "bgb_equation",
    "root_shoot",    "agb_kg",            "bgb_kg",                  "expansion_factor_per_ha", "counted"};

const std::vector<std::string> k_plot_columns{
    "n_trees",      "n_stems",     "n_dead",        "agb_mg_ha",       "bgb_mg_ha",        "dead_agb_mg_ha",
    "carbon_mg_c_ha", "carbon_fraction", "root_shoot", "habitat_used",  "climate",          "height_model",
    "height_model_rse", "height_model_n",
    "agb_mean",     "agb_median",  "agb_sd",        "agb_ci90_low",    "agb_ci90_high",    "bgb_mean",
    "bgb_sd",       "carbon_mean", "carbon_median", "carbon_sd",       "carbon_ci90_low",  "carbon_ci90_high",
    "mc_draws",     "dead_rule"};

void run_trees(CliContext& ctx, const TreesOptions& o) {
    const TileExecutor executor(o.common.threads);

    // Options.
    ss::TreeSurveyOptions opt;
    opt.default_equation = o.equation;
    opt.species_equations = !o.no_species_equations;
    opt.bgb = o.bgb == "root-shoot" ? ss::BgbMethod::root_shoot : ss::BgbMethod::automatic;
    opt.dead_trees = o.dead == "include" ? ss::DeadTreeRule::include : ss::DeadTreeRule::exclude;
    opt.default_habitat = o.habitat;
    opt.default_climate = *ss::parse_climate(o.climate);
    opt.default_height_region = o.height_region;
    opt.carbon.carbon_fraction = o.carbon_fraction;
    opt.carbon.root_shoot = o.root_shoot;
    opt.height_min_trees = o.height_min_trees;
    opt.monte_carlo.draws = o.mc;
    opt.monte_carlo.seed = o.seed;

    // Inputs and parameter tables.
    const CsvTable plots_csv = read_table(o.plots, "--plots");
    const CsvTable trees_csv = read_table(o.trees, "--trees");
    const auto table = load_allometry_tables(o.allometry);
    const fs::path wd_path = o.wood_density.empty() ? data_dir() / "wood_density" / "gwdd.csv" : o.wood_density;
    const auto wood_density = load_wood_density(read_table(wd_path, "--wood-density"));
    std::vector<ss::WeibullHeightCurve> curves;
    if (!o.height_table.empty()) curves = load_height_curves(read_table(o.height_table, "--height-table"));

    // Parse and check: plots first (trees refer to them).
    QaLog qa{o.drop_invalid, {}};
    auto pp = parse_plots(plots_csv);
    const auto plot_issues = ss::check_plots(pp.records);
    auto all_plot_issues = pp.issues;
    all_plot_issues.insert(all_plot_issues.end(), plot_issues.begin(), plot_issues.end());
    qa.handle(plots_csv, all_plot_issues);
    const auto plots = ss::drop_flagged<ss::PlotRecord>(pp.records, plot_issues);

    auto pt = parse_trees(trees_csv);
    const auto tree_issues = ss::check_trees(pt.records, plots);
    auto all_tree_issues = pt.issues;
    all_tree_issues.insert(all_tree_issues.end(), tree_issues.begin(), tree_issues.end());
    qa.handle(trees_csv, all_tree_issues);
    const auto trees = ss::drop_flagged<ss::TreeRecord>(pt.records, tree_issues);

    // Compute.
    auto progress = make_progress(ctx, o.common, "survey trees", static_cast<std::int64_t>(o.mc > 0 ? plots.size() : 0));
    const auto result = ss::compute_tree_survey(trees, plots, table, wood_density, curves, opt,
                                                parallel_with(executor, progress.get()), trees_csv.source(),
                                                plots_csv.source());
    progress->finish();

    // trees.csv: the input columns, then the computed ones.
    auto tree_header = passthrough_header(trees_csv, k_tree_columns);
    tree_header.insert(tree_header.end(), k_tree_columns.begin(), k_tree_columns.end());
    CsvWriter tw(tree_header);
    const auto tree_rows = rows_of(trees_csv, trees);
    const std::string wd_source = wd_path.filename().string();
    for (std::size_t i = 0; i < trees.size(); ++i) {
        const auto& r = result.trees[i];
        auto row = trees_csv.rows()[tree_rows[i]].fields;
        const auto level = r.wood_density.level;
        const std::string source = level == ss::WoodDensityLevel::measured ? "measured"
                                   : level == ss::WoodDensityLevel::species || level == ss::WoodDensityLevel::genus ||
                                           level == ss::WoodDensityLevel::family
                                       ? wd_source
                                   : level == ss::WoodDensityLevel::none ? "" : "survey trees";
        const std::vector<std::string> computed{
            num(r.height_m),
            std::string(ss::height_source_name(r.height_source)),
            num(r.wood_density.value_g_cm3),
            num(r.wood_density.sd_g_cm3),
            source,
            std::string(ss::wood_density_level_name(level)),
            std::to_string(r.wood_density.n_records),
            r.equation,
            std::string(ss::equation_level_name(r.equation_level)),
            r.bgb_equation,
            num(r.root_shoot),
            num(r.agb_kg),
            num(r.bgb_kg),
            num(r.expansion_factor_per_ha),
            r.counted ? "true" : "false"};
        row.insert(row.end(), computed.begin(), computed.end());
        tw.add_row(std::move(row));
    }

    // plots.csv.
    auto plot_header = passthrough_header(plots_csv, k_plot_columns);
    plot_header.insert(plot_header.end(), k_plot_columns.begin(), k_plot_columns.end());
    CsvWriter pw(plot_header);
    const auto plot_rows = rows_of(plots_csv, plots);
    for (std::size_t p = 0; p < plots.size(); ++p) {
        const auto& r = result.plots[p];
        auto row = plots_csv.rows()[plot_rows[p]].fields;
        const std::vector<std::string> computed{std::to_string(r.n_trees),
                                                std::to_string(r.n_stems),
                                                std::to_string(r.n_dead),
                                                num(r.agb_mg_ha),
                                                num(r.bgb_mg_ha),
                                                num(r.dead_agb_mg_ha),
                                                num(r.carbon_mg_c_ha),
                                                num(r.carbon_fraction),
                                                num(r.root_shoot),
                                                r.habitat,
                                                std::string(ss::climate_name(r.climate)),
                                                std::string(ss::height_source_name(r.height_model)),
                                                num(r.height_model_rse),
                                                r.height_model_n > 0 ? std::to_string(r.height_model_n) : "",
                                                num(r.agb_mc.mean),
                                                num(r.agb_mc.median),
                                                num(r.agb_mc.sd),
                                                num(r.agb_mc.ci90_low),
                                                num(r.agb_mc.ci90_high),
                                                num(r.bgb_mc.mean),
                                                num(r.bgb_mc.sd),
                                                num(r.carbon_mc.mean),
                                                num(r.carbon_mc.median),
                                                num(r.carbon_mc.sd),
                                                num(r.carbon_mc.ci90_low),
                                                num(r.carbon_mc.ci90_high),
                                                std::to_string(r.agb_mc.draws),
                                                result.dead_rule};
        row.insert(row.end(), computed.begin(), computed.end());
        pw.add_row(std::move(row));
    }

    StagedOutputs outputs(o.out);
    outputs.add("trees.csv", tw.str());
    outputs.add("plots.csv", pw.str());
    if (o.drop_invalid) outputs.add("qa.csv", qa.csv());
    const auto written = outputs.commit();

    if (o.common.json) {
        json j;
        j["command"] = "survey trees";
        j["version"] = k_version;
        j["inputs"] = {{"trees", o.trees.string()}, {"plots", o.plots.string()}, {"wood_density", wd_path.string()}};
        j["outputs"] = json::array();
        for (const auto& w : written) j["outputs"].push_back(w.string());
        j["n_plots"] = plots.size();
        j["n_stems"] = trees.size();
        j["dropped_rows"] = qa.rows.size();
        j["monte_carlo"] = {{"draws", o.mc}, {"seed", o.seed}};
        j["dead_rule"] = result.dead_rule;
        if (result.site_height_fit) {
            const auto& f = *result.site_height_fit;
            j["site_height_model"] = {{"b0", f.b0}, {"b1", f.b1}, {"b2", f.b2}, {"rse", f.rse}, {"n", f.n}};
        }
        j["plots"] = json::array();
        for (const auto& r : result.plots)
            j["plots"].push_back(json{{"plot_id", r.plot_id},
                                      {"habitat", r.habitat},
                                      {"n_trees", r.n_trees},
                                      {"n_stems", r.n_stems},
                                      {"n_dead", r.n_dead},
                                      {"agb_mg_ha", jnum(r.agb_mg_ha)},
                                      {"bgb_mg_ha", jnum(r.bgb_mg_ha)},
                                      {"dead_agb_mg_ha", jnum(r.dead_agb_mg_ha)},
                                      {"carbon_mg_c_ha", jnum(r.carbon_mg_c_ha)},
                                      {"carbon_fraction", jnum(r.carbon_fraction)},
                                      {"height_model", ss::height_source_name(r.height_model)},
                                      {"agb", summary_json(r.agb_mc)},
                                      {"bgb", summary_json(r.bgb_mc)},
                                      {"carbon", summary_json(r.carbon_mc)}});
        ctx.out << j.dump(2) << '\n';
        return;
    }

    ctx.out << fmt::format("survey trees: {} plots, {} stems{}; Monte Carlo {}\n", plots.size(), trees.size(),
                           qa.rows.empty() ? std::string()
                                           : fmt::format(", {} rows dropped (see qa.csv)", qa.rows.size()),
                           o.mc > 0 ? fmt::format("{} draws, seed {}", o.mc, o.seed) : std::string("off"));
    ctx.out << fmt::format("  {:<10} {:<9} {:>5} {:>10} {:>10} {:>11} {:>22}\n", "plot", "habitat", "trees",
                           "AGB Mg/ha", "BGB Mg/ha", "C Mg C/ha", "AGB 90% interval");
    for (const auto& r : result.plots) {
        const std::string ci = r.agb_mc.draws > 0
                                   ? fmt::format("[{:.1f}, {:.1f}]", r.agb_mc.ci90_low, r.agb_mc.ci90_high)
                                   : std::string("-");
        ctx.out << fmt::format("  {:<10} {:<9} {:>5} {:>10.1f} {:>10.1f} {:>11.1f} {:>22}\n", r.plot_id, r.habitat,
                               r.n_trees, r.agb_mg_ha, r.bgb_mg_ha, r.carbon_mg_c_ha, ci);
    }
    for (const auto& w : written) ctx.out << "  -> " << w.string() << '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// survey cores

struct CoresOptions {
    fs::path cores;
    fs::path out;
    double depth_cm{100};
    double timeframe_yr{100};
    std::size_t mc{1000};
    std::uint64_t seed{1};
    double bd_error{0.05};
    double oc_error{0.05};
    bool drop_invalid{false};
    CommonOptions common;
};

const std::vector<std::string> k_core_columns{
    "core_id",          "n_samples",        "compaction_percent", "max_depth_cm",   "stock_whole_core_mg_c_ha",
    "target_depth_cm",  "stock_mg_c_ha",    "stock_se_mg_c_ha",   "extrapolated",   "stock_mean",
    "stock_median",     "stock_sd",         "stock_ci90_low",     "stock_ci90_high", "mc_draws",
    "seq_rate_mg_c_ha_yr", "seq_timeframe_yr", "seq_depth_cm",   "note"};

// Columns of the cores file that describe a sample rather than the core; the others pass through per core.
const std::set<std::string> k_sample_columns{"core_id",      "min_depth_cm", "max_depth_cm", "bulk_density_g_cm3",
                                             "oc_percent",   "oc_fraction",  "compaction_percent", "age_yr"};

void run_cores(CliContext& ctx, const CoresOptions& o) {
    if (!(o.depth_cm > 0)) throw ConfigError("--depth-cm: must be > 0");
    if (!(o.timeframe_yr > 0)) throw ConfigError("--time-frame-yr: must be > 0");
    const TileExecutor executor(o.common.threads);

    const CsvTable cores_csv = read_table(o.cores, "--cores");
    QaLog qa{o.drop_invalid, {}};
    auto pc = parse_cores(cores_csv);
    const auto issues = ss::check_cores(pc.records, pc.oc_column);
    auto all = pc.issues;
    all.insert(all.end(), issues.begin(), issues.end());
    qa.handle(cores_csv, all);
    const auto samples = ss::drop_flagged<ss::CoreSample>(pc.records, issues);

    ss::CoreOptions opt;
    opt.target_depth_cm = o.depth_cm;
    opt.timeframe_yr = o.timeframe_yr;
    opt.monte_carlo.draws = o.mc;
    opt.monte_carlo.seed = o.seed;
    opt.monte_carlo.bulk_density_relative_sd = o.bd_error;
    opt.monte_carlo.oc_relative_sd = o.oc_error;

    // Per-core pass-through columns come from the core's first row.
    std::vector<std::size_t> extra_cols;
    for (std::size_t c = 0; c < cores_csv.header().size(); ++c)
        if (!k_sample_columns.count(ss::normalize_name(cores_csv.header()[c]))) extra_cols.push_back(c);
    std::unordered_map<std::string, std::size_t> first_row;
    const auto sample_rows = rows_of(cores_csv, samples);
    for (std::size_t i = 0; i < samples.size(); ++i) first_row.try_emplace(samples[i].core_id, sample_rows[i]);

    std::size_t n_cores = 0;
    {
        std::set<std::string> ids;
        for (const auto& s : samples) ids.insert(s.core_id);
        n_cores = ids.size();
    }
    auto progress = make_progress(ctx, o.common, "survey cores", static_cast<std::int64_t>(o.mc > 0 ? n_cores : 0));
    const auto results = ss::compute_cores(samples, opt, parallel_with(executor, progress.get()), cores_csv.source());
    progress->finish();

    auto header = k_core_columns;
    for (std::size_t c : extra_cols) {
        const auto& name = cores_csv.header()[c];
        const bool clash = std::any_of(k_core_columns.begin(), k_core_columns.end(),
                                       [&](const std::string& k) { return k == ss::normalize_name(name); });
        header.push_back(clash ? "input_" + name : name);
    }
    CsvWriter w(header);
    for (const auto& r : results) {
        std::vector<std::string> row{r.core_id,
                                     std::to_string(r.n_samples),
                                     num(r.compaction_percent),
                                     num(r.max_depth_cm),
                                     num(r.stock_whole_core_mg_c_ha),
                                     num(o.depth_cm),
                                     num(r.stock.stock_mg_c_ha),
                                     num(r.stock.se_mg_c_ha),
                                     r.stock.extrapolated ? "true" : "false",
                                     num(r.stock_mc.mean),
                                     num(r.stock_mc.median),
                                     num(r.stock_mc.sd),
                                     num(r.stock_mc.ci90_low),
                                     num(r.stock_mc.ci90_high),
                                     std::to_string(r.stock_mc.draws),
                                     r.sequestration ? num(r.sequestration->rate_mg_c_ha_yr) : std::string(),
                                     r.sequestration ? num(r.sequestration->timeframe_yr) : std::string(),
                                     r.sequestration ? num(r.sequestration->depth_cm) : std::string(),
                                     r.note};
        const auto& src = cores_csv.rows()[first_row.at(r.core_id)].fields;
        for (std::size_t c : extra_cols) row.push_back(src[c]);
        w.add_row(std::move(row));
    }

    StagedOutputs outputs(o.out);
    outputs.add("cores.csv", w.str());
    if (o.drop_invalid) outputs.add("qa.csv", qa.csv());
    const auto written = outputs.commit();

    if (o.common.json) {
        json j;
        j["command"] = "survey cores";
        j["version"] = k_version;
        j["inputs"] = {{"cores", o.cores.string()}};
        j["outputs"] = json::array();
        for (const auto& p : written) j["outputs"].push_back(p.string());
        j["target_depth_cm"] = o.depth_cm;
        j["dropped_rows"] = qa.rows.size();
        j["monte_carlo"] = {{"draws", o.mc}, {"seed", o.seed}, {"bulk_density_relative_sd", o.bd_error},
                            {"oc_relative_sd", o.oc_error}};
        j["cores"] = json::array();
        for (const auto& r : results) {
            json c{{"core_id", r.core_id},
                   {"n_samples", r.n_samples},
                   {"max_depth_cm", jnum(r.max_depth_cm)},
                   {"stock_whole_core_mg_c_ha", jnum(r.stock_whole_core_mg_c_ha)},
                   {"stock_mg_c_ha", jnum(r.stock.stock_mg_c_ha)},
                   {"stock_se_mg_c_ha", jnum(r.stock.se_mg_c_ha)},
                   {"extrapolated", r.stock.extrapolated},
                   {"stock", summary_json(r.stock_mc)}};
            if (r.sequestration)
                c["sequestration"] = {{"rate_mg_c_ha_yr", r.sequestration->rate_mg_c_ha_yr},
                                      {"timeframe_yr", r.sequestration->timeframe_yr},
                                      {"depth_cm", r.sequestration->depth_cm}};
            j["cores"].push_back(std::move(c));
        }
        ctx.out << j.dump(2) << '\n';
        return;
    }

    ctx.out << fmt::format("survey cores: {} cores, {} samples{}; stock to {} cm; Monte Carlo {}\n", results.size(),
                           samples.size(),
                           qa.rows.empty() ? std::string()
                                           : fmt::format(", {} rows dropped (see qa.csv)", qa.rows.size()),
                           format_number(o.depth_cm),
                           o.mc > 0 ? fmt::format("{} draws, seed {}", o.mc, o.seed) : std::string("off"));
    ctx.out << fmt::format("  {:<10} {:>9} {:>12} {:>12} {:>9} {:>20}\n", "core", "depth cm", "whole Mg C/ha",
                           "to depth", "se", "90% interval");
    for (const auto& r : results) {
        const std::string ci = r.stock_mc.draws > 0
                                   ? fmt::format("[{:.1f}, {:.1f}]", r.stock_mc.ci90_low, r.stock_mc.ci90_high)
                                   : std::string("-");
        ctx.out << fmt::format("  {:<10} {:>9.1f} {:>12.1f} {:>11.1f}{} {:>9} {:>20}\n", r.core_id, r.max_depth_cm,
                               r.stock_whole_core_mg_c_ha, r.stock.stock_mg_c_ha, r.stock.extrapolated ? "*" : " ",
                               std::isfinite(r.stock.se_mg_c_ha) ? fmt::format("{:.2f}", r.stock.se_mg_c_ha) : "-",
                               ci);
    }
    if (std::any_of(results.begin(), results.end(), [](const ss::CoreResult& r) { return r.stock.extrapolated; }))
        ctx.out << "  * extrapolated below the core (regression of cumulative stock on depth)\n";
    for (const auto& p : written) ctx.out << "  -> " << p.string() << '\n';
}

}  // namespace

std::vector<fs::path> StagedOutputs::commit() {
    ensure_writable_dir(m_dir);
    OutputTransaction transaction;
    std::vector<fs::path> done;
    for (const auto& [name, text] : m_files) {
        write_text_file(m_dir / name, text, &transaction);
        done.push_back(m_dir / name);
    }
    transaction.commit();
    return done;
}

ss::AllometryTable load_allometry_tables(const std::vector<fs::path>& extra) {
    std::vector<CsvTable> tables;
    for (const auto& p : extra) tables.push_back(read_table(p, "--allometry"));
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

void add_survey_command(CLI::App& app, CliContext& ctx) {
    CLI::App* survey = app.add_subcommand(
        "survey", "Field surveys: tree plots → biomass and carbon per plot (Mg/ha); soil cores → soil organic carbon "
                  "(Mg C/ha); both with Monte-Carlo uncertainty");
    survey->require_subcommand(1);

    // trees
    auto t = std::make_shared<TreesOptions>();
    CLI::App* trees = survey->add_subcommand(
        "trees", "Tree plots → DIR/trees.csv (per stem: height, wood density, equation, agb_kg, bgb_kg) and "
                 "DIR/plots.csv (per plot: AGB, BGB and carbon in Mg/ha with Monte-Carlo mean, sd and 90 % interval)");
    trees->add_option("--trees", t->trees, "Trees CSV: plot_id, tree_id, species, dbh_cm [, height_m, "
                                           "wood_density_g_cm3, status, stem_id, family]")
        ->required()
        ->type_name("FILE");
    trees->add_option("--plots", t->plots, "Plots CSV: plot_id, area_m2 [, lon, lat, chave_e, habitat, nested, "
                                           "climate, height_region]")
        ->required()
        ->type_name("FILE");
    trees->add_option("--out,-o", t->out, "Output folder")->required()->type_name("DIR");
    trees->add_option("--equation", t->equation,
                      "Default AGB equation after species and genus: auto (Komiyama for mangrove plots, else Chave "
                      "2014 with height, else Chave 2014 E form), chave2014, chave2014-e, komiyama, or any name in "
                      "the allometry tables")
        ->default_str("auto")
        ->type_name("NAME");
    trees->add_flag("--no-species-equations", t->no_species_equations,
                    "Use the default equation for every stem (skip species and genus equations)");
    trees->add_option("--bgb", t->bgb, "Below-ground biomass: auto (root equation when one applies, else Tier-1 "
                                       "root:shoot) or root-shoot")
        ->check(CLI::IsMember({"auto", "root-shoot"}))
        ->default_str("auto");
    trees->add_option("--dead", t->dead, "Dead stems: exclude (reported as dead_agb_mg_ha) or include")
        ->check(CLI::IsMember({"exclude", "include"}))
        ->default_str("exclude");
    trees->add_option("--habitat", t->habitat, "Habitat of plots without a habitat column value")
        ->default_str("mangrove");
    trees->add_option("--climate", t->climate,
                      "Climate zone for the mangrove root:shoot ratio of plots without a climate value")
        ->check(CLI::IsMember({"tropical-wet", "tropical_wet", "tropical-dry", "tropical_dry", "subtropical"}))
        ->default_str("subtropical");
    trees->add_option("--carbon-fraction", t->carbon_fraction,
                      "Carbon fraction of dry matter for every plot (default 0.45 mangrove, 0.47 otherwise)")
        ->check(CLI::Range(0.0, 1.0))
        ->type_name("F");
    trees->add_option("--root-shoot", t->root_shoot,
                      "Root:shoot ratio for stems without a root equation (default: Tier-1 by habitat and climate)")
        ->check(CLI::Range(0.0, 10.0))
        ->type_name("R");
    trees->add_option("--allometry", t->allometry,
                      "Extra allometry table(s), same columns as data/allometry.csv; their rows take precedence")
        ->type_name("FILE");
    trees->add_option("--wood-density", t->wood_density,
                      "Wood density table (family, genus, species, wd); default: the shipped Global Wood Density "
                      "Database")
        ->type_name("FILE");
    trees->add_option("--height-table", t->height_table,
                      "Regional height-diameter table (region, a, b, c, rse, source): H = a (1 - exp(-b D^c))")
        ->type_name("FILE");
    trees->add_option("--height-region", t->height_region,
                      "Region of --height-table for plots without a height_region value")
        ->type_name("NAME");
    trees->add_option("--height-min-trees", t->height_min_trees,
                      "Measured live trees needed to fit a plot or site height model (default 10)")
        ->check(CLI::Range(4, 1000000));
    trees->add_option("--mc", t->mc, "Monte-Carlo draws (0: none; default 1000)")->check(CLI::Range(0, 10000000));
    trees->add_option("--seed", t->seed, "Monte-Carlo seed (default 1)");
    trees->add_flag("--drop-invalid", t->drop_invalid, "Drop implausible or unreadable rows and list them in DIR/qa.csv "
                                                       "(default: stop at the first)");
    add_common_options(*trees, t->common, false);
    trees->callback([t, &ctx] {
        auto o = *t;
        std::replace(o.climate.begin(), o.climate.end(), '-', '_');
        run_trees(ctx, o);
    });

    // cores
    auto c = std::make_shared<CoresOptions>();
    CLI::App* cores = survey->add_subcommand(
        "cores", "Soil cores → DIR/cores.csv: organic carbon stock of the whole core and to --depth-cm (extrapolated "
                 "with a standard error when the core is shorter), sequestration rate of dated cores, Monte Carlo");
    cores->add_option("--cores", c->cores, "Cores CSV: core_id, min_depth_cm, max_depth_cm, bulk_density_g_cm3, "
                                           "oc_percent or oc_fraction [, compaction_percent, age_yr, habitat, lon, lat]")
        ->required()
        ->type_name("FILE");
    cores->add_option("--out,-o", c->out, "Output folder")->required()->type_name("DIR");
    cores->add_option("--depth-cm", c->depth_cm, "Target depth (default 100)")->type_name("CM");
    cores->add_option("--time-frame-yr", c->timeframe_yr,
                      "Time frame of the sequestration rate of dated cores (default 100)")
        ->type_name("YR");
    cores->add_option("--mc", c->mc, "Monte-Carlo draws (0: none; default 1000)")->check(CLI::Range(0, 10000000));
    cores->add_option("--seed", c->seed, "Monte-Carlo seed (default 1)");
    cores->add_option("--bd-error", c->bd_error, "Lab error of bulk density, relative SD (default 0.05)")
        ->check(CLI::Range(0.0, 1.0));
    cores->add_option("--oc-error", c->oc_error, "Lab error of organic carbon, relative SD (default 0.05)")
        ->check(CLI::Range(0.0, 1.0));
    cores->add_flag("--drop-invalid", c->drop_invalid, "Drop implausible or unreadable rows and list them in DIR/qa.csv "
                                                       "(default: stop at the first)");
    add_common_options(*cores, c->common, false);
    cores->callback([c, &ctx] { run_cores(ctx, *c); });

    add_survey_calibrate_command(*survey, ctx);
}

}  // namespace bluecarbon::cli
