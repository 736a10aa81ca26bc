// `survey trees`: read and check the plots and trees (QA: stop, or drop into qa.csv), compute the survey with
// Monte Carlo on the executor, write trees.csv, plots.csv (and qa.csv) together.
#include <bluecarbon/pipeline/tree_survey.hpp>

#include "pipeline/phase.hpp"
#include "pipeline/survey/survey_support.hpp"
#include "pipeline/survey/tree_tables.hpp"

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

namespace bluecarbon::pipeline {

namespace {

namespace fs = std::filesystem;
namespace ss = science::survey;
using survey::json;
using survey::jnum;

/// The parameter tables of a run: allometry, wood density, height curves.
struct TreeTables {
    ss::AllometryTable allometry;
    fs::path wood_density_path;
    ss::WoodDensityDatabase wood_density;
    std::vector<ss::WeibullHeightCurve> curves;
};

TreeTables load_tables(const TreeSurveyRequest& rq) {
    TreeTables t;
    std::vector<CsvTable> extra;
    for (const auto& p : rq.allometry) extra.push_back(survey::read_table(p, "allometry"));
    t.allometry = load_allometry_tables(extra);
    t.wood_density_path = rq.wood_density.empty() ? data_dir() / "wood_density" / "gwdd.csv" : rq.wood_density;
    t.wood_density = load_wood_density(survey::read_table(t.wood_density_path, "wood_density"));
    // The shipped regional curves (Feldpausch et al. 2012) unless the request names a table.
    t.curves = load_height_curves(rq.height_table.empty() ? read_csv(data_dir() / "height_regions.csv")
                                                          : survey::read_table(rq.height_table, "height_table"));
    return t;
}

/// Records read and checked: plots first (trees refer to them); the rows QA flagged are dropped (or the run
/// stopped, see QaLog).
template <typename Record>
std::vector<Record> keep_checked(survey::QaLog& qa, const CsvTable& table, std::vector<Record> records,
                                 std::vector<ss::QaIssue> read_issues, const std::vector<ss::QaIssue>& checks) {
    read_issues.insert(read_issues.end(), checks.begin(), checks.end());
    qa.handle(table, read_issues);
    return ss::drop_flagged<Record>(records, checks);
}

/// Species that fell back to their genus (or further) for wood density or the equation: reported, not silent.
std::vector<std::string> fallback_notices(const std::vector<ss::TreeRecord>& trees, const ss::TreeSurveyResult& s) {
    std::map<std::string, std::set<std::string>> by_species;  // species → what fell back
    for (std::size_t i = 0; i < trees.size(); ++i) {
        const auto& r = s.trees[i];
        const auto taxon = ss::parse_taxon(trees[i].species);
        if (!taxon.has_species()) continue;
        const auto wd = r.wood_density.level;
        using L = ss::WoodDensityLevel;
        if (wd == L::genus || wd == L::family || wd == L::plot_mean || wd == L::site_mean)
            by_species[trees[i].species].insert("wood density at " +
                                                std::string(ss::wood_density_level_name(wd)) + " level");
        if (!r.wood_density.synonym.empty())
            by_species[trees[i].species].insert("wood density of its synonym " + r.wood_density.synonym);
        if (r.equation_level == ss::EquationLevel::genus)
            by_species[trees[i].species].insert("a congener's equation (" + r.equation + ")");
    }
    std::vector<std::string> out;
    for (const auto& [species, what] : by_species)
        out.push_back(fmt::format("'{}' is not in the tables under that name: {}", species, fmt::join(what, ", ")));
    return out;
}

std::string tree_survey_json(const TreeSurveyRequest& rq, const TreeSurveyResult& r) {
    const auto& s = r.survey;
    json j;
    j["command"] = "survey trees";
    j["bluecarbon_version"] = k_version;
    j["inputs"] = {{"trees", rq.trees.string()}, {"plots", rq.plots.string()}, {"wood_density", r.wood_density.string()}};
    j["outputs"] = json::array();
    for (const auto& w : r.outputs) j["outputs"].push_back(w.string());
    j["n_plots"] = s.plots.size();
    j["n_stems"] = s.trees.size();
    j["dropped_rows"] = r.dropped_rows;
    j["monte_carlo"] = {{"draws", rq.options.monte_carlo.draws}, {"seed", rq.options.monte_carlo.seed}};
    j["dead_rule"] = s.dead_rule;
    j["notices"] = r.notices;
    if (s.site_height_fit) {
        const auto& f = *s.site_height_fit;
        j["site_height_model"] = {{"b0", f.b0}, {"b1", f.b1}, {"b2", f.b2}, {"rse", f.rse}, {"n", f.n}};
    }
    j["plots"] = json::array();
    for (const auto& p : s.plots)
        j["plots"].push_back(json{{"plot_id", p.plot_id},
                                  {"habitat", p.habitat},
                                  {"n_trees", p.n_trees},
                                  {"n_stems", p.n_stems},
                                  {"n_dead", p.n_dead},
                                  {"agb_mg_ha", jnum(p.agb_mg_ha)},
                                  {"bgb_mg_ha", jnum(p.bgb_mg_ha)},
                                  {"dead_agb_mg_ha", jnum(p.dead_agb_mg_ha)},
                                  {"carbon_mg_c_ha", jnum(p.carbon_mg_c_ha)},
                                  {"carbon_fraction", jnum(p.carbon_fraction)},
                                  {"carbon_fraction_sd", jnum(p.carbon_fraction_sd)},
                                  {"carbon_fraction_bgb", jnum(p.carbon_fraction_bgb)},
                                  {"height_model", ss::height_source_name(p.height_model)},
                                  {"agb", survey::summary_json(p.agb_mc)},
                                  {"bgb", survey::summary_json(p.bgb_mc)},
                                  {"carbon", survey::summary_json(p.carbon_mc)}});
    return j.dump(2);
}

}  // namespace

TreeSurveyResult run_tree_survey(const TreeSurveyRequest& rq, const RunContext& ctx) {
    const TileExecutor executor(resolve_threads(ctx));
    const CsvTable plots_csv = survey::read_table(rq.plots, "plots");
    const CsvTable trees_csv = survey::read_table(rq.trees, "trees");
    const TreeTables tables = load_tables(rq);

    survey::QaLog qa{rq.drop_invalid, {}};
    auto pp = parse_plots(plots_csv);
    const auto plots = keep_checked(qa, plots_csv, pp.records, pp.issues, ss::check_plots(pp.records));
    auto pt = parse_trees(trees_csv);
    const auto trees = keep_checked(qa, trees_csv, pt.records, pt.issues, ss::check_trees(pt.records, plots));

    TreeSurveyResult r;
    {
        Phase phase(ctx, "survey trees",
                    static_cast<std::int64_t>(rq.options.monte_carlo.draws > 0 ? plots.size() : 0));
        r.survey = ss::compute_tree_survey(trees, plots, tables.allometry, tables.wood_density, tables.curves,
                                           rq.options, parallel_with(executor, phase), trees_csv.source(),
                                           plots_csv.source());
        phase.finish();
    }
    r.wood_density = tables.wood_density_path;
    r.dropped_rows = qa.rows.size();
    r.notices = fallback_notices(trees, r.survey);

    survey::StagedOutputs outputs(rq.out);
    outputs.add("trees.csv", survey::trees_csv(trees_csv, trees, r.survey, tables.wood_density_path));
    outputs.add("plots.csv", survey::plots_csv(plots_csv, plots, r.survey));
    if (rq.drop_invalid) outputs.add("qa.csv", qa.csv());
    r.outputs = outputs.commit();
    r.mc_draws = rq.options.monte_carlo.draws;
    r.mc_seed = rq.options.monte_carlo.seed;
    r.json = tree_survey_json(rq, r);
    return r;
}

}  // namespace bluecarbon::pipeline
