// `bluecarbon survey cores`: soil cores -> soil organic carbon stocks with Monte-Carlo uncertainty; the work is
// pipeline::run_core_survey.
#include "cli/cli_context.hpp"
#include "cli/cmd_survey.hpp"

#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/pipeline/core_survey.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;
namespace ss = science::survey;

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

void print_cores(const CliContext& ctx, const CoresOptions& o, const pipeline::CoreSurveyResult& res) {
    const auto& results = res.cores;
    const auto& written = res.outputs;
    ctx.out << fmt::format("survey cores: {} cores, {} samples{}; stock to {} cm; Monte Carlo {}\n", results.size(),
                           res.samples,
                           res.dropped_rows == 0 ? std::string()
                                                 : fmt::format(", {} rows dropped (see qa.csv)", res.dropped_rows),
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

void run_cores(const CliContext& ctx, const CoresOptions& o) {
    pipeline::CoreSurveyRequest rq;
    rq.cores = o.cores;
    rq.out = o.out;
    rq.options.target_depth_cm = o.depth_cm;
    rq.options.timeframe_yr = o.timeframe_yr;
    rq.options.monte_carlo.draws = o.mc;
    rq.options.monte_carlo.seed = o.seed;
    rq.options.monte_carlo.bulk_density_relative_sd = o.bd_error;
    rq.options.monte_carlo.oc_relative_sd = o.oc_error;
    rq.drop_invalid = o.drop_invalid;
    CliProgress progress(ctx, o.common);
    pipeline::RunContext rc;
    rc.threads = o.common.threads;
    rc.progress = &progress;
    pipeline::CoreSurveyResult r;
    with_flags({{"threads", "--threads"}, {"cores", "--cores"}, {"target depth", "--depth-cm"},
                {"time frame", "--time-frame-yr"}},
               [&] { r = pipeline::run_core_survey(rq, rc); });
    if (o.common.json)
        ctx.out << pipeline::to_json(r) << '\n';
    else
        print_cores(ctx, o, r);
}

}  // namespace

void add_survey_cores_command(CLI::App& survey, CliContext& ctx) {
    // cores
    auto c = std::make_shared<CoresOptions>();
    CLI::App* cores = survey.add_subcommand(
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

}

}  // namespace bluecarbon::cli
