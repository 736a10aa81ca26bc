#pragma once
// Private to the survey subcommands (cmd_survey*.cpp): staged output files, the allometry tables, input hashes and
// the calibrate subcommand's registration.
#include "cli/cli_context.hpp"

#include <bluecarbon/science/survey/allometry.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bluecarbon::cli {

// All-or-nothing output: add() keeps the text; commit() writes every file under a temporary name through one
// io OutputTransaction and renames them all only when every one is written (a failure leaves nothing behind).
class StagedOutputs {
  public:
    explicit StagedOutputs(std::filesystem::path dir) : m_dir(std::move(dir)) {}

    void add(const std::string& name, std::string text) { m_files.emplace_back(name, std::move(text)); }
    // Creates the folder if needed (InputError when it is not writable), writes, renames; returns the final paths.
    std::vector<std::filesystem::path> commit();

  private:
    std::filesystem::path m_dir;
    std::vector<std::pair<std::string, std::string>> m_files;
};

// The shipped data/allometry.csv with `extra` tables in front (their rows win species/genus ties). Equation
// names must be unique across tables.
[[nodiscard]] science::survey::AllometryTable load_allometry_tables(const std::vector<std::filesystem::path>& extra);

// SHA-256 (FIPS 180-4) as 64 lower-case hex digits.
[[nodiscard]] std::string sha256_hex(std::string_view data);
// SHA-256 of a file's bytes, streamed. Throws InputError when it cannot be read.
[[nodiscard]] std::string sha256_file_hex(const std::filesystem::path& path);

// `bluecarbon survey calibrate project.toml`.
void add_survey_calibrate_command(CLI::App& survey, CliContext& ctx);

}  // namespace bluecarbon::cli
