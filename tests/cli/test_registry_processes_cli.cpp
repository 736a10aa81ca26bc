// Concurrency through the real executable: 8 `bluecarbon registry issue` processes started together on 400
// certificates, every site claimed by two overlapping parcels of two projects handed to different processes.
#include "cli/certify_cli_fixture.hpp"
#include "test_config.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>

using namespace bluecarbon;
using namespace bluecarbon::test;
using nlohmann::json;

namespace {

/// Starts the executable with `args`, output discarded; returns its pid.
pid_t spawn(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(k_bluecarbon_exe));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execv(k_bluecarbon_exe, argv.data());
        ::_exit(127);
    }
    return pid;
}

}  // namespace

TEST_CASE("8 CLI processes issue 400 overlapping certificates: one per site and gap-free serials",
          "[cli][registry][processes]") {
    TempDir dir("bc-registry-procs");
    const SigningKey key(dir / "key");
    const std::string db = (dir / "reg.db").string();
    REQUIRE(run({"registry", "init", db, "--name", "BC", "--trust", key.pub()}).code == 0);

    // Site s: parcel a<s> of project PA on [1000 s, 1000 s + 100] and b<s> of PB on [1000 s + 50, 1000 s + 150]
    // (y 0-100): they overlap by 50 × 100 = 5000 m², far beyond the tolerance; sites do not touch each other.
    constexpr int k_sites = 200;
    constexpr int k_processes = 8;
    std::vector<std::vector<std::string>> args(k_processes, std::vector<std::string>{"registry", "issue", db});
    std::map<std::string, std::int64_t> credits;
    for (int s = 0; s < k_sites; ++s) {
        const double x = 1000.0 * s;
        const std::int64_t c = 1 + s % 5;
        const std::string a = "a" + std::to_string(s), b = "b" + std::to_string(s);
        args[(2 * s) % k_processes].push_back(write_certificate(dir / a, key.key, "PA", a, x, 0, x + 100, 100, c));
        args[(2 * s + 1) % k_processes].push_back(write_certificate(dir / b, key.key, "PB", b, x + 50, 0, x + 150, 100,
                                                                    c));
        credits[a] = credits[b] = c;
    }
    std::vector<pid_t> pids;
    for (const auto& a : args) pids.push_back(spawn(a));  // started together: each races the others for the lock
    for (const pid_t pid : pids) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        CHECK((WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2));  // 2: some of its certificates refused
    }

    const auto list = run({"registry", "list", db, "--json"});
    REQUIRE(list.code == 0);
    const json blocks = json::parse(list.out)["blocks"];
    std::set<std::string> issued;
    std::int64_t next = 1;
    std::int64_t units = 0;
    for (const auto& b : blocks) {  // listed by first unit
        const std::string parcel = b["parcel_id"];
        CHECK(issued.insert(parcel).second);
        CHECK(b["first"] == next);  // disjoint and gap-free
        CHECK(b["quantity"] == credits[parcel]);
        next = b["last"].get<std::int64_t>() + 1;
        units += b["quantity"].get<std::int64_t>();
    }
    for (int s = 0; s < k_sites; ++s) {
        INFO("site " << s);
        CHECK(issued.count("a" + std::to_string(s)) + issued.count("b" + std::to_string(s)) == 1);
    }
    const auto audit = run({"registry", "audit", db, "--json"});
    CHECK(audit.code == 0);
    CHECK(json::parse(audit.out)["audit"]["units_issued"] == units);
}
