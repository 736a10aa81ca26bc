// Several processes on one registry: writers killed at random moments, and 8 writers racing for the same ground.
// Each writer is a fork()ed child running the library (a process of its own, as the CLI would be).
#include "registry/registry_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace bluecarbon;
using namespace bluecarbon::registry;
using test::signed_rectangle;

TEST_CASE("writers killed with SIGKILL leave a registry that opens, audits and holds no partial issuance",
          "[registry][crash]") {
    test::TempDir dir("bluecarbon-crash");
    const auto path = dir / "crash.db";
    (void)Registry::create(path, "BCR", {test::registry_test_key().public_key()}, test::rectangle_options());
    // Non-overlapping parcels with two vintages each: an issuance is both blocks or neither. 600 are enough: once
    // they are issued the writers go on transferring, and the audit after each kill stays quick.
    std::vector<std::string> certs;
    for (int i = 0; i < 600; ++i) {
        const double x = (i % 60) * 200.0;
        const double y = (i / 60) * 200.0;
        certs.push_back(signed_rectangle("XS", "P-" + std::to_string(i), x, y, x + 100, y + 100, 5, {2023, 2024}));
    }
    // Odd trials issue from files in batches (issue_files: one transaction, a SAVEPOINT per certificate).
    std::vector<std::filesystem::path> files;
    for (std::size_t i = 0; i < certs.size(); ++i) {
        files.push_back(dir / ("c" + std::to_string(i) + ".json"));
        std::ofstream(files.back(), std::ios::binary) << certs[i];
    }
    std::mt19937 rng(20251203);
    // The delay counts from the moment the writer has opened the registry (it says so on a pipe), so kills land
    // among the writes on any machine, however slow the start (a sanitizer build on a loaded CI node).
    std::uniform_int_distribution<int> delay_us(0, 150000);
    // At least 50 kills must land while a writer runs (issue 14).
    constexpr int k_trials = 72;
    constexpr int k_kills_required = 50;
    int killed_while_running = 0;
    std::size_t parcels_after = 0;
    for (int trial = 0; trial < k_trials; ++trial) {
        CAPTURE(trial);
        int started[2];
        REQUIRE(::pipe(started) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(started[0]);
            int code = 0;
            try {
                Registry reg = Registry::open(path, test::rectangle_options());
                std::set<std::string> done;
                for (const auto& b : reg.list()) done.insert(b.parcel_id);
                const char go = 1;
                if (::write(started[1], &go, 1) != 1) ::_exit(4);
                int n = 0;
                std::vector<std::filesystem::path> batch;
                for (std::size_t i = 0; trial % 2 == 1 && i < files.size(); ++i) {
                    if (done.count("P-" + std::to_string(i))) continue;
                    batch.push_back(files[i]);
                    if (batch.size() == 40 || i + 1 == files.size()) {
                        for (const auto& o : reg.issue_files(batch, "", 2))
                            if (!o.refused.empty()) throw std::runtime_error(o.refused);
                        batch.clear();
                    }
                }
                for (int i = 0; trial % 2 == 0 && i < static_cast<int>(certs.size()); ++i) {
                    if (done.count("P-" + std::to_string(i))) continue;
                    const auto blocks = reg.issue(certs[static_cast<std::size_t>(i)], "c.json");
                    if (++n % 3 == 0) {  // splits too, so kills land in them as well
                        const Block moved = reg.transfer(blocks[0].serial, "buyer", 2);
                        reg.retire(moved.serial, 1, "beneficiary", "offset");
                    }
                }
                // Nothing left to issue: keep writing until the kill lands (whole held blocks passed between two
                // accounts, so the registry does not grow), and every trial's kill hits a writer at work however
                // fast the issuing went.
                for (bool moved_any = true; moved_any;) {
                    moved_any = false;
                    for (const auto& b : reg.list()) {
                        if (b.status != BlockStatus::held) continue;
                        (void)reg.transfer(b.serial, b.account == "ping" ? "pong" : "ping", b.quantity());
                        moved_any = true;
                    }
                }
            } catch (...) {
                code = 3;
            }
            ::_exit(code);
        }
        ::close(started[1]);
        char go = 0;
        const auto got = ::read(started[0], &go, 1);  // 0 bytes: the writer ended before writing (then it failed)
        ::close(started[0]);
        CHECK(got == 1);
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        if (WIFSIGNALED(status)) ++killed_while_running;
        CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) != 0));

        const Registry reg = Registry::open(path, test::rectangle_options());
        const AuditReport r = reg.audit();
        INFO(r.problem);
        REQUIRE(r.ok);
        std::map<std::string, std::set<std::string>> vintages;
        for (const auto& b : reg.list()) vintages[b.parcel_id].insert(b.vintage);
        for (const auto& [parcel, v] : vintages) {
            INFO(parcel);
            CHECK(v.size() == 2);
        }
        CHECK(vintages.size() >= parcels_after);
        parcels_after = vintages.size();
    }
    CHECK(killed_while_running >= k_kills_required);
    CHECK(parcels_after > 50);  // the writers got somewhere between kills
}

