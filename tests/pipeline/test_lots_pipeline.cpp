// run_lots from a registry, and run_settle against the lots it listed.
#include <bluecarbon/error.hpp>
#include <bluecarbon/certify/base64.hpp>
#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/certify/keys.hpp>
#include <bluecarbon/pipeline/lots.hpp>
#include <bluecarbon/pipeline/statement.hpp>

#include "support/file_text.hpp"
#include "pipeline/market_fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace bluecarbon;
using namespace bluecarbon::pipeline;

namespace {
using bluecarbon::test::slurp;
void put(const std::filesystem::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

LotsRequest request(const test::MarketFixture& f) {
    LotsRequest r;
    r.output_dir = f.out;
    r.parcels = f.out / "parcels.gpkg";
    r.registry = f.db;
    r.rules.target_t_co2e = 12;
    r.rules.start_price = 50;
    r.rules.increment = 1;
    return r;
}

std::string accounts(const std::filesystem::path& db) {
    std::string s;
    for (const auto& b : registry::Registry::open(db).list()) s += b.serial + "=" + b.account + ";";
    return s;
}
}  // namespace

TEST_CASE("lots from the registry: lots.csv and lots.geojson", "[pipeline][lots]") {
    test::MarketFixture f;
    const auto r = run_lots(request(f));
    // 2023: P-1's 10 units; 2024: P-1's 10 + P-2's 5 = 15 >= 12. Habitats: P-1 mangrove (0.75 ha > 0.25),
    // P-2 salt_marsh (0.6 > 0.4).
    CHECK(slurp(r.lots_csv) ==
          "lot,serial_blocks,parcels,t_co2e,area_ha,habitats,start_price,increment,currency\n"
          "LOT-1,BCR-XS-2023-1-10,P-1,10,1.0000,mangrove,50,1,CNY\n"
          "LOT-11,BCR-XS-2024-11-20;BCR-XS-2024-21-25,P-1;P-2,15,2.0000,mangrove;salt_marsh,50,1,CNY\n");
    CHECK(r.blocks == 3);
    CHECK(r.t_co2e == 25.0);
    const auto geo = slurp(r.lots_geojson);
    CHECK(geo.find("\"LOT-11\"") != std::string::npos);
    CHECK(geo.find("MultiPolygon") != std::string::npos);
}

TEST_CASE("settlement of an auction's results", "[pipeline][lots][settle]") {
    test::MarketFixture f;
    (void)run_lots(request(f));
    const std::string before = accounts(f.db);
    const auto results = f.out / "results.csv";
    SECTION("unknown lot") {
        put(results, "lot,buyer,price_per_t\nLOT-99,bank,60\n");
        CHECK_THROWS_WITH(run_settle({f.db, results, {}}), results.string() + ":2: column 'lot': unknown lot 'LOT-99' "
                                                           "(not in " + (f.out / "lots.csv").string() + ")");
    }
    SECTION("price below reserve, after a valid lot") {
        put(results, "lot,buyer,price_per_t\nLOT-1,bank-a,55\nLOT-11,bank-b,49.5\n");
        CHECK_THROWS_WITH(run_settle({f.db, results, {}}),
                          "lot LOT-11: refused: price 49.5 per t is below the reserve 50.0");
    }
    SECTION("a lot twice in the results") {
        put(results, "lot,buyer,price_per_t\nLOT-1,bank-a,55\nLOT-1,bank-b,56\n");
        CHECK_THROWS_WITH(run_settle({f.db, results, {}}), "lot LOT-1: refused: sold twice in one settlement");
    }
    CHECK(accounts(f.db) == before);
}

TEST_CASE("settled lots move and leave the listing", "[pipeline][lots][settle]") {
    test::MarketFixture f;
    (void)run_lots(request(f));
    const auto results = f.out / "results.csv";
    put(results, "lot,buyer,price_per_t\nLOT-1,bank-a,55\nLOT-11,bank-b,50\n");
    const auto r = run_settle({f.db, results, {}});
    REQUIRE(r.lots.size() == 2);
    CHECK(r.lots[0].value() == 550.0);  // 10 t x 55
    CHECK(r.lots[1].value() == 750.0);  // 15 t x 50
    CHECK(accounts(f.db) == "BCR-XS-2023-1-10=bank-a;BCR-XS-2024-11-20=bank-b;BCR-XS-2024-21-25=bank-b;");
    CHECK_THROWS_WITH(run_settle({f.db, results, {}}), "lot LOT-1: refused: sold before, to bank-a");
    CHECK(registry::Registry::open(f.db).audit().ok);
    CHECK(run_lots(request(f)).lots.empty());  // nothing left to list
}

TEST_CASE("owner statement: assets by vintage, valued and signed", "[pipeline][statement]") {
    test::MarketFixture f;
    std::filesystem::create_directories(f.out / "certificates");
    // The same bytes the fixture issued (Ed25519 signatures are deterministic), so the registry's hashes match.
    put(f.out / "certificates" / "P-1.json", test::signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10, {2023, 2024}));
    put(f.out / "certificates" / "P-2.json", test::signed_rectangle("XS", "P-2", 500, 0, 600, 100, 5));
    (void)run_lots(request(f));
    put(f.out / "results.csv", "lot,buyer,price_per_t\nLOT-1,bank-a,55\n");
    (void)run_settle({f.db, f.out / "results.csv", {}});
    const auto key = certify::PrivateKey::generate();
    put(f.dir / "owner.pem", key.pem());
    std::filesystem::permissions(f.dir / "owner.pem", std::filesystem::perms::owner_read |
                                                          std::filesystem::perms::owner_write);
    StatementRequest req;
    req.registry = f.db;
    req.owner = "Ningbo Xiangshan fishery cooperative";
    req.price = 80;
    req.key = f.dir / "owner.pem";
    req.date = "2026-03-01";
    const auto r = run_statement(req);
    CHECK(r.parcels == 2);
    CHECK(r.parcels_with_certificate == 2);
    CHECK(r.area_ha == 2.0);  // two 100 m squares
    // The certificates' "total" pool, 920.5 [710.5, 1130.125] per parcel, two parcels.
    CHECK(r.stock_mg_c == 2 * 920.5);
    CHECK(r.stock_lo_mg_c == 2 * 710.5);
    CHECK(r.stock_hi_mg_c == 2 * 1130.125);
    // Mean NER per vintage: 14.5 + credits - 1.25 - 0.25 (leakage) = 23 (P-1, 10 credits) + 18 (P-2, 5 credits).
    CHECK(r.annual_removal_t_co2e == 41.0);
    CHECK(r.vintages.at("2023").issued == 10);
    CHECK(r.vintages.at("2023").transferred == 10);  // LOT-1 sold to bank-a
    CHECK(r.vintages.at("2024").issued == 15);
    CHECK(r.vintages.at("2024").held == 15);
    CHECK(r.held_units == 15);
    CHECK(*r.value == 1200.0);  // 15 t x 80
    const auto signed_json = nlohmann::json::parse(slurp(r.json_path));
    const auto sig = certify::base64_decode(signed_json["signature"]["value"].get<std::string>());
    REQUIRE(sig);
    CHECK(key.public_key().verify(certify::canonical_json(signed_json["certificate"]), *sig));
    CHECK(signed_json["certificate"]["valuation"]["value"] == 1200.0);
    CHECK(slurp(r.html_path).find("1,200.00 CNY") != std::string::npos);
    // The buyer's statement: 10 t bought, no parcels of its own.
    req.owner = "bank-a";
    const auto bank = run_statement(req);
    CHECK(bank.parcels == 0);
    CHECK(bank.vintages.at("2023").bought == 10);
    CHECK(bank.held_units == 10);
    req.owner = "nobody";
    CHECK_THROWS_WITH(run_statement(req), f.db.string() + ": no parcels or credits of owner 'nobody'");
}

