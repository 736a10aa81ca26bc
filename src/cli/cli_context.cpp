#include "cli/cli_context.hpp"

#include <cmath>
#include <string>

namespace bluecarbon::cli {

CLI::Validator at_least(std::int64_t min) {
    const std::string desc = min == 1 ? "POSITIVE" : ">=" + std::to_string(min);
    return CLI::Validator(
        [min](std::string& text) -> std::string {
            std::int64_t v = 0;
            if (!CLI::detail::lexical_cast(text, v)) return "must be a whole number (got " + text + ")";
            if (v < min) return "must be at least " + std::to_string(min) + " (got " + text + ")";
            return {};
        },
        desc);
}

CLI::Validator positive() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            double v = 0;
            if (!CLI::detail::lexical_cast(text, v) || std::isnan(v)) return "must be a number (got " + text + ")";
            if (!(v > 0)) return "must be greater than 0 (got " + text + ")";
            return {};
        },
        "POSITIVE");
}

void add_common_options(CLI::App& cmd, CommonOptions& opts, bool with_tile) {
    cmd.add_option("--threads", opts.threads, "Worker threads (default: all cores)")
        ->check(at_least(1))
        ->type_name("N");
    if (with_tile)
        cmd.add_option("--tile", opts.tile,
                       "Tile edge in pixels; rounded to a multiple of the input's block size (default: 512)")
            ->check(at_least(1))
            ->type_name("PIXELS");
    cmd.add_flag("--json", opts.json, "Print a machine-readable summary on stdout");
    cmd.add_flag("--quiet,-q", opts.quiet, "No progress output");
}

std::unique_ptr<Progress> make_progress(const CliContext& ctx, const CommonOptions& opts, const std::string& label,
                                        std::int64_t total) {
    return std::make_unique<Progress>(label, total, Progress::style_for(opts.quiet, ctx.err_is_terminal), ctx.err);
}

}  // namespace bluecarbon::cli