TEST_CASE("8 processes issuing overlapping certificates: one of each pair, disjoint gap-free serials",
          "[registry][concurrency]") {
    test::TempDir dir("bluecarbon-race");
    const auto path = dir / "race.db";
    (void)Registry::create(path, "BCR", {test::registry_test_key().public_key()}, test::rectangle_options());
    // 200 pieces of ground, each claimed by two projects (70 m × 70 m of overlap) handed to two different processes.
    constexpr int k_grounds = 200;
    constexpr int k_processes = 8;
    std::vector<std::vector<std::string>> work(k_processes);
    std::map<std::string, std::int64_t> credits;
    for (int g = 0; g < k_grounds; ++g) {
        const double x = (g % 20) * 300.0;
        const double y = (g / 20) * 300.0;
        const std::int64_t c = 1 + g % 7;
        credits["A-" + std::to_string(g)] = c;
        credits["B-" + std::to_string(g)] = c + 1;
        work[static_cast<std::size_t>(g % k_processes)].push_back(
            signed_rectangle("PA", "A-" + std::to_string(g), x, y, x + 100, y + 100, c));
        work[static_cast<std::size_t>((g + 3) % k_processes)].push_back(
            signed_rectangle("PB", "B-" + std::to_string(g), x + 30, y + 30, x + 130, y + 130, c + 1));
    }
    for (int p = 0; p < k_processes; ++p) {
        std::shuffle(work[static_cast<std::size_t>(p)].begin(), work[static_cast<std::size_t>(p)].end(),
                     std::mt19937(static_cast<unsigned>(p)));
    }
    int gate[2];
    REQUIRE(::pipe(gate) == 0);
    std::vector<pid_t> pids;
    for (int p = 0; p < k_processes; ++p) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(gate[1]);
            char c = 0;
            (void)!::read(gate[0], &c, 1);  // returns when the parent closes its end: all start together
            int code = 0;
            try {
                Registry reg = Registry::open(path, test::rectangle_options());
                for (const auto& cert : work[static_cast<std::size_t>(p)]) {
                    try {
                        reg.issue(cert, "c.json");
                    } catch (const RefusedError&) {
                        // the other claim to this ground won
                    }
                }
            } catch (...) {
                code = 4;
            }
            ::_exit(code);
        }
        pids.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);
    for (const pid_t pid : pids) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }

    const Registry reg = Registry::open(path, test::rectangle_options());
    const auto blocks = reg.list();
    std::set<std::string> issued;
    for (const auto& b : blocks) issued.insert(b.parcel_id);
    int a_won = 0;
    for (int g = 0; g < k_grounds; ++g) {
        const bool a = issued.count("A-" + std::to_string(g)) > 0;
        const bool b = issued.count("B-" + std::to_string(g)) > 0;
        CHECK(a != b);
        a_won += a ? 1 : 0;
    }
    CHECK(issued.size() == static_cast<std::size_t>(k_grounds));
    // Units 1..N exactly once: blocks (listed by first unit) follow each other without gap or overlap.
    std::int64_t next = 1;
    std::int64_t expected_units = 0;
    for (const auto& b : blocks) {
        CHECK(b.first == next);
        CHECK(b.quantity() == credits.at(b.parcel_id));
        next = b.last + 1;
        expected_units += credits.at(b.parcel_id);
    }
    CHECK(next - 1 == expected_units);
    const AuditReport r = reg.audit();
    INFO(r.problem);
    CHECK(r.ok);
    CHECK(r.units_issued == expected_units);
    WARN("project A won " << a_won << " of " << k_grounds << " contested grounds");
}