TEST_CASE("a lot's outline in lots.geojson dissolves its adjacent parcels", "[pipeline][lots]") {
    // P-A [0,100]x[0,100] and P-B [100,200]x[0,100] share an edge; credits.csv gives 8 + 7 t of 2024, so one lot
    // (8 < 12, then 15 >= 12) holds both, and its outline is the 200 x 100 rectangle: one polygon, not two.
    test::TempDir dir("bluecarbon-lot-outline");
    const auto out = dir / "output";
    std::filesystem::create_directories(out);
    PolygonLayerSpec spec;
    spec.layer = "parcels";
    spec.crs = crs_from_user("EPSG:32651");
    using T = VectorField::Type;
    spec.fields = {{"parcel_id", T::text}, {"owner", T::text}, {"area_m2", T::real}, {"ha_mangrove", T::real}};
    write_polygons_gpkg(out / "parcels.gpkg", spec, {test::rectangle(0, 0, 100, 100), test::rectangle(100, 0, 200, 100)},
                        {{std::string("P-A"), std::string("coop"), 10000.0, 1.0},
                         {std::string("P-B"), std::string("coop"), 10000.0, 1.0}});
    put(out / "credits.csv", "parcel_id,vintage_start,credits_t_co2e\nP-A,2024,8\nP-B,2024,7\n");
    LotsRequest req;
    req.output_dir = out;
    req.parcels = out / "parcels.gpkg";
    req.credits = out / "credits.csv";
    req.rules.target_t_co2e = 12;
    const auto r = run_lots(req);
    REQUIRE(r.lots.size() == 1);
    CHECK(r.lots[0].parcels == std::vector<std::string>{"P-A", "P-B"});
    const auto geo = nlohmann::json::parse(slurp(r.lots_geojson));
    REQUIRE(geo["features"].size() == 1);
    const auto& g = geo["features"][0]["geometry"];
    const auto& polygons = g["type"] == "Polygon" ? nlohmann::json::array({g["coordinates"]}) : g["coordinates"];
    CHECK(polygons.size() == 1);     // one polygon (the two squares side by side before the union)
    CHECK(polygons[0].size() == 1);  // its exterior ring, no hole
}
