#pragma once
/// What every subcommand shares: the output streams, and the common options (--threads, --tile, --json,
/// --quiet) declared once here so their help text and checks are the same everywhere.
#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

namespace bluecarbon::cli {

struct CliContext {
    std::ostream& out;
    std::ostream& err;
    bool err_is_terminal{false};
};

struct CommonOptions {
    int threads{0};                ///< 0: all cores
    std::int64_t tile{512};        ///< tile edge in pixels (rounded to the input's block size)
    bool json{false};
    bool quiet{false};
};

/// --compress and --compress-level of the raster commands (the codec of their output GeoTIFFs).
struct CompressionOptions {
    std::string codec;  ///< empty: not given (the project's [processing] compression, else deflate)
    int level{0};       ///< 0: not given
};

/// Adds --compress and --compress-level to `cmd`, bound to `opts`.
void add_compression_options(CLI::App& cmd, CompressionOptions& opts);

/// Checks --compress-level against the codec it applies to (`codec`: --compress, else the project's or the
/// command's default): ConfigError "--compress-level: must be 1-12 for deflate (got 13)".
void check_compression_level(const std::string& codec, int level);

/// Adds --threads, --json and --quiet (and --tile when `with_tile`) to `cmd`, bound to `opts`.
void add_common_options(CLI::App& cmd, CommonOptions& opts, bool with_tile = true);

/// --shard I/N, --resume, --mpi; run_scaled applies them and runs (`merge`: rank 0 under MPI); false: print nothing.
struct ScaleOptions {
    std::string shard;
    bool resume{false}, mpi{false};
};
void add_scale_options(CLI::App& cmd, ScaleOptions& opts);
bool run_scaled(const ScaleOptions& opts, pipeline::RunContext& rc, const std::function<void()>& run,
                const std::function<void()>& merge);

/// Option checks whose failure reads "--threads: must be at least 1 (got 0)" (CLI11 prefixes the option name);
/// help shows them as "N:POSITIVE". at_least is for whole numbers, positive for any number > 0.
[[nodiscard]] CLI::Validator at_least(std::int64_t min);
[[nodiscard]] CLI::Validator positive();

/// The pipeline's progress on the context's error stream, styled by --quiet and whether stderr is a terminal.
class CliProgress : public pipeline::ProgressObserver {
public:
    CliProgress(const CliContext& ctx, const CommonOptions& opts) : m_ctx(ctx), m_quiet(opts.quiet) {}
    void begin(std::string_view phase, std::int64_t total) override;
    void advance(std::int64_t done, std::int64_t total) override;
    void end() override;

private:
    const CliContext& m_ctx;
    bool m_quiet;
    std::unique_ptr<Progress> m_progress;
};

/// A progress reporter on the context's error stream, for work the CLI drives itself (`sample`).
[[nodiscard]] std::unique_ptr<Progress> make_progress(const CliContext& ctx, const CommonOptions& opts,
                                                      const std::string& label, std::int64_t total);

/// Runs `fn`, turning the pipeline's RequestError for a field in `flags` (field -> option name) into the same
/// message naming the option: "--tile: must be at least 1 (got 0)".
void with_flags(const std::map<std::string, std::string>& flags, const std::function<void()>& fn);

// One registration function per subcommand (each in its own file).
void add_survey_command(CLI::App& app, CliContext& ctx);
void add_indices_command(CLI::App& app, CliContext& ctx);
void add_sample_command(CLI::App& app, CliContext& ctx);
void add_habitat_command(CLI::App& app, CliContext& ctx);
void add_stock_command(CLI::App& app, CliContext& ctx);
void add_zonal_command(CLI::App& app, CliContext& ctx);
void add_parcels_command(CLI::App& app, CliContext& ctx);
void add_credits_command(CLI::App& app, CliContext& ctx);
void add_certify_commands(CLI::App& app, CliContext& ctx);  // keygen, certify, verify
void add_registry_command(CLI::App& app, CliContext& ctx);
void add_merge_command(CLI::App& app, CliContext& ctx);
void add_lots_command(CLI::App& app, CliContext& ctx);     // cmd_market.cpp
void add_auction_command(CLI::App& app, CliContext& ctx);  // cmd_market.cpp
void add_statement_command(CLI::App& app, CliContext& ctx);  // cmd_market.cpp
void add_report_command(CLI::App& app, CliContext& ctx);   // cmd_run.cpp
void add_run_command(CLI::App& app, CliContext& ctx);      // cmd_run.cpp

}  // namespace bluecarbon::cli
