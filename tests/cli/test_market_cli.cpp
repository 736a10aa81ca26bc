// `bluecarbon lots`, `auction settle`, `statement` and `verify` of a signed statement through the CLI, on the market
// fixture (P-1 [0,100]^2 units 1-10 of 2023 and 11-20 of 2024, P-2 [500,600]x[0,100] units 21-25 of 2024). The
// issue's bad input: one-line error naming the lot or owner, non-zero exit, registry unchanged, nothing written.
#include "cli/certify_cli_fixture.hpp"
#include "pipeline/market_fixture.hpp"

#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/certify/statement.hpp>

#include <nlohmann/json.hpp>

using namespace bluecarbon;
using namespace bluecarbon::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string k_owner = "Ningbo Xiangshan fishery cooperative";  // the owner in every fixture certificate

struct MarketCli : MarketFixture {
    fs::path project{dir / "project.toml"};
    SigningKey owner_key{dir / "owner-key"};
    MarketCli() {
        // The registry is the fixture's (<output>/registry.db, the [registry] default); lots of 12 t at 50 CNY.
        std::ofstream(project) << "[project]\nclimate_zone = \"subtropical\"\noutput = \"output\"\n"
                                  "[inputs.reflectance]\npath = \"refl.tif\"\nbands = { red = 2, nir = 3 }\n"
                                  "[habitat]\nmap = \"classes.tif\"\n[habitat.classes]\n1 = \"mangrove\"\n"
                                  "[registry]\nname = \"BCR\"\n"
                                  "[lots]\ntarget_t_co2e = 12\nstart_price = 50\nincrement = 1\n";
        fs::create_directories(out / "certificates");
        // The bytes the fixture issued (Ed25519 is deterministic), so the statement finds their stock.
        std::ofstream(out / "certificates" / "P-1.json", std::ios::binary)
            << signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10, {2023, 2024});
        std::ofstream(out / "certificates" / "P-2.json", std::ios::binary)
            << signed_rectangle("XS", "P-2", 500, 0, 600, 100, 5);
    }
    /// Every block with its account, and the audit's event count: what a refused command must leave as it was.
    [[nodiscard]] std::string state() const {
        const auto list = run({"registry", "list", db.string(), "--json"});
        const auto audit = run({"registry", "audit", db.string(), "--json"});
        REQUIRE(list.code == 0);
        REQUIRE(audit.code == 0);
        const json a = json::parse(audit.out)["audit"];
        CHECK(a["ok"] == true);
        return json::parse(list.out)["blocks"].dump() + " events " + a["events"].dump();
    }
    [[nodiscard]] CliResult settle(const std::string& rows, bool as_json = false) const {
        std::ofstream(out / "results.csv") << "lot,buyer,price_per_t\n" << rows;
        std::vector<std::string> args{"auction", "settle", db.string(), (out / "results.csv").string()};
        if (as_json) args.emplace_back("--json");
        return run(args);
    }
    [[nodiscard]] CliResult statement(const std::string& owner, const std::string& price = "80") const {
        return run({"statement", db.string(), "--owner", owner, "--price", price, "--key",
                    (dir / "owner-key" / certify::k_private_key_file).string(), "--json"});
    }
};

}  // namespace

