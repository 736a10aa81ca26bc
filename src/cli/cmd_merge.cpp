// `bluecarbon merge DIR`: the outputs of a sharded run from its shard folders; the work is pipeline::run_merge.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/merge.hpp>

#include <fmt/format.h>

#include <ostream>

namespace bluecarbon::cli {

void add_merge_command(CLI::App& app, CliContext& ctx) {
    struct Opts {
        pipeline::MergeRequest req;
        CommonOptions common;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = app.add_subcommand("merge", "Merge the shard-<i>-of-<n>/ folders of a sharded run (--shard) "
                                                "into DIR: outputs byte-identical to one process's");
    cmd->add_option("dir", o->req.dir, "The output folder holding the shard folders")->required()->type_name("DIR");
    add_common_options(*cmd, o->common, false);
    cmd->callback([o, &ctx] {
        CliProgress progress(ctx, o->common);
        pipeline::RunContext rc;
        rc.threads = o->common.threads;
        rc.progress = &progress;
        const auto r = pipeline::run_merge(o->req, rc);
        if (o->common.json) ctx.out << pipeline::to_json(r) << '\n';
        else ctx.out << fmt::format("merge: {} shards of `{}` -> {} outputs in {} ({:.2f} s)\n", r.shards, r.command,
                                    r.run.outputs.size(), r.run.output_dir.string(), r.run.timings.total.wall);
    });
}

}  // namespace bluecarbon::cli
