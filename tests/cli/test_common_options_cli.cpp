// The shared numeric options reject bad counts with a message that says what is wanted (not CLI11's generic
// "not in range" text) and exit code 2, in process and from the real executable.
#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> indices_args(const TempDir& dir) {
    return {"indices", "--input", (dir / "refl.tif").string(), "--bands", "green=1,red=2,nir=3,swir1=4",
            "--index", "ndvi",    "--out",                      (dir / "out").string(), "--quiet"};
}

// Runs the built executable through the shell, stdout and stderr captured in files under `dir`.
CliResult run_exe(const TempDir& dir, const std::vector<std::string>& args) {
    std::string cmd = std::string("'") + k_bluecarbon_exe + "'";
    for (const auto& a : args) cmd += " '" + a + "'";  // no argument here holds a single quote
    cmd += " >'" + (dir / "stdout.txt").string() + "' 2>'" + (dir / "stderr.txt").string() + "'";
    const int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    const auto slurp = [](const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    };
    return {WEXITSTATUS(status), slurp(dir / "stdout.txt"), slurp(dir / "stderr.txt")};
}

void check_usage_error(const CliResult& r, const std::string& message) {
    INFO("stderr: " << r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains(message));
    CHECK_THAT(r.err, !Contains("not in range") && !Contains("e+308"));
    CHECK(error_lines(r.err).size() == 1);
}

}  // namespace

TEST_CASE("indices --threads -1 and --tile 0 say what they must be", "[cli][options][bad-input]") {
    TempDir dir;
    write_reflectance(dir / "refl.tif", ReflectanceFixture{});
    const std::vector<std::pair<std::string, std::string>> cases{
        {"--threads", "-1"}, {"--tile", "0"}, {"--tile", "-256"}, {"--threads", "two"}};
    for (const auto& [option, value] : cases) {
        auto args = indices_args(dir);
        args.insert(args.end(), {option, value});
        const std::string expected = value == "two" ? option + ": must be a whole number (got two)"
                                                    : option + ": must be at least " +
                                                          (option == "--threads" ? "0" : "1") + " (got " + value + ")";
        INFO(option << " " << value);
        check_usage_error(run(args), expected);
        check_usage_error(run_exe(dir, args), expected);
        CHECK(files_in(dir / "out").empty());
    }
}

TEST_CASE("valid --threads and --tile still run", "[cli][options]") {
    TempDir dir;
    write_reflectance(dir / "refl.tif", ReflectanceFixture{});
    auto args = indices_args(dir);
    args.insert(args.end(), {"--threads", "1", "--tile", "64"});
    const auto r = run(args);
    INFO("stderr: " << r.err);
    CHECK(r.code == 0);
    CHECK(fs::exists(dir / "out" / "ndvi.tif"));
}

TEST_CASE("survey calibrate --radius-m 0 says it must be greater than 0", "[cli][options][bad-input]") {
    TempDir dir;
    check_usage_error(run({"survey", "calibrate", (dir / "project.toml").string(), "--radius-m", "0"}),
                      "--radius-m: must be greater than 0 (got 0)");
    check_usage_error(run({"survey", "calibrate", (dir / "project.toml").string(), "--radius-m", "-5"}),
                      "--radius-m: must be greater than 0 (got -5)");
}
