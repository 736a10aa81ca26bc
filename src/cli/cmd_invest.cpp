// `bluecarbon invest cbc ARGS.json` and `bluecarbon invest carbon ARGS.json`: InVEST's models on InVEST's own
// argument files; the work is pipeline::run_invest_cbc / run_invest_carbon.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/invest.hpp>

#include <memory>
#include <string>

namespace bluecarbon::cli {

void add_invest_command(CLI::App& app, CliContext& ctx) {
    CLI::App* invest =
        app.add_subcommand("invest", "InVEST models on InVEST's own inputs (argument JSON or datastack)");
    invest->require_subcommand(1);
    const std::string args_help = "InVEST argument file (JSON object, or a parameter set with \"args\")";
    struct Options {
        pipeline::InvestCbcRequest cbc;
        pipeline::InvestCarbonRequest carbon;
        std::string npv{"invest"};
        CommonOptions common;
        ScaleOptions scale;
    };
    auto o = std::make_shared<Options>();
    CLI::App* c = invest->add_subcommand(
        "cbc", "Coastal Blue Carbon 3.x: stocks, accumulation, emissions, net sequestration and NPV per pixel, "
               "written under workspace_dir/output/ with InVEST's names");
    add_path(*c, "args", o->cbc.args_file, args_help, "ARGS.json");
    c->add_option("--npv", o->npv,
                  "NPV method: invest (InVEST's: total net sequestration x sum of discounted prices) or yearly "
                  "(each year's net sequestration x its discounted price)")
        ->check(CLI::IsMember({"invest", "yearly"}))
        ->type_name("METHOD");
    add_common_options(*c, o->common, k_tile | k_compress);
    add_scale_options(*c, o->scale);
    c->callback([o, &ctx] {
        auto rq = o->cbc;
        if (o->npv == "yearly") rq.npv_method = accounting::NpvMethod::yearly;
        apply_compression(o->common, rq.compression, rq.compression_level);
        execute(ctx, o->common, {{"shard", "--shard"}}, [&](const pipeline::RunContext& rc) {
            return run_sharded(o->scale, rc,
                               [&](const auto& shard_ctx) { return pipeline::run_invest_cbc(rq, shard_ctx); });
        });
    });

    CLI::App* k = invest->add_subcommand(
        "carbon", "Carbon storage and sequestration: storage per scenario, change and NPV, with "
                  "raster_values_summary.csv, written in workspace_dir with InVEST's names");
    add_path(*k, "args", o->carbon.args_file, args_help, "ARGS.json");
    add_common_options(*k, o->common, k_tile | k_compress);
    k->callback([o, &ctx] {
        auto rq = o->carbon;
        apply_compression(o->common, rq.compression, rq.compression_level);
        execute(ctx, o->common, {},
                [&](const pipeline::RunContext& rc) { return pipeline::run_invest_carbon(rq, rc); });
    });
}

}  // namespace bluecarbon::cli