TEST_CASE("lots through the CLI: lots.csv and dissolved outlines", "[cli][market]") {
    MarketCli f;
    const auto r = run({"lots", f.project.string(), "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const json j = json::parse(r.out);
    CHECK(j["source"] == "registry");
    CHECK(j["bluecarbon_version"].is_string());  // as every command's --json (issue 17)
    CHECK(j["outputs"].size() == 2);
    CHECK(j["t_co2e"] == 25.0);  // 10 + 10 + 5 units
    // 2023: P-1's 10 units (the group's remainder); 2024: 10 + 5 = 15 >= 12.
    CHECK(slurp(f.out / "lots.csv") ==
          "lot,serial_blocks,parcels,t_co2e,area_ha,habitats,start_price,increment,currency\n"
          "LOT-1,BCR-XS-2023-1-10,P-1,10,1.0000,mangrove,50,1,CNY\n"
          "LOT-11,BCR-XS-2024-11-20;BCR-XS-2024-21-25,P-1;P-2,15,2.0000,mangrove;salt_marsh,50,1,CNY\n");
    const json geo = json::parse(slurp(f.out / "lots.geojson"));
    REQUIRE(geo["features"].size() == 2);
    CHECK(geo["features"][1]["properties"]["lot"] == "LOT-11");
    CHECK(geo["features"][1]["geometry"]["coordinates"].size() == 2);  // P-1 and P-2 lie 400 m apart: two parts

    // A project without [lots]: refused before anything is written.
    TempDir other("bc-market-cli");
    std::ofstream(other / "project.toml") << "[project]\nclimate_zone = \"subtropical\"\n[inputs.reflectance]\n"
                                             "path = \"refl.tif\"\nbands = { red = 2, nir = 3 }\n[habitat]\n"
                                             "map = \"classes.tif\"\n[habitat.classes]\n1 = \"mangrove\"\n";
    check_failure(run({"lots", (other / "project.toml").string()}), 2, "no [lots] section");
}

TEST_CASE("auction settle through the CLI refuses bad results and leaves the registry unchanged", "[cli][market]") {
    MarketCli f;
    REQUIRE(run({"lots", f.project.string(), "-q"}).code == 0);
    const std::string before = f.state();
    SECTION("unknown lot") {
        check_failure(f.settle("LOT-99,bank-a,60\n"), 2, "results.csv:2: column 'lot': unknown lot 'LOT-99'");
    }
    SECTION("price below reserve, after a valid lot") {
        check_failure(f.settle("LOT-1,bank-a,55\nLOT-11,bank-b,49.5\n"), 2,
                      "lot LOT-11: refused: price 49.5 per t is below the reserve 50.0");
    }
    SECTION("a lot twice in one file") {
        check_failure(f.settle("LOT-1,bank-a,55\nLOT-1,bank-b,56\n"), 2,
                      "lot LOT-1: refused: sold twice in one settlement");
    }
    CHECK(f.state() == before);
}

TEST_CASE("auction settle through the CLI: a lot is sold once", "[cli][market]") {
    MarketCli f;
    REQUIRE(run({"lots", f.project.string(), "-q"}).code == 0);
    const auto ok = f.settle("LOT-1,bank-a,55\n", true);
    INFO(ok.err);
    REQUIRE(ok.code == 0);
    // --json as every command gives it: the version, the one file written (the registry), the sales.
    const auto j = json::parse(ok.out);
    CHECK(j["bluecarbon_version"].is_string());
    CHECK(j["outputs"] == json::array({f.db.string()}));
    CHECK(j["settled"][0]["lot"] == "LOT-1");
    const std::string after_sale = f.state();
    CHECK_THAT(after_sale, Catch::Contains("\"account\":\"bank-a\""));
    const auto again = f.settle("LOT-1,bank-b,70\n");
    CHECK(again.code != 0);
    CHECK(error_lines(again.err).size() == 1);
    CHECK_THAT(again.err, Catch::Contains("lot LOT-1: refused: sold before, to bank-a"));
    CHECK(f.state() == after_sale);
}

TEST_CASE("statement through the CLI: unknown owner refused, a signed statement verifies", "[cli][market]") {
    MarketCli f;
    const std::string before = f.state();
    check_failure(f.statement("nobody"), 2, "no parcels or credits of owner 'nobody'");
    CHECK_FALSE(fs::exists(f.out / "statement-nobody.json"));
    CHECK(f.state() == before);

    const auto r = f.statement(k_owner);
    INFO(r.err);
    REQUIRE(r.code == 0);
    // 25 t issued to the owner and held; at 80 CNY: 2000.
    CHECK(json::parse(r.out)["valuation"]["value"] == 2000.0);
    CHECK(json::parse(r.out)["bluecarbon_version"].is_string());
    const auto file = (f.out / "statement-Ningbo_Xiangshan_fishery_cooperative.json").string();
    const auto v = run({"verify", file, "--pubkey", f.owner_key.pub(), "--json"});
    INFO(v.out << v.err);
    REQUIRE(v.code == 0);
    const json vj = json::parse(v.out)["certificates"][0];
    CHECK(vj["kind"] == "statement");
    CHECK(vj["message"] ==
          file + ": valid statement of " + k_owner + ", key " + f.owner_key.key.public_key().key_id());
    // Signed by the owner's key, not the registry's: pinning another key is refused.
    const auto other = f.dir / "registry.pub";
    std::ofstream(other) << registry_test_key().public_key().pem();
    check_failure(run({"verify", file, "--pubkey", other.string()}), 1, "invalid: wrong key");
    // A number changed after signing.
    std::string bytes = slurp(file);
    const auto at = bytes.find("\"held_t_co2e\":25");
    REQUIRE(at != std::string::npos);
    bytes.replace(at, 16, "\"held_t_co2e\":95");
    std::ofstream(f.dir / "edited.json", std::ios::binary) << bytes;
    check_failure(run({"verify", (f.dir / "edited.json").string()}), 1, "invalid: bad signature");
    // Validly signed but not a statement's members: named.
    json s = json::parse(slurp(file))["certificate"];
    s.erase("held_t_co2e");
    std::ofstream(f.dir / "partial.json", std::ios::binary) << certify::sign_certificate_json(s, f.owner_key.key);
    check_failure(run({"verify", (f.dir / "partial.json").string()}), 1,
                  "invalid: malformed: statement.held_t_co2e: missing");
    // Certificates verify as before, side by side with a statement.
    const auto both = run({"verify", (f.out / "certificates" / "P-1.json").string(), file});
    CHECK(both.code == 0);
    CHECK_THAT(both.out, Catch::Contains("P-1.json: valid, key " + registry_test_key().public_key().key_id() +
                                         " not pinned"));
}
