// Lot grouping rules one by one, on four 1-ha squares laid out by hand:
//   P1 [0,100]x[0,100]  mangrove  owner A      P3 [1000,1100]x[0,100]  saltmarsh owner B
//   P2 [150,250]x[0,100] mangrove owner A      P4 [1150,1250]x[0,100]  mangrove  owner B
// P1-P2 and P3-P4 are 50 m apart; P2-P3 750 m.
#include <bluecarbon/error.hpp>
#include <bluecarbon/market/lots.hpp>

#include "support/rectangles.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace bluecarbon;
using namespace bluecarbon::market;
using bluecarbon::test::rectangle;

namespace {

std::map<std::string, ParcelInfo> sample_parcels() {
    std::map<std::string, ParcelInfo> m;
    m["P1"] = {"P1", "mangrove", "A", 1.0, rectangle(0, 0, 100, 100)};
    m["P2"] = {"P2", "mangrove", "A", 1.0, rectangle(150, 0, 250, 100)};
    m["P3"] = {"P3", "saltmarsh", "B", 1.0, rectangle(1000, 0, 1100, 100)};
    m["P4"] = {"P4", "mangrove", "B", 1.0, rectangle(1150, 0, 1250, 100)};
    return m;
}

CreditBlock block(std::int64_t first, std::int64_t last, const std::string& parcel, const std::string& vintage,
                  const std::string& profile = "VM0033") {
    const std::string serial = "R-X-" + vintage + "-" + std::to_string(first) + "-" + std::to_string(last);
    return {serial, first, parcel, vintage, profile, "", static_cast<double>(last - first + 1)};
}

std::vector<CreditBlock> blocks() {
    return {block(1, 300, "P1", "2024"), block(301, 500, "P2", "2024"), block(501, 900, "P1", "2025"),
            block(901, 1000, "P3", "2024"), block(1001, 1600, "P4", "2024")};
}

// "LOT-1:P1+P2:500" per lot, for compact comparisons.
std::vector<std::string> summary(const std::vector<Lot>& lots) {
    std::vector<std::string> out;
    for (const auto& l : lots) {
        std::string ps;
        for (const auto& p : l.parcels) ps += (ps.empty() ? "" : "+") + p;
        out.push_back(l.id + ":" + ps + ":" + std::to_string(static_cast<long long>(l.t_co2e)));
    }
    return out;
}

LotRules rules(std::vector<GroupBy> by, double target, std::optional<double> contiguity = std::nullopt) {
    LotRules r;
    r.group_by = std::move(by);
    r.target_t_co2e = target;
    r.contiguity_m = contiguity;
    r.start_price = 60;
    r.increment = 1;
    return r;
}

}  // namespace

TEST_CASE("lots group by vintage and close at the target", "[market][lots]") {
    // 2024 in parcel order: 300 (P1) + 200 (P2) + 100 (P3) + 600 (P4) = 1200 >= 1000: one lot; 2025: P1's 400.
    const auto lots = group_lots(blocks(), sample_parcels(), rules({GroupBy::vintage}, 1000));
    CHECK(summary(lots) == std::vector<std::string>{"LOT-1:P1+P2+P3+P4:1200", "LOT-501:P1:400"});
    CHECK(lots[0].area_ha == 4.0);
    CHECK(lots[0].habitats == std::vector<std::string>{"mangrove", "saltmarsh"});
    CHECK(lots[0].key.at(GroupBy::vintage) == "2024");
    CHECK(lots[0].start_price == 60.0);
    // Target 450: 300 + 200 = 500 closes the first; 100 + 600 = 700 the second.
    CHECK(summary(group_lots(blocks(), sample_parcels(), rules({GroupBy::vintage}, 450))) ==
          std::vector<std::string>{"LOT-1:P1+P2:500", "LOT-901:P3+P4:700", "LOT-501:P1:400"});
    // A block larger than the target is a lot of its own and is never split.
    CHECK(summary(group_lots(blocks(), sample_parcels(), rules({GroupBy::vintage}, 50))) ==
          std::vector<std::string>{"LOT-1:P1:300", "LOT-301:P2:200", "LOT-901:P3:100", "LOT-1001:P4:600",
                                   "LOT-501:P1:400"});
}

TEST_CASE("lots group by habitat", "[market][lots]") {
    // mangrove: P1 (300 + 400) + P2 200 + P4 600 = 1500; saltmarsh: P3 100.
    const auto lots = group_lots(blocks(), sample_parcels(), rules({GroupBy::habitat}, 1000));
    CHECK(summary(lots) == std::vector<std::string>{"LOT-1:P1+P2+P4:1500", "LOT-901:P3:100"});
    CHECK(lots[0].area_ha == 3.0);
}

TEST_CASE("lots group by profile", "[market][lots]") {
    auto b = blocks();
    b[3].profile = "CCER-14-002";  // P3's block
    const auto lots = group_lots(b, sample_parcels(), rules({GroupBy::profile}, 10000));
    CHECK(summary(lots) == std::vector<std::string>{"LOT-901:P3:100", "LOT-1:P1+P2+P4:1500"});
    CHECK(lots[0].key.at(GroupBy::profile) == "CCER-14-002");
}

