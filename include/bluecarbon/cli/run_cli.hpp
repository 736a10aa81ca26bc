#pragma once
/// The command line as a library function: `main` only forwards argv here, and tests call it in-process.
#include <iosfwd>
#include <string>
#include <vector>

namespace bluecarbon {

/// Runs `bluecarbon <args...>` (args exclude the program name). Writes results and --json to `out`,
/// progress and errors to `err`. Returns the exit code: 0 ok, 1 failed run, 2 bad usage or bad input.
/// `err_is_terminal` selects a redrawn progress bar instead of percentage lines.
[[nodiscard]] int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                          bool err_is_terminal = false);

}  // namespace bluecarbon
