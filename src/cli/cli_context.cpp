#include "cli/cli_context.hpp"

namespace bluecarbon::cli {

void add_common_options(CLI::App& cmd, CommonOptions& opts, bool with_tile) {
    cmd.add_option("--threads", opts.threads, "Worker threads (default: all cores)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    if (with_tile)
        cmd.add_option("--tile", opts.tile,
                       "Tile edge in pixels; rounded to a multiple of the input's block size (default: 512)")
            ->check(CLI::PositiveNumber)
            ->type_name("PIXELS");
    cmd.add_flag("--json", opts.json, "Print a machine-readable summary on stdout");
    cmd.add_flag("--quiet,-q", opts.quiet, "No progress output");
}

std::unique_ptr<Progress> make_progress(const CliContext& ctx, const CommonOptions& opts, const std::string& label,
                                        std::int64_t total) {
    return std::make_unique<Progress>(label, total, Progress::style_for(opts.quiet, ctx.err_is_terminal), ctx.err);
}

}  // namespace bluecarbon::cli
