#pragma once
#include "cli/cli_context.hpp"

namespace bluecarbon::cli {
/// `invest cbc` and `invest carbon`.
void add_invest_command(CLI::App& app, CliContext& ctx);
}  // namespace bluecarbon::cli
