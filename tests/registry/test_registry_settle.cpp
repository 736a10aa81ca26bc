// Auction settlement: lots move whole to their buyers in one transaction; refusals change nothing.
#include "registry/registry_fixture.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

using namespace bluecarbon;
using namespace bluecarbon::registry;
using test::signed_rectangle;

namespace {
const std::string k_owner = "Ningbo Xiangshan fishery cooperative";  // the fixture certificate's owner

// Two parcels: P-1 gets units 1-10 (2023) and 11-20 (2024), P-2 gets 21-25 (2024).
void issue_two(test::RegistryFixture& f) {
    (void)f.reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10, {2023, 2024}), "a.json");
    (void)f.reg.issue(signed_rectangle("XS", "P-2", 500, 0, 600, 100, 5), "b.json");
}

Sale sale(const std::string& lot, const std::string& buyer, double price, std::vector<std::string> serials) {
    return Sale{lot, buyer, price, 50.0, "CNY", std::move(serials)};
}

// Accounts and statuses of every block, and the event count: what "unchanged" compares.
std::string state(const Registry& r) {
    std::string s;
    for (const auto& b : r.list()) s += b.serial + ":" + b.account + ":" + to_string(b.status) + ";";
    return s + std::to_string(r.audit().events) + ":" + std::to_string(r.sales().size());
}
}  // namespace

TEST_CASE("settlement moves each lot's blocks to its buyer and records the price", "[registry][settle]") {
    test::RegistryFixture f;
    issue_two(f);
    CHECK(f.reg.list()[0].owner == k_owner);
    const auto issued = f.reg.issuances();
    REQUIRE(issued.size() == 3);
    CHECK(issued[2].parcel_id == "P-2");
    CHECK(issued[2].quantity() == 5);
    CHECK(issued[2].owner == k_owner);
    f.reg.settle({sale("LOT-1", "buyer-a", 62.5, {"BCR-XS-2023-1-10", "BCR-XS-2024-11-20"}),
                  sale("LOT-21", "buyer-b", 50.0, {"BCR-XS-2024-21-25"})});  // at the reserve: accepted
    const auto blocks = f.reg.list();
    REQUIRE(blocks.size() == 3);
    CHECK(blocks[0].account == "buyer-a");
    CHECK(blocks[1].account == "buyer-a");
    CHECK(blocks[2].account == "buyer-b");
    CHECK(blocks[0].owner == k_owner);  // the issuance's owner stays
    const auto sales = f.reg.sales();
    REQUIRE(sales.size() == 2);
    CHECK(sales[0].lot == "LOT-1");
    CHECK(sales[0].units == 20);  // 10 + 10
    CHECK(sales[0].price_per_t == 62.5);
    CHECK(sales[0].serials == std::vector<std::string>{"BCR-XS-2023-1-10", "BCR-XS-2024-11-20"});
    CHECK(sales[1].units == 5);
    const auto audit = f.reg.audit();
    INFO(audit.problem);
    CHECK(audit.ok);
    CHECK(audit.units_held == 25);
}

TEST_CASE("settlement refusals leave the registry unchanged", "[registry][settle]") {
    test::RegistryFixture f;
    issue_two(f);
    (void)f.reg.retire("BCR-XS-2024-21-25", 5, "someone", "offset");
    const std::string before = state(f.reg);
    SECTION("a failure half-way: the second lot holds a retired block") {
        CHECK_THROWS_WITH(f.reg.settle({sale("LOT-1", "buyer-a", 60, {"BCR-XS-2023-1-10"}),
                                        sale("LOT-21", "buyer-b", 60, {"BCR-XS-2024-21-25"})}),
                          "lot LOT-21: refused: block BCR-XS-2024-21-25 is retired");
    }
    SECTION("a price below the reserve") {
        CHECK_THROWS_WITH(f.reg.settle({sale("LOT-1", "buyer-a", 49.99, {"BCR-XS-2023-1-10"})}),
                          "lot LOT-1: refused: price 49.99 per t is below the reserve 50.0");
    }
    SECTION("a lot named twice") {
        CHECK_THROWS_WITH(f.reg.settle({sale("LOT-1", "buyer-a", 60, {"BCR-XS-2023-1-10"}),
                                        sale("LOT-1", "buyer-b", 70, {"BCR-XS-2023-1-10"})}),
                          "lot LOT-1: refused: sold twice in one settlement");
    }
    SECTION("a block in two lots") {
        CHECK_THROWS_WITH(f.reg.settle({sale("LOT-1", "buyer-a", 60, {"BCR-XS-2023-1-10"}),
                                        sale("LOT-2", "buyer-b", 70, {"BCR-XS-2023-1-10"})}),
                          "lot LOT-2: refused: block BCR-XS-2023-1-10 is in another lot of this settlement");
    }
    SECTION("a block that does not exist") {
        CHECK_THROWS_AS(f.reg.settle({sale("LOT-1", "buyer-a", 60, {"BCR-XS-2023-1-9"})}), RefusedError);
    }
    SECTION("a fault after the first lot rolls the whole settlement back") {
        auto opts = test::rectangle_options();
        int calls = 0;
        opts.fault_hook = [&](sqlite3*) {
            if (++calls == 2) throw Error("injected fault");
        };
        Registry faulty = Registry::open(f.path, opts);
        CHECK_THROWS_WITH(faulty.settle({sale("LOT-1", "buyer-a", 60, {"BCR-XS-2023-1-10"}),
                                         sale("LOT-11", "buyer-b", 60, {"BCR-XS-2024-11-20"})}),
                          "injected fault");
        CHECK(calls == 2);
    }
    CHECK(state(f.reg) == before);
    CHECK(f.reg.audit().ok);
}

TEST_CASE("a lot is sold once", "[registry][settle]") {
    test::RegistryFixture f;
    issue_two(f);
    f.reg.settle({sale("LOT-1", "buyer-a", 60, {"BCR-XS-2023-1-10"})});
    const std::string before = state(f.reg);
    CHECK_THROWS_WITH(f.reg.settle({sale("LOT-1", "buyer-b", 90, {"BCR-XS-2024-11-20"})}),
                      "lot LOT-1: refused: sold before, to buyer-a");
    CHECK_THROWS_WITH(f.reg.settle({sale("LOT-9", "buyer-b", 90, {"BCR-XS-2023-1-10"})}),
                      "lot LOT-9: refused: block BCR-XS-2023-1-10 was sold before, in lot LOT-1");
    CHECK(state(f.reg) == before);
}

TEST_CASE("audit catches a sale row edited behind the log", "[registry][settle]") {
    test::RegistryFixture f;
    issue_two(f);
    f.reg.settle({sale("LOT-1", "buyer-a", 60, {"BCR-XS-2023-1-10"})});
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(f.path.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, "UPDATE sales SET price_per_t = 1", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
    const auto audit = f.reg.audit();
    CHECK_FALSE(audit.ok);
    CHECK(audit.problem == "table sales: lot LOT-1 differs from the event log");
}
