#include <bluecarbon/core/sha256.hpp>

#include "registry/registry_fixture.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>

using namespace bluecarbon;
using namespace bluecarbon::registry;
using test::signed_rectangle;

namespace {
std::int64_t event_count(const std::filesystem::path& db) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "SELECT count(*) FROM events", -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const std::int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return n;
}
void sql(const std::filesystem::path& db, const char* statement) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(h, statement, nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    sqlite3_close(h);
    REQUIRE(rc == SQLITE_OK);
}
}  // namespace

TEST_CASE("issued blocks are numbered registry-wide and record their certificate", "[registry]") {
    test::RegistryFixture f;
    const std::string a = signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10, {2023, 2024});
    const auto blocks = f.reg.issue(a, "a.json", "VCS-1234-0001");
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0].serial == "BCR-XS-2023-1-10");
    CHECK(blocks[1].serial == "BCR-XS-2024-11-20");
    CHECK(blocks[0].certificate_sha256 == sha256_hex(a));
    CHECK(blocks[0].external_serial == "VCS-1234-0001");
    CHECK(blocks[0].account == "Ningbo Xiangshan fishery cooperative");
    const auto more = f.reg.issue(signed_rectangle("NB-7", "Q-1", 500, 0, 600, 100, 7), "b.json");
    REQUIRE(more.size() == 1);
    CHECK(more[0].serial == "BCR-NB-7-2024-21-27");  // a project id with '-' still reads back
    const auto shown = f.reg.show("BCR-NB-7-2024-21-27");
    REQUIRE(shown.size() == 1);
    CHECK(shown[0].parcel_id == "Q-1");
    CHECK(f.reg.show("P-1").size() == 2);
    CHECK(f.reg.list().size() == 3);
    CHECK_THROWS_AS(f.reg.show("BCR-NB-7-2024-21-26"), InputError);
    // Reopened, the same.
    const Registry again = Registry::open(f.path, test::rectangle_options());
    CHECK(again.code() == "BCR");
    CHECK(again.list().size() == 3);
    CHECK(again.audit().ok);
}

TEST_CASE("the same parcel and vintage is never issued twice, and a refusal changes nothing", "[registry]") {
    test::RegistryFixture f;
    f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100), "a.json");
    const auto before = event_count(f.path);
    // Another certificate for the same parcel and vintage (other numbers, other geometry far away).
    CHECK_THROWS_WITH(f.reg.issue(signed_rectangle("XS", "P-1", 5000, 0, 5100, 100, 3), "again.json"),
                      Catch::Contains("again.json") && Catch::Contains("issued before as BCR-XS-2024-1-10"));
    CHECK_THROWS_AS(f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100), "a.json"), RefusedError);
    CHECK(event_count(f.path) == before);
    CHECK(f.reg.list().size() == 1);
    // Another vintage of the same parcel is fine, and numbering carries on.
    CHECK(f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100, 5, {2025}), "b.json")[0].serial ==
          "BCR-XS-2025-11-15");
    CHECK(f.reg.audit().ok);
}

// Tolerance = max(1 m², 0.1 % of the smaller parcel): 100 m × 100 m parcels tolerate 10 m², 10 m × 10 m ones 1 m².
TEST_CASE("overlapping parcels of any project are refused beyond the tolerance, naming the other block", "[registry]") {
    test::RegistryFixture f;
    f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100), "p1.json");
    // 100 × 0.5 = 50 m² of overlap: refused, naming the block.
    CHECK_THROWS_WITH(f.reg.issue(signed_rectangle("OTHER", "Z-9", 99.5, 0, 199.5, 100), "z9.json"),
                      Catch::Contains("z9.json") && Catch::Contains("overlaps block BCR-XS-2024-1-10") &&
                          Catch::Contains("project XS, parcel P-1"));
    // 100 × 0.05 = 5 m² ≤ 10 m²: a sliver, issued.
    CHECK_NOTHROW(f.reg.issue(signed_rectangle("OTHER", "Z-8", 99.95, 0, 199.95, 100), "z8.json"));
    // Sharing an edge exactly: no overlap.
    CHECK_NOTHROW(f.reg.issue(signed_rectangle("OTHER", "Z-7", 0, 100, 100, 200), "z7.json"));
    // Small parcels: 10 × 0.08 = 0.8 m² passes, 10 × 0.15 = 1.5 m² does not.
    f.reg.issue(signed_rectangle("S", "s1", 1000, 0, 1010, 10), "s1.json");
    CHECK_NOTHROW(f.reg.issue(signed_rectangle("S", "s2", 1009.92, 0, 1019.92, 10), "s2.json"));
    CHECK_THROWS_AS(f.reg.issue(signed_rectangle("T", "t1", 1000, 9.85, 1010, 19.85), "t1.json"), RefusedError);
    // The same ground for a period that does not overlap is another matter.
    CHECK_NOTHROW(f.reg.issue(signed_rectangle("OTHER", "Z-9", 99.5, 0, 199.5, 100, 10, {2026}), "z9b.json"));
    CHECK(f.reg.audit().ok);
}

