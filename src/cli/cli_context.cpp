#include "cli/cli_context.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/compression.hpp>

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

void add_compression_options(CLI::App& cmd, CompressionOptions& opts) {
    cmd.add_option("--compress", opts.codec,
                   "Compression of the output GeoTIFFs: deflate (default; read everywhere), zstd (faster to write: "
                   "a 10000^2 stock run takes 2/3 of the time, files ~20 % larger; read by GDAL >= 2.3 and the "
                   "tools built on it), lzw or none")
        ->check(CLI::IsMember({"deflate", "zstd", "lzw", "none"}))
        ->type_name("CODEC");
    cmd.add_option("--compress-level", opts.level,
                   "Compression effort: DEFLATE 1-12, ZSTD 1-22 (default: the command's own choice)")
        ->check(at_least(1))
        ->type_name("N");
}

void check_compression_level(const std::string& codec, int level) {
    if (auto problem = pipeline::compression_level_problem(codec, level)) throw ConfigError("--compress-level: " + *problem);
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

void CliProgress::begin(std::string_view phase, std::int64_t total) {
    m_progress = std::make_unique<Progress>(std::string(phase), total,
                                            Progress::style_for(m_quiet, m_ctx.err_is_terminal), m_ctx.err);
}

void CliProgress::advance(std::int64_t, std::int64_t) {
    if (m_progress) m_progress->advance();
}

void CliProgress::end() {
    if (m_progress) m_progress->finish();
    m_progress.reset();
}

std::unique_ptr<Progress> make_progress(const CliContext& ctx, const CommonOptions& opts, const std::string& label,
                                        std::int64_t total) {
    return std::make_unique<Progress>(label, total, Progress::style_for(opts.quiet, ctx.err_is_terminal), ctx.err);
}

void with_flags(const std::map<std::string, std::string>& flags, const std::function<void()>& fn) {
    try {
        fn();
    } catch (const pipeline::RequestError& e) {
        const auto it = flags.find(e.field());
        if (it == flags.end()) throw;
        throw ConfigError(it->second + ": " + e.problem());
    }
}

}  // namespace bluecarbon::cli
