// `survey cores`: read and check the cores (QA: stop, or drop into qa.csv), compute each core's stock with
// Monte Carlo on the executor, write cores.csv (and qa.csv) together.
#include <bluecarbon/pipeline/core_survey.hpp>

#include "pipeline/phase.hpp"
#include "pipeline/survey/survey_support.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/science/survey/taxon.hpp>
#include <bluecarbon/version.hpp>

#include <algorithm>
#include <set>

namespace bluecarbon::pipeline {

namespace {

namespace ss = science::survey;
using survey::json;
using survey::jnum;
using survey::num;

const std::vector<std::string> k_core_columns{
    "core_id",          "n_samples",        "compaction_percent", "max_depth_cm",   "stock_whole_core_mg_c_ha",
    "target_depth_cm",  "stock_mg_c_ha",    "stock_se_mg_c_ha",   "extrapolated",   "stock_mean",
    "stock_median",     "stock_sd",         "stock_ci90_low",     "stock_ci90_high", "mc_draws",
    "seq_rate_mg_c_ha_yr", "seq_timeframe_yr", "seq_depth_cm",   "sequestration_note", "note"};

// Columns of the cores file that describe a sample rather than the core; the others pass through per core.
const std::set<std::string> k_sample_columns{"core_id",      "min_depth_cm", "max_depth_cm", "bulk_density_g_cm3",
                                             "oc_percent",   "oc_fraction",  "compaction_percent", "age_yr",
                                             "loi_percent"};

// cores.csv: the computed columns, then the input's per-core columns (from each core's first row).
std::string cores_table(const CsvTable& cores_csv, const std::vector<ss::CoreSample>& samples,
                      const std::vector<ss::CoreResult>& results, const CoreSurveyRequest& rq) {
    std::vector<std::size_t> extra_cols;
    for (std::size_t c = 0; c < cores_csv.header().size(); ++c)
        if (!k_sample_columns.count(ss::normalize_name(cores_csv.header()[c]))) extra_cols.push_back(c);
    std::unordered_map<std::string, std::size_t> first_row;
    const auto sample_rows = survey::rows_of(cores_csv, samples);
    for (std::size_t i = 0; i < samples.size(); ++i) first_row.try_emplace(samples[i].core_id, sample_rows[i]);

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
                                     num(rq.options.target_depth_cm),
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
                                     r.sequestration_note,
                                     r.note};
        const auto& src = cores_csv.rows()[first_row.at(r.core_id)].fields;
        for (std::size_t c : extra_cols) row.push_back(src[c]);
        w.add_row(std::move(row));
    }
    return w.str();
}

std::string core_survey_json(const CoreSurveyRequest& rq, const CoreSurveyResult& r) {
    const auto& mc = rq.options.monte_carlo;
    json j;
    j["command"] = "survey cores";
    j["bluecarbon_version"] = k_version;
    j["inputs"] = {{"cores", rq.cores.string()}};
    j["outputs"] = json::array();
    for (const auto& p : r.outputs) j["outputs"].push_back(p.string());
    j["target_depth_cm"] = rq.options.target_depth_cm;
    j["dropped_rows"] = r.dropped_rows;
    j["monte_carlo"] = {{"draws", mc.draws}, {"seed", mc.seed}, {"bulk_density_relative_sd", mc.bulk_density_relative_sd},
                        {"oc_relative_sd", mc.oc_relative_sd}};
    j["cores"] = json::array();
    for (const auto& core : r.cores) {
        json c{{"core_id", core.core_id},
               {"n_samples", core.n_samples},
               {"max_depth_cm", jnum(core.max_depth_cm)},
               {"stock_whole_core_mg_c_ha", jnum(core.stock_whole_core_mg_c_ha)},
               {"stock_mg_c_ha", jnum(core.stock.stock_mg_c_ha)},
               {"stock_se_mg_c_ha", jnum(core.stock.se_mg_c_ha)},
               {"extrapolated", core.stock.extrapolated},
               {"stock", survey::summary_json(core.stock_mc)}};
        if (core.sequestration)
            c["sequestration"] = {{"rate_mg_c_ha_yr", core.sequestration->rate_mg_c_ha_yr},
                                  {"timeframe_yr", core.sequestration->timeframe_yr},
                                  {"depth_cm", core.sequestration->depth_cm}};
        else if (!core.sequestration_note.empty())
            c["sequestration_note"] = core.sequestration_note;
        j["cores"].push_back(std::move(c));
    }
    return j.dump(2);
}

}  // namespace

CoreSurveyResult run_core_survey(const CoreSurveyRequest& rq, const RunContext& ctx) {
    if (!(rq.options.target_depth_cm > 0))
        throw RequestError("target depth", "must be > 0 (got " + format_number(rq.options.target_depth_cm) + ")");
    if (!(rq.options.timeframe_yr > 0))
        throw RequestError("time frame", "must be > 0 (got " + format_number(rq.options.timeframe_yr) + ")");
    const TileExecutor executor(resolve_threads(ctx));

    const CsvTable table = survey::read_table(rq.cores, "cores");
    survey::QaLog qa{rq.drop_invalid, {}};
    auto pc = parse_cores(table);
    const auto issues = ss::check_cores(pc.records, pc.oc_column);
    auto all = pc.issues;
    all.insert(all.end(), issues.begin(), issues.end());
    qa.handle(table, all);
    const auto samples = ss::drop_flagged<ss::CoreSample>(pc.records, issues);

    std::set<std::string> ids;
    for (const auto& s : samples) ids.insert(s.core_id);
    CoreSurveyResult r;
    {
        Phase phase(ctx, "survey cores", static_cast<std::int64_t>(rq.options.monte_carlo.draws > 0 ? ids.size() : 0));
        r.cores = ss::compute_cores(samples, rq.options, parallel_with(executor, phase), table.source());
        phase.finish();
    }
    r.samples = samples.size();
    r.dropped_rows = qa.rows.size();

    survey::StagedOutputs outputs(rq.out);
    outputs.add("cores.csv", cores_table(table, samples, r.cores, rq));
    if (rq.drop_invalid) outputs.add("qa.csv", qa.csv());
    r.outputs = outputs.commit();
    r.target_depth_cm = rq.options.target_depth_cm;
    r.mc_draws = rq.options.monte_carlo.draws;
    r.mc_seed = rq.options.monte_carlo.seed;
    r.json = core_survey_json(rq, r);
    return r;
}

}  // namespace bluecarbon::pipeline
