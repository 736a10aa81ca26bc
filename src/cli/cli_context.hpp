#pragma once
/// What every subcommand shares: the output streams, the common options declared once (so their help text and
/// checks are the same everywhere), and `execute`, which runs a pipeline call inside a GdalSession and prints
/// its to_json (--json) or summary_text.
#include <bluecarbon/pipeline/interrupt_guard.hpp>

#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/pipeline/merge.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bluecarbon::config {
struct ProjectConfig;
}

namespace bluecarbon::cli {

struct CliContext {
    std::ostream& out;
    std::ostream& err;
    bool err_is_terminal{false};
};

struct CommonOptions {
    std::optional<int> threads;        ///< 0: all cores; unset: the project's [processing] threads, else all cores
    std::optional<std::int64_t> tile;  ///< unset: the project's [processing] tile, else 512
    bool json{false};
    bool quiet{false};
    std::string codec;  ///< --compress; empty: not given
    int level{0};       ///< --compress-level; 0: not given
};

enum OptionSet : unsigned { k_tile = 1, k_compress = 2 };
/// Adds --threads, --json and --quiet, and --tile / --compress / --compress-level as `extras` asks.
void add_common_options(CLI::App& cmd, CommonOptions& opts, unsigned extras = k_tile);
/// --compress / --compress-level over a request's or project's `codec` and `level`.
void apply_compression(const CommonOptions& o, std::string& codec, int& level);
/// A FILE (or DIR, ...) option, required unless said otherwise.
CLI::Option* add_path(CLI::App& cmd, const std::string& name, std::filesystem::path& to, const std::string& help,
                      const char* type = "FILE", bool required = true);

/// A project command's project file and its --out DIR (alias --output): the folder the command writes to and reads
/// earlier steps' outputs from, instead of the project's [project] output.
struct ProjectArgs {
    std::filesystem::path file, output;
    [[nodiscard]] config::ProjectConfig load() const;
};
void add_project_args(CLI::App& cmd, ProjectArgs& args);

/// --shard I/N, --resume, --mpi; run_scaled applies them and runs (`merge`: on every rank under MPI); false: print
/// nothing.
struct ScaleOptions {
    std::string shard;
    bool resume{false}, mpi{false};
};
void add_scale_options(CLI::App& cmd, ScaleOptions& opts);
bool run_scaled(const ScaleOptions& opts, pipeline::RunContext& rc, const std::function<void()>& run,
                const std::function<void()>& merge);
/// What a command under run_scaled prints: its result's texts, or on MPI rank 0 the merge's (of DIR).
struct Printed { std::string json, text; std::filesystem::path folder; };
inline const std::string& to_json(const Printed& p) { return p.json; }
inline const std::string& summary_text(const Printed& p) { return p.text; }
template <typename Run>  // run(RunContext) -> a result with shard_folder (set by a shard run)
Printed run_sharded(const ScaleOptions& o, pipeline::RunContext rc, Run&& run) {
    Printed p;
    run_scaled(o, rc, [&] { const auto r = run(rc); p = {to_json(r), summary_text(r), r.shard_folder}; },
               [&] { const auto m = pipeline::run_merge({p.folder.parent_path()}, rc);
                     if (m.complete) p = {to_json(m), summary_text(m), p.folder}; });
    return p;
}

/// Checks whose failure reads "--tile: must be at least 1 (got 0)" (CLI11 prefixes the option name).
[[nodiscard]] CLI::Validator at_least(std::int64_t min);
[[nodiscard]] CLI::Validator positive();

/// The pipeline's progress on the error stream, styled by --quiet and whether stderr is a terminal.
class CliProgress : public pipeline::ProgressObserver {
public:
    CliProgress(const CliContext& ctx, const CommonOptions& opts) : m_ctx(ctx), m_quiet(opts.quiet) {}
    void begin(std::string_view phase, std::int64_t total) override;
    void advance(std::int64_t done, std::int64_t total) override;
    void end() override;
    void abandon() override;  // no 100 % for a phase an error or a cancel cut short

private:
    const CliContext& m_ctx;
    bool m_quiet;
    std::unique_ptr<Progress> m_progress;
    std::int64_t m_done{0};  // the phase's count as last reported (it may move on by more than one)
};

/// RunContext from the common options (--threads 0: every core).
[[nodiscard]] pipeline::RunContext run_context(const CommonOptions& o, pipeline::ProgressObserver* progress);

/// Request field -> option name: a RequestError for the field is reported as "--option: problem".
using FlagNames = std::map<std::string, std::string>;
void with_flags(const FlagNames& flags, const std::function<void()>& fn);

/// Runs `run(RunContext)` in a GdalSession with `cache_bytes` of GDAL cache, then prints the result's to_json
/// (--json) or summary_text (both found by argument-dependent lookup).
template <typename Run>
void execute(const CliContext& ctx, const CommonOptions& o, const FlagNames& flags, Run&& run,
             std::int64_t cache_bytes = GdalSessionOptions{}.cache_bytes) {
    CliProgress progress(ctx, o);
    GdalSessionOptions session_options;
    session_options.cache_bytes = cache_bytes;
    const GdalSession session(std::move(session_options));
    pipeline::RunContext rc = run_context(o, &progress);
    const pipeline::InterruptGuard interrupts;  // Ctrl-C: the run stops and removes its temporary files
    rc.cancel = interrupts.flag();
    with_flags(flags, [&] {
        const auto result = run(rc);
        std::string text = o.json ? std::string(to_json(result)) : std::string(summary_text(result));
        ctx.out << text << (text.empty() || text.back() != '\n' ? "\n" : "");
    });
}

// One registration function per subcommand (each in its own file).
void add_survey_command(CLI::App& app, CliContext& ctx);
void add_survey_cores_command(CLI::App& survey, CliContext& ctx);      // under `survey`
void add_survey_calibrate_command(CLI::App& survey, CliContext& ctx);  // under `survey`
void add_indices_command(CLI::App& app, CliContext& ctx);
void add_sample_command(CLI::App& app, CliContext& ctx);
void add_habitat_command(CLI::App& app, CliContext& ctx);
void add_stock_command(CLI::App& app, CliContext& ctx);
void add_invest_command(CLI::App& app, CliContext& ctx);
void add_zonal_command(CLI::App& app, CliContext& ctx);
void add_parcels_command(CLI::App& app, CliContext& ctx);
void add_credits_command(CLI::App& app, CliContext& ctx);
void add_certify_commands(CLI::App& app, CliContext& ctx);  // keygen, certify, verify
void add_registry_command(CLI::App& app, CliContext& ctx);
void add_merge_command(CLI::App& app, CliContext& ctx);
void add_lots_command(CLI::App& app, CliContext& ctx);       // cmd_market.cpp
void add_auction_command(CLI::App& app, CliContext& ctx);    // cmd_market.cpp
void add_statement_command(CLI::App& app, CliContext& ctx);  // cmd_market.cpp
void add_report_command(CLI::App& app, CliContext& ctx);     // cmd_run.cpp
void add_run_command(CLI::App& app, CliContext& ctx);        // cmd_run.cpp

}  // namespace bluecarbon::cli
