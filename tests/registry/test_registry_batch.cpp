// issue_files: certificates checked side by side, issued in order, each all or nothing (a SAVEPOINT inside the
// batch's transaction); a refusal stops nothing, any other failure rolls back its whole batch.
#include <bluecarbon/core/sha256.hpp>

#include "registry/registry_fixture.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>

using namespace bluecarbon;

TEST_CASE("issue_files issues in the given order and reports each refusal in its place", "[registry]") {
    test::RegistryFixture f;
    std::vector<std::filesystem::path> files;
    const auto add = [&](const std::string& name, const std::string& bytes) {
        files.push_back(f.dir / name);
        std::ofstream(files.back(), std::ios::binary) << bytes;
    };
    // Ten 100 m squares side by side (touching, not overlapping), 1..10 credits; then a copy of the third, and a
    // square over half of the fifth.
    for (int i = 0; i < 10; ++i)
        add("c" + std::to_string(i), test::signed_rectangle("XS", "P" + std::to_string(i), 100.0 * i, 0,
                                                            100.0 * i + 100, 100, i + 1));
    add("again", test::signed_rectangle("XS", "P2", 200, 0, 300, 100, 3));
    add("over", test::signed_rectangle("OT", "Q", 450, 0, 550, 100, 4));
    const auto out = f.reg.issue_files(files, "", 3);
    REQUIRE(out.size() == 12);
    std::int64_t next = 1;
    for (int i = 0; i < 10; ++i) {
        REQUIRE(out[static_cast<std::size_t>(i)].refused.empty());
        const auto& b = out[static_cast<std::size_t>(i)].blocks.at(0);
        CHECK(b.first == next);  // issued in the given order: P0 gets units 1, P1 2-3, P2 4-6, ...
        CHECK(b.quantity() == i + 1);
        next = b.last + 1;
    }
    CHECK_THAT(out[10].refused, Catch::Contains("was issued before as BCR-XS-2024-4-6"));
    CHECK_THAT(out[11].refused, Catch::Contains("overlaps block BCR-XS-2024-"));
    // The refused certificates left no row: 10 blocks, units 1..55 (1 + 2 + ... + 10), the counter at 56.
    CHECK(f.reg.list().size() == 10);
    CHECK(f.reg.list().back().last == 55);
    CHECK(f.reg.audit().ok);
    CHECK_THROWS_AS(f.reg.issue_files({f.dir / "missing.json"}), InputError);
    files.clear();
    add("next", test::signed_rectangle("XS", "P10", 1000, 0, 1100, 100, 2));
    CHECK(f.reg.issue_files(files).at(0).blocks.at(0).first == 56);
}

TEST_CASE("a failure that is not a refusal rolls back the whole batch and the registry still audits",
          "[registry]") {
    test::RegistryFixture f;
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < 5; ++i) {
        files.push_back(f.dir / ("c" + std::to_string(i)));
        std::ofstream(files.back(), std::ios::binary)
            << test::signed_rectangle("XS", "P" + std::to_string(i), 100.0 * i, 0, 100.0 * i + 100, 100);
    }
    const auto events_before = f.reg.audit().events;
    {
        auto opts = test::rectangle_options();
        int calls = 0;
        // The third certificate's rows are written when the connection turns read-only: its event cannot be added.
        opts.fault_hook = [&calls](sqlite3* db) {
            if (++calls == 3) sqlite3_exec(db, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
        };
        registry::Registry reg = registry::Registry::open(f.path, opts);
        CHECK_THROWS_WITH(reg.issue_files(files), Catch::Contains("read-only"));
    }
    CHECK(f.reg.list().empty());  // the first two certificates of the batch were rolled back with it
    const auto a = f.reg.audit();
    CHECK(a.ok);
    CHECK(a.events == events_before);
    CHECK(f.reg.issue_files(files).at(4).blocks.at(0).first == 41);  // then all five issue: 4 x 10 units before
}