TEST_CASE("a parcel whose units are all cancelled frees its ground; serials are never reused", "[registry]") {
    test::RegistryFixture f;
    f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10), "p1.json");
    const std::string rival = signed_rectangle("NB", "N-1", 50, 50, 150, 150, 4);
    CHECK_THROWS_AS(f.reg.issue(rival, "n1.json"), RefusedError);
    const Block part = f.reg.cancel("BCR-XS-2024-1-10", 6, "reversal");
    CHECK(part.serial == "BCR-XS-2024-1-6");
    CHECK(part.status == BlockStatus::cancelled);
    CHECK_THROWS_AS(f.reg.issue(rival, "n1.json"), RefusedError);  // units 7-10 still stand on the ground
    f.reg.cancel("BCR-XS-2024-7-10", 4, "reversal");
    const auto issued = f.reg.issue(rival, "n1.json");
    CHECK(issued[0].serial == "BCR-NB-2024-11-14");  // units 1-10 are not handed out again
    CHECK(f.reg.audit().ok);
}

TEST_CASE("only certificates signed by a trusted key and intact are issued", "[registry]") {
    test::RegistryFixture f;
    const certify::PrivateKey other = certify::PrivateKey::generate();
    const std::string by_other = signed_rectangle("XS", "P-2", 0, 0, 10, 10, 3, {2024}, other);
    CHECK_THROWS_WITH(f.reg.issue(by_other, "other.json"),
                      Catch::Contains("other.json") && Catch::Contains(other.public_key().key_id()) &&
                          Catch::Contains("does not trust"));
    f.reg.trust(other.public_key());
    CHECK(f.reg.trusted_keys().size() == 2);
    CHECK_NOTHROW(f.reg.issue(by_other, "other.json"));
    f.reg.untrust(other.public_key().key_id());
    CHECK_THROWS_AS(f.reg.issue(signed_rectangle("XS", "P-3", 20, 0, 30, 10, 3, {2024}, other), "o3.json"),
                    RefusedError);
    CHECK_THROWS_AS(f.reg.untrust(other.public_key().key_id()), InputError);
    // A flipped byte in the certificate.
    std::string bad = signed_rectangle("XS", "P-4", 40, 0, 50, 10);
    bad[bad.size() / 2] ^= 0x01;
    CHECK_THROWS_WITH(f.reg.issue(bad, "bad.json"), Catch::Contains("bad.json") && Catch::Contains("invalid"));
    CHECK(f.reg.audit().ok);
}

TEST_CASE("transfer, retirement and cancellation split blocks; retired units never move", "[registry]") {
    test::RegistryFixture f;
    f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10), "p1.json");
    const Block moved = f.reg.transfer("BCR-XS-2024-1-10", "buyer-A", 4);
    CHECK(moved.serial == "BCR-XS-2024-1-4");
    CHECK(moved.account == "buyer-A");
    const Block retired = f.reg.retire("BCR-XS-2024-1-4", 3, "Ningbo Port Group", "2025 offsetting");
    CHECK(retired.serial == "BCR-XS-2024-1-3");
    CHECK(retired.status == BlockStatus::retired);
    const auto blocks = f.reg.list();
    REQUIRE(blocks.size() == 3);
    CHECK(blocks[0].serial == "BCR-XS-2024-1-3");
    CHECK(blocks[0].beneficiary == "Ningbo Port Group");
    CHECK(blocks[1].serial == "BCR-XS-2024-4-4");
    CHECK(blocks[1].account == "buyer-A");
    CHECK(blocks[2].serial == "BCR-XS-2024-5-10");
    CHECK(blocks[2].account == "Ningbo Xiangshan fishery cooperative");

    const auto before = event_count(f.path);
    CHECK_THROWS_WITH(f.reg.retire("BCR-XS-2024-5-10", 7, "x", "y"), Catch::Contains("holds 6 units, fewer than 7"));
    CHECK_THROWS_WITH(f.reg.retire("BCR-XS-2024-1-3", 1, "x", "again"), Catch::Contains("retired units never move"));
    CHECK_THROWS_WITH(f.reg.transfer("BCR-XS-2024-1-3", "buyer-B", 1), Catch::Contains("retired units never move"));
    CHECK_THROWS_AS(f.reg.cancel("BCR-XS-2024-1-3", 1, "x"), RefusedError);
    CHECK_THROWS_AS(f.reg.transfer("BCR-XS-2024-1-10", "buyer-B", 1), InputError);  // split: that serial is gone
    CHECK_THROWS_AS(f.reg.transfer("BCR-XS-2024-5-10", "buyer-B", 0), InputError);
    CHECK_THROWS_AS(f.reg.transfer("BCR-XS-2024-4-4", "buyer-A", 1), RefusedError);
    CHECK(event_count(f.path) == before);
    // A whole block retires without splitting.
    CHECK(f.reg.retire("BCR-XS-2024-5-10", 6, "b", "r").serial == "BCR-XS-2024-5-10");
    const AuditReport r = f.reg.audit();
    CHECK(r.ok);
    CHECK(r.units_issued == 10);
    CHECK(r.units_retired == 9);
    CHECK(r.units_held == 1);
}

