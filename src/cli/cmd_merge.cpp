// `bluecarbon merge DIR`: the outputs of a sharded run from its shard folders; the work is pipeline::run_merge.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/merge.hpp>

#include <ostream>

namespace bluecarbon::cli {

void add_merge_command(CLI::App& app, CliContext& ctx) {
    auto req = std::make_shared<pipeline::MergeRequest>();
    auto common = std::make_shared<CommonOptions>();
    CLI::App* cmd = app.add_subcommand("merge", "Write the outputs of a sharded run (--shard) into DIR from its "
                                                "shard-<i>-of-<n>/ folders: the bytes one process writes");
    cmd->add_option("dir", req->dir, "The output folder holding the shard folders")->required()->type_name("DIR");
    add_common_options(*cmd, *common, false);
    cmd->callback([req, common, &ctx] {
        CliProgress progress(ctx, *common);
        pipeline::RunContext rc;
        rc.threads = common->threads;
        rc.progress = &progress;
        const auto r = pipeline::run_merge(*req, rc);
        ctx.out << (common->json ? pipeline::to_json(r) : "merge: " + std::to_string(r.shards) + " shards of " +
                                                              r.command + " -> " + r.run.output_dir.string()) << '\n';
    });
}

}  // namespace bluecarbon::cli
