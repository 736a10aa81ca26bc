#include <bluecarbon/cli/run_cli.hpp>

#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    return bluecarbon::run_cli(args, std::cout, std::cerr, isatty(STDERR_FILENO) != 0);
}
