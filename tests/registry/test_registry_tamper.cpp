#include <bluecarbon/core/sha256.hpp>

#include "registry/registry_fixture.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::registry;
using test::signed_rectangle;
namespace fs = std::filesystem;

namespace {

/// A registry with every kind of event, closed (checkpointed) so the file alone holds it.
struct TamperBase {
    test::TempDir dir{"bluecarbon-tamper"};
    fs::path base{dir / "base.db"};
    std::int64_t events{0};
    TamperBase() {
        auto reg = Registry::create(base, "BCR", {test::registry_test_key().public_key()}, test::rectangle_options());
        reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10, {2023, 2024}), "p1.json");
        reg.issue(signed_rectangle("NB", "N-1", 200, 0, 300, 100, 6), "n1.json", "CCER-001");
        reg.transfer("BCR-XS-2023-1-10", "buyer-A", 4);
        reg.retire("BCR-XS-2023-1-4", 2, "Ningbo Port Group", "offset 2025");
        reg.cancel("BCR-NB-2024-21-26", 6, "reversal");
        const auto other = certify::PrivateKey::generate();
        reg.trust(other.public_key());
        reg.untrust(other.public_key().key_id());
        const AuditReport r = reg.audit();
        REQUIRE(r.ok);
        events = r.events;
        REQUIRE(events == 9);
    }
    /// A fresh copy of the base registry with `edit` applied through SQL, then audited.
    AuditReport tampered(const std::function<void(sqlite3*)>& edit) const {
        const fs::path copy = dir / "copy.db";
        fs::remove(copy);
        fs::copy_file(base, copy);
        sqlite3* h = nullptr;
        REQUIRE(sqlite3_open(copy.c_str(), &h) == SQLITE_OK);
        edit(h);
        sqlite3_close(h);
        return Registry::open(copy, test::rectangle_options()).audit();
    }
};

void exec(sqlite3* h, const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
    INFO(sql << ": " << (err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
    REQUIRE(sqlite3_changes(h) > 0);
}

struct EventRow {
    std::int64_t seq;
    std::string body, prev, hash;
};

std::vector<EventRow> read_events(sqlite3* h) {
    std::vector<EventRow> rows;
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "SELECT seq, body, prev_hash, hash FROM events ORDER BY seq", -1, &s, nullptr) ==
            SQLITE_OK);
    auto text = [&s](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c))); };
    while (sqlite3_step(s) == SQLITE_ROW) rows.push_back({sqlite3_column_int64(s, 0), text(1), text(2), text(3)});
    sqlite3_finalize(s);
    return rows;
}

void write_event(sqlite3* h, const EventRow& e) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "UPDATE events SET body = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4", -1, &s,
                               nullptr) == SQLITE_OK);
    sqlite3_bind_text(s, 1, e.body.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, e.prev.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, e.hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, e.seq);
    REQUIRE(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
}

}  // namespace

TEST_CASE("audit finds an edit to any column of any event row, at that row", "[registry][tamper]") {
    const TamperBase b;
    const std::string flip_first =
        "(CASE substr(%1,1,1) WHEN '0' THEN '1' ELSE '0' END) || substr(%1,2)";  // another hex digit
    for (std::int64_t seq = 1; seq <= b.events; ++seq) {
        CAPTURE(seq);
        const std::string where = " WHERE seq = " + std::to_string(seq);
        // One character of the body changed (a digit or letter moved by one).
        auto r = b.tampered([&](sqlite3* h) {
            exec(h, "UPDATE events SET body = substr(body, 1, 20) || char(unicode(substr(body, 21, 1)) + 1) || "
                    "substr(body, 22)" + where);
        });
        CHECK_FALSE(r.ok);
        CHECK(r.first_bad_event == seq);
        for (const char* column : {"hash", "prev_hash"}) {
            CAPTURE(column);
            std::string expr = flip_first;
            for (auto at = expr.find("%1"); at != std::string::npos; at = expr.find("%1")) expr.replace(at, 2, column);
            r = b.tampered(
                [&](sqlite3* h) { exec(h, std::string("UPDATE events SET ") + column + " = " + expr + where); });
            CHECK_FALSE(r.ok);
            CHECK(r.first_bad_event == seq);
        }
        // A deleted row: the next row no longer follows (or, for the last, the tables no longer match the log).
        r = b.tampered([&](sqlite3* h) { exec(h, "DELETE FROM events" + where); });
        CHECK_FALSE(r.ok);
        if (seq < b.events) CHECK(r.first_bad_event == seq + 1);
        else CHECK(!r.problem.empty());
    }
}

TEST_CASE("a rewritten hash chain still disagrees with the tables", "[registry][tamper]") {
    const TamperBase b;
    // The retirement (event 6) now retires 1 unit instead of 2, and every hash from there is recomputed.
    const auto r = b.tampered([](sqlite3* h) {
        auto rows = read_events(h);
        REQUIRE(rows.size() == 9);
        auto& e = rows[5];
        const auto at = e.body.find("\"quantity\":2");
        REQUIRE(at != std::string::npos);
        e.body.replace(at, 12, "\"quantity\":1");
        for (std::size_t i = 5; i < rows.size(); ++i) {
            rows[i].prev = rows[i - 1].hash;
            rows[i].hash = sha256_hex(rows[i].prev + rows[i].body);
            write_event(h, rows[i]);
        }
    });
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.first_bad_event);
    CHECK(r.problem.find("table blocks") != std::string::npos);
}

TEST_CASE("audit finds an edit to any balance or registry table", "[registry][tamper]") {
    const TamperBase b;
    const std::vector<std::string> edits = {
        "UPDATE blocks SET last = last - 1 WHERE first = (SELECT max(first) FROM blocks)",
        "UPDATE blocks SET status = 'held' WHERE status = 'retired'",
        "UPDATE blocks SET status = 'retired' WHERE status = 'cancelled'",
        "UPDATE blocks SET account = 'thief' WHERE account = 'buyer-A'",
        "UPDATE blocks SET beneficiary = 'someone else' WHERE status = 'retired'",
        "DELETE FROM blocks WHERE first = 5",
        // Units moved between neighbouring blocks: every issuance still balances, but not as the log says.
        "UPDATE blocks SET last = 5 WHERE first = 3; UPDATE blocks SET first = 6 WHERE first = 5",
        "UPDATE counters SET value = value - 1",
        "UPDATE counters SET value = value + 5",
        "UPDATE issuances SET last = last + 1 WHERE first = 21",
        "UPDATE issuances SET cancelled = 0 WHERE cancelled = 1",
        "UPDATE issuances SET certificate_sha256 = 'x' WHERE first = 1",
        "UPDATE issuances SET external_serial = 'CCER-002' WHERE first = 21",
        "UPDATE issuances SET wkb = zeroblob(93) WHERE first = 1",
        "UPDATE issuances SET owner = 'thief' WHERE first = 11",
        "UPDATE issuance_bbox SET min_x = min_x + 100 WHERE id = 1",
        "INSERT INTO trusted_keys(key_id, public_key) VALUES('ab', 'cd')",
        "DELETE FROM trusted_keys",
        "UPDATE registry_meta SET value = 'XXX' WHERE key = 'registry'",
    };
    for (const auto& edit : edits) {
        CAPTURE(edit);
        const auto r = b.tampered([&](sqlite3* h) { exec(h, edit); });
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.first_bad_event);
        CHECK(!r.problem.empty());
        INFO(r.problem);
    }
}
