// `bluecarbon invest cbc ARGS.json` and `bluecarbon invest carbon ARGS.json`: InVEST's models on InVEST's own
// argument files; the work is pipeline::run_invest_cbc / run_invest_carbon.
#include "cli/cli_context.hpp"
#include "cli/cmd_invest.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/invest.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

namespace bluecarbon::cli {

namespace {

struct InvestOptions {
    std::filesystem::path args;
    std::string npv{"invest"};
    CommonOptions common;
    CompressionOptions compression;
};

pipeline::RunContext run_context(const InvestOptions& o, CliProgress& progress) {
    pipeline::RunContext rc;
    rc.threads = o.common.threads;
    rc.tile = o.common.tile;
    rc.progress = &progress;
    return rc;
}

void run_cbc(const CliContext& ctx, const InvestOptions& o) {
    pipeline::InvestCbcRequest rq;
    rq.args_file = o.args;
    if (o.npv == "yearly") {
        rq.npv_method = accounting::NpvMethod::yearly;
    } else if (o.npv != "invest") {
        throw ConfigError("--npv: must be invest or yearly (got '" + o.npv + "')");
    }
    if (!o.compression.codec.empty()) rq.compression = o.compression.codec;
    check_compression_level(rq.compression, o.compression.level);
    rq.compression_level = o.compression.level;
    CliProgress progress(ctx, o.common);
    pipeline::InvestCbcResult r;
    with_flags({{"threads", "--threads"}, {"tile size", "--tile"}},
               [&] { r = pipeline::run_invest_cbc(rq, run_context(o, progress)); });
    if (o.common.json) {
        ctx.out << r.json << '\n';
        return;
    }
    ctx.out << fmt::format("invest cbc: {} x {} pixels, snapshots", r.grid.width(), r.grid.height());
    for (int y : r.snapshot_years) ctx.out << ' ' << y;
    ctx.out << fmt::format(", analysis year {}, {} tiles, {} threads: {:.2f} s, peak memory {:.0f} MB\n",
                           r.analysis_year, r.tiles, r.threads, r.wall_seconds, r.peak_rss_mb);
    for (const auto& f : r.outputs) ctx.out << "  " << f.file.string() << '\n';
}

void run_carbon(const CliContext& ctx, const InvestOptions& o) {
    pipeline::InvestCarbonRequest rq;
    rq.args_file = o.args;
    if (!o.compression.codec.empty()) rq.compression = o.compression.codec;
    check_compression_level(rq.compression, o.compression.level);
    rq.compression_level = o.compression.level;
    CliProgress progress(ctx, o.common);
    pipeline::InvestCarbonResult r;
    with_flags({{"threads", "--threads"}, {"tile size", "--tile"}},
               [&] { r = pipeline::run_invest_carbon(rq, run_context(o, progress)); });
    if (o.common.json) {
        ctx.out << r.json << '\n';
        return;
    }
    ctx.out << fmt::format("invest carbon: {} x {} pixels, {} tiles, {} threads: {:.2f} s\n", r.grid.width(),
                           r.grid.height(), r.tiles, r.threads, r.wall_seconds);
    if (r.valuation_constant) ctx.out << fmt::format("  valuation constant {:.6g}\n", *r.valuation_constant);
    for (const auto& t : r.totals) {
        ctx.out << fmt::format("  {:<36} {:>18.2f} {}\n", t.raster, t.total, t.units);
    }
}

}  // namespace

void add_invest_command(CLI::App& app, CliContext& ctx) {
    CLI::App* invest = app.add_subcommand("invest", "InVEST models on InVEST's own inputs (argument JSON or datastack)");
    invest->require_subcommand(1);
    auto cbc = std::make_shared<InvestOptions>();
    CLI::App* c = invest->add_subcommand(
        "cbc", "Coastal Blue Carbon 3.x: stocks, accumulation, emissions, net sequestration and NPV per pixel, "
               "written under workspace_dir/output/ with InVEST's names");
    c->add_option("args", cbc->args, "InVEST argument file (JSON object, or a parameter set with \"args\")")
        ->required()
        ->type_name("ARGS.json");
    c->add_option("--npv", cbc->npv,
                  "NPV method: invest (InVEST's: total net sequestration x sum of discounted prices) or yearly "
                  "(each year's net sequestration x its discounted price)")
        ->type_name("METHOD");
    add_common_options(*c, cbc->common);
    add_compression_options(*c, cbc->compression);
    c->callback([cbc, &ctx] { run_cbc(ctx, *cbc); });

    auto carbon = std::make_shared<InvestOptions>();
    CLI::App* k = invest->add_subcommand(
        "carbon", "Carbon storage and sequestration: storage per scenario, change and NPV, with "
                  "raster_values_summary.csv, written in workspace_dir with InVEST's names");
    k->add_option("args", carbon->args, "InVEST argument file (JSON object, or a parameter set with \"args\")")
        ->required()
        ->type_name("ARGS.json");
    add_common_options(*k, carbon->common);
    add_compression_options(*k, carbon->compression);
    k->callback([carbon, &ctx] { run_carbon(ctx, *carbon); });
}

}  // namespace bluecarbon::cli
