// Temporary outputs of killed runs are removed; those of this process and of live processes stay.
#include <bluecarbon/io/stale_temporaries.hpp>

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {
// The pid of a process that has exited and been reaped: no process of that id exists now.
long dead_pid() {
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return static_cast<long>(child);
}
void touch(const fs::path& p) {
    std::ofstream(p) << "x";
}
} // namespace

TEST_CASE("temporary file names give their pid", "[io][temporaries]") {
    CHECK(temporary_file_pid(".stock_agb.4242.7.tmp.tif") == 4242);
    CHECK(temporary_file_pid(".stock_agb.4242.7.tmp.tif.ovr.tmp") == 4242); // GDAL's overview side file
    CHECK(temporary_file_pid(".stock_summary.15.0.tmp.csv") == 15);
    CHECK(temporary_file_pid(".v1.2.99.3.tmp.tif") == 99); // a stem with dots and digits of its own
    CHECK(temporary_file_pid(".write-test.8.1.tmp") == 8);
    CHECK(temporary_file_pid("stock_agb.4242.7.tmp.tif") == 0); // not hidden: a user's file
    CHECK(temporary_file_pid(".stock_agb.tif") == 0);
    CHECK(temporary_file_pid(".notes.tmp") == 0);
    CHECK(temporary_file_pid(".a.x.7.tmp.tif") == 0);
}

TEST_CASE("stale temporaries of dead processes are removed and nothing else", "[io][temporaries]") {
    test::TempDir dir("bc-stale");
    const long dead = dead_pid();
    const long self = static_cast<long>(::getpid());
    const long parent = static_cast<long>(::getppid()); // alive while this test runs
    const auto name = [](long pid, const std::string& tail) { return ".stock_agb." + std::to_string(pid) + tail; };
    touch(dir / name(dead, ".3.tmp.tif"));
    touch(dir / name(dead, ".3.tmp.tif.ovr.tmp"));
    touch(dir / name(self, ".4.tmp.tif"));
    touch(dir / name(parent, ".5.tmp.tif"));
    touch(dir / "stock_agb.tif");
    touch(dir / ("keep." + std::to_string(dead) + ".1.tmp.tif")); // not hidden: not ours
    fs::create_directories(dir / "sub");
    touch(dir / "sub" / name(dead, ".6.tmp.tif")); // subfolders are not searched

    CHECK(remove_stale_temporaries(dir.path()) == 2);
    CHECK_FALSE(fs::exists(dir / name(dead, ".3.tmp.tif")));
    CHECK_FALSE(fs::exists(dir / name(dead, ".3.tmp.tif.ovr.tmp")));
    CHECK(fs::exists(dir / name(self, ".4.tmp.tif")));
    CHECK(fs::exists(dir / name(parent, ".5.tmp.tif")));
    CHECK(fs::exists(dir / "stock_agb.tif"));
    CHECK(fs::exists(dir / ("keep." + std::to_string(dead) + ".1.tmp.tif")));
    CHECK(fs::exists(dir / "sub" / name(dead, ".6.tmp.tif")));
    CHECK(remove_stale_temporaries(dir / "missing") == 0);
}