TEST_CASE("a file that is not a registry, or of another schema version, is refused", "[registry]") {
    test::TempDir dir("bluecarbon-registry");
    std::ofstream(dir / "text.db") << "hello, this is not a database at all, just some words to fill a page\n";
    CHECK_THROWS_WITH(Registry::open(dir / "text.db"), Catch::Contains("text.db") && Catch::Contains("not a"));
    sql(dir / "other.db", "CREATE TABLE t(x)");
    CHECK_THROWS_WITH(Registry::open(dir / "other.db"), Catch::Contains("not a bluecarbon registry"));
    CHECK_THROWS_AS(Registry::open(dir / "missing.db"), InputError);
    {
        const auto r = Registry::create(dir / "r.db", "BCR", {}, test::rectangle_options());
        CHECK_THROWS_AS(Registry::create(dir / "r.db", "BCR", {}), InputError);
    }
    sql(dir / "r.db", "UPDATE schema_version SET version = 2");
    CHECK_THROWS_WITH(Registry::open(dir / "r.db"), Catch::Contains("schema version 2"));
    CHECK_THROWS_AS(Registry::create(dir / "bad.db", "B-R", {}), InputError);
}

TEST_CASE("closing the last connection leaves no registry.db-wal or -shm: read-only or not", "[registry]") {
    const auto leftovers = [](const std::filesystem::path& db) {
        return std::filesystem::exists(db.string() + "-wal") || std::filesystem::exists(db.string() + "-shm");
    };
    test::RegistryFixture f;
    f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100), "p1.json");
    CHECK(leftovers(f.path));  // WAL mode: the two files exist while a connection is open
    {
        const Registry closing = std::move(f.reg);
    }
    CHECK_FALSE(leftovers(f.path));  // the writer closed last: checkpointed and removed
    auto opts = test::rectangle_options();
    opts.read_only = true;
    {
        const Registry ro = Registry::open(f.path, opts);
        CHECK(ro.list().size() == 1);
        CHECK(leftovers(f.path));
    }
    CHECK_FALSE(leftovers(f.path));  // a reader closed last (SQLITE_OPEN_READONLY left both files here)
}

TEST_CASE("a registry made read-only in the middle of a change rolls back and still audits", "[registry]") {
    test::RegistryFixture f;
    f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100), "p1.json");
    const auto before = event_count(f.path);
    {
        auto opts = test::rectangle_options();
        // The issuance rows are written by now; the connection turns read-only before the event and the commit.
        opts.fault_hook = [](sqlite3* db) { sqlite3_exec(db, "PRAGMA query_only = 1", nullptr, nullptr, nullptr); };
        Registry ro = Registry::open(f.path, opts);
        CHECK_THROWS_WITH(ro.issue(signed_rectangle("XS", "P-2", 200, 0, 300, 100), "p2.json"),
                          Catch::Contains("read-only"));
    }
    CHECK(event_count(f.path) == before);
    CHECK(f.reg.list().size() == 1);
    CHECK(f.reg.audit().ok);
    // Opened read-only from the start: refused, unchanged.
    {
        auto opts = test::rectangle_options();
        opts.read_only = true;
        Registry ro = Registry::open(f.path, opts);
        CHECK(ro.audit().ok);
        CHECK_THROWS_WITH(ro.issue(signed_rectangle("XS", "P-2", 200, 0, 300, 100), "p2.json"),
                          Catch::Contains("read-only"));
    }
    CHECK(event_count(f.path) == before);
    // Writable again, the same certificate issues with the next units.
    CHECK(f.reg.issue(signed_rectangle("XS", "P-2", 200, 0, 300, 100), "p2.json")[0].serial == "BCR-XS-2024-11-20");
    CHECK(f.reg.audit().ok);
}
