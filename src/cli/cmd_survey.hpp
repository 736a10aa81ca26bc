#pragma once
// Private to the survey subcommands (cmd_survey*.cpp): their registration under `bluecarbon survey`.
#include "cli/cli_context.hpp"

namespace bluecarbon::cli {

// `bluecarbon survey cores`.
void add_survey_cores_command(CLI::App& survey, CliContext& ctx);
// `bluecarbon survey calibrate project.toml`.
void add_survey_calibrate_command(CLI::App& survey, CliContext& ctx);

}  // namespace bluecarbon::cli
