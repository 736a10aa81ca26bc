#pragma once
/// What every subcommand shares: the output streams, and the common options (--threads, --tile, --json,
/// --quiet) declared once here so their help text and checks are the same everywhere.
#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>

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

/// The codec and compression level the sinks write with.
struct CompressionChoice {
    Compression codec{Compression::deflate};
    int level{0};
};

/// The command line's codec and level, else `project_codec` / `project_level`. Level 0 (none given anywhere)
/// becomes `deflate_level` for DEFLATE (0 leaves GDAL's default, 6) and 1 for ZSTD (its fastest level; GDAL's
/// default, 9, is slower to write). Throws ConfigError when the level is outside the codec's range.
[[nodiscard]] CompressionChoice choose_compression(const CompressionOptions& cli, const std::string& project_codec,
                                                   int project_level, int deflate_level);

/// Adds --threads, --json and --quiet (and --tile when `with_tile`) to `cmd`, bound to `opts`.
void add_common_options(CLI::App& cmd, CommonOptions& opts, bool with_tile = true);

/// Option checks whose failure reads "--threads: must be at least 1 (got 0)" (CLI11 prefixes the option name);
/// help shows them as "N:POSITIVE". at_least is for whole numbers, positive for any number > 0.
[[nodiscard]] CLI::Validator at_least(std::int64_t min);
[[nodiscard]] CLI::Validator positive();

/// A progress reporter on the context's error stream, styled by --quiet and whether stderr is a terminal.
[[nodiscard]] std::unique_ptr<Progress> make_progress(const CliContext& ctx, const CommonOptions& opts,
                                                      const std::string& label, std::int64_t total);

// One registration function per subcommand (each in its own file).
void add_survey_command(CLI::App& app, CliContext& ctx);
void add_indices_command(CLI::App& app, CliContext& ctx);
void add_sample_command(CLI::App& app, CliContext& ctx);
void add_habitat_command(CLI::App& app, CliContext& ctx);
void add_stock_command(CLI::App& app, CliContext& ctx);

}  // namespace bluecarbon::cli
