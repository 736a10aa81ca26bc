#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/compression.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

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

CLI::Option* add_path(CLI::App& cmd, const std::string& name, std::filesystem::path& to, const std::string& help,
                      const char* type, bool required) {
    CLI::Option* o = cmd.add_option(name, to, help)->type_name(type);
    return required ? o->required() : o;
}

void add_project_args(CLI::App& cmd, ProjectArgs& args) {
    add_path(cmd, "project", args.file, "The project file (project.toml)");
    cmd.add_option("--out,--output", args.output, "Output folder, where earlier steps' outputs are read from too "
                                                  "(default: the project's output)")
        ->type_name("DIR");
}

config::ProjectConfig ProjectArgs::load() const {
    config::ProjectConfig cfg = config::load_project(file);
    if (!output.empty()) cfg.output_dir = std::filesystem::absolute(output).lexically_normal();
    return cfg;
}

void add_common_options(CLI::App& cmd, CommonOptions& opts, unsigned extras) {
    cmd.add_option("--threads", opts.threads, "Worker threads, all of the run's threads included (0: all cores; "
                                              "default: the project's, else all cores)")
        ->check(at_least(0))
        ->type_name("N");
    if ((extras & k_tile) != 0)
        cmd.add_option("--tile", opts.tile,
                       "Tile edge in pixels; rounded to a multiple of the input's block size (default: 512)")
            ->check(at_least(1))
            ->type_name("PIXELS");
    if ((extras & k_compress) != 0) {
        cmd.add_option("--compress", opts.codec,
                       "Compression of the output GeoTIFFs: deflate (default; read everywhere), zstd (faster to "
                       "write: a 10000^2 stock run takes 2/3 of the time, files ~20 % larger; read by GDAL >= 2.3 "
                       "and the tools built on it), lzw or none")
            ->check(CLI::IsMember({"deflate", "zstd", "lzw", "none"}))
            ->type_name("CODEC");
        cmd.add_option("--compress-level", opts.level,
                       "Compression effort: DEFLATE 1-12, ZSTD 1-22 (default: the command's own choice)")
            ->check(at_least(1))
            ->type_name("N");
    }
    cmd.add_flag("--json", opts.json, "Print a machine-readable summary on stdout (errors as {\"error\": ...})");
    cmd.add_flag("--quiet,-q", opts.quiet, "No progress output");
}

void apply_compression(const CommonOptions& o, std::string& codec, int& level) {
    if (!o.codec.empty()) {
        codec = o.codec;
        level = 0;  // a project's level was chosen for its own codec
    }
    if (o.level > 0) level = o.level;
    if (auto problem = pipeline::compression_level_problem(codec, o.level))
        throw ConfigError("--compress-level: " + *problem);
}

void CliProgress::begin(std::string_view phase, std::int64_t total) {
    m_progress = std::make_unique<Progress>(std::string(phase), total,
                                            Progress::style_for(m_quiet, m_ctx.err_is_terminal), m_ctx.err);
    m_done = 0;
}

void CliProgress::advance(std::int64_t done, std::int64_t) {
    if (!m_progress || done <= m_done) return;
    m_progress->advance(done - m_done);
    m_done = done;
}

void CliProgress::end() {
    if (m_progress) m_progress->finish();
    m_progress.reset();
}

void CliProgress::abandon() { m_progress.reset(); }

pipeline::RunContext run_context(const CommonOptions& o, pipeline::ProgressObserver* progress) {
    pipeline::RunContext rc;
    // RunContext's 0 defers to the project; an explicit --threads 0 means every core, as `threads = 0` does.
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (o.threads) rc.threads = *o.threads > 0 ? *o.threads : cores;
    rc.tile = o.tile;
    rc.progress = progress;
    return rc;
}

void with_flags(const FlagNames& flags, const std::function<void()>& fn) {
    try {
        fn();
    } catch (const pipeline::RequestError& e) {
        static const FlagNames common{{"threads", "--threads"}, {"tile size", "--tile"},
                                      {"compression level", "--compress-level"}};
        auto it = flags.find(e.field());
        if (it == flags.end() && (it = common.find(e.field())) == common.end()) throw;
        throw ConfigError(it->second + ": " + e.problem());
    }
}

}  // namespace bluecarbon::cli