TEST_CASE("lots group by owner with contiguity", "[market][lots]") {
    // 60 m links P1-P2 (50 m) and P3-P4 (50 m): owner A 300 + 400 + 200 = 900, owner B 100 + 600 = 700.
    CHECK(summary(group_lots(blocks(), sample_parcels(), rules({GroupBy::owner}, 10000, 60.0))) ==
          std::vector<std::string>{"LOT-1:P1+P2:900", "LOT-901:P3+P4:700"});
    // 40 m links nothing: a lot per parcel.
    CHECK(summary(group_lots(blocks(), sample_parcels(), rules({GroupBy::owner}, 10000, 40.0))) ==
          std::vector<std::string>{"LOT-1:P1:700", "LOT-301:P2:200", "LOT-901:P3:100", "LOT-1001:P4:600"});
    // Without grouping, 60 m gives the two clusters and 800 m chains all four (P2-P3 750 m).
    CHECK(summary(group_lots(blocks(), sample_parcels(), rules({}, 10000, 60.0))) ==
          std::vector<std::string>{"LOT-1:P1+P2:900", "LOT-901:P3+P4:700"});
    CHECK(summary(group_lots(blocks(), sample_parcels(), rules({}, 10000, 800.0))) ==
          std::vector<std::string>{"LOT-1:P1+P2+P3+P4:1600"});
}

TEST_CASE("lots walk breadth-first through a cluster", "[market][lots]") {
    // A chain P1 - P2 - P1b (P1b 50 m east of P2): with 60 m the cluster is walked P1, P2, P1b, although P1b's id
    // sorts before P2's.
    auto ps = sample_parcels();
    ps["P1b"] = {"P1b", "mangrove", "A", 1.0, rectangle(300, 0, 400, 100)}; // 50 m east of P2
    std::vector<CreditBlock> b = {block(1, 300, "P1", "2024"), block(301, 500, "P2", "2024"),
                                  block(2001, 2100, "P1b", "2024")};
    const auto lots = group_lots(b, ps, rules({}, 450, 60.0));
    // Walk P1 (300), P2 (500 >= 450: closes), P1b (100).
    CHECK(summary(lots) == std::vector<std::string>{"LOT-1:P1+P2:500", "LOT-2001:P1b:100"});
    // Without contiguity, id order: P1 300 + P1b 100 = 400 < 450, + P2 200 = 600 closes one lot.
    CHECK(summary(group_lots(b, ps, rules({}, 450))) == std::vector<std::string>{"LOT-1:P1+P1b+P2:600"});
}

TEST_CASE("lots do not depend on input order", "[market][lots]") {
    auto b = blocks();
    std::reverse(b.begin(), b.end());
    CHECK(summary(group_lots(b, sample_parcels(), rules({GroupBy::vintage}, 450, 60.0))) ==
          summary(group_lots(blocks(), sample_parcels(), rules({GroupBy::vintage}, 450, 60.0))));
}

TEST_CASE("lots of credits not yet issued are numbered", "[market][lots]") {
    std::vector<CreditBlock> b = {{"P1/2024", 0, "P1", "2024", "VM0033", "", 12.5},
                                  {"P2/2024", 0, "P2", "2024", "VM0033", "", 7.5}};
    const auto lots = group_lots(b, sample_parcels(), rules({GroupBy::vintage}, 10));
    CHECK(summary(lots) == std::vector<std::string>{"LOT-001:P1:12", "LOT-002:P2:7"});
    CHECK(lots[0].t_co2e == 12.5);
}

TEST_CASE("lots refuse a block of an unknown parcel", "[market][lots]") {
    auto b = blocks();
    b[1].parcel_id = "P9";
    CHECK_THROWS_WITH(group_lots(b, sample_parcels(), rules({}, 10)),
                      "block R-X-2024-301-500: parcel 'P9' is not among the parcels");
}

TEST_CASE("polygon distance", "[market][lots]") {
    CHECK(polygon_distance(rectangle(0, 0, 1, 1), rectangle(4, 5, 6, 6)) == 5.0);   // corner to corner: dx 3, dy 4
    CHECK(polygon_distance(rectangle(0, 0, 2, 2), rectangle(1, 1, 3, 3)) == 0.0);   // overlap
    CHECK(polygon_distance(rectangle(0, 0, 10, 10), rectangle(2, 2, 3, 3)) == 0.0); // inside
    CHECK(polygon_distance(rectangle(0, 0, 1, 1), rectangle(1, 0, 2, 1)) == 0.0);   // shared edge
    MultiPolygon holed = rectangle(0, 0, 10, 10);
    holed.parts[0].holes.push_back({{2, 2}, {2, 8}, {8, 8}, {8, 2}, {2, 2}});
    CHECK(polygon_distance(holed, rectangle(4, 4, 5, 5)) == 2.0); // in the hole: 4 - 2 to the hole's edge
}
