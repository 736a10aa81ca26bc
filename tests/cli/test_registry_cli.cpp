// `bluecarbon registry` through the CLI: each verb, and the bad inputs (one-line error, non-zero exit,
// registry unchanged and still auditing).
#include "cli/certify_cli_fixture.hpp"
#include "pipeline/credited_project.hpp"

#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/registry/registry.hpp>

#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

using namespace bluecarbon;
using namespace bluecarbon::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct RegistryFixture {
    TempDir dir{"bc-registry-cli"};
    SigningKey key{dir / "key"};
    std::string db = (dir / "reg.db").string();
    RegistryFixture() { REQUIRE(run({"registry", "init", db, "--name", "BC", "--trust", key.pub()}).code == 0); }
    [[nodiscard]] std::string cert(const std::string& name, const std::string& project, double x0, double x1,
                                   std::int64_t credits = 10) const {
        return write_certificate(dir / name, key.key, project, name, x0, 0, x1, 100, credits);
    }
    /// Every block and the event count: what must not change when a command is refused.
    [[nodiscard]] std::string state() const {
        const auto list = run({"registry", "list", db, "--json"});
        const auto audit = run({"registry", "audit", db, "--json"});
        REQUIRE(list.code == 0);
        REQUIRE(audit.code == 0);
        const json a = json::parse(audit.out)["audit"];
        CHECK(a["ok"] == true);
        return json::parse(list.out)["blocks"].dump() + " events " + a["events"].dump();
    }
};

json blocks_of(const CliResult& r) {
    INFO(r.err);
    REQUIRE(r.code == 0);
    return json::parse(r.out)["blocks"];
}

}  // namespace

TEST_CASE("registry verbs: issue, show, transfer, retire, cancel, audit, export", "[cli][registry]") {
    RegistryFixture f;
    const std::string a = f.cert("A", "XS", 0, 100, 10);
    const json issued = blocks_of(run({"registry", "issue", f.db, a, "--json", "--external-serial", "CCER-7"}));
    REQUIRE(issued.size() == 1);
    CHECK(issued[0]["serial"] == "BC-XS-2024-1-10");
    CHECK(issued[0]["certificate_sha256"] == sha256_hex(slurp(a)));
    CHECK(issued[0]["external_serial"] == "CCER-7");
    const auto shown = run({"registry", "show", f.db, "A"});
    CHECK_THAT(shown.out, Catch::Contains("certificate sha256 " + sha256_hex(slurp(a))));

    const json moved = blocks_of(run({"registry", "transfer", f.db, "BC-XS-2024-1-10", "--to", "buyer", "--quantity",
                                      "4", "--json"}));
    CHECK(moved[0]["serial"] == "BC-XS-2024-1-4");
    CHECK(moved[0]["account"] == "buyer");
    const json retired = blocks_of(run({"registry", "retire", f.db, "BC-XS-2024-1-4", "--quantity", "3",
                                        "--beneficiary", "Ningbo port", "--reason", "2025 offset", "--json"}));
    CHECK(retired[0]["serial"] == "BC-XS-2024-1-3");
    CHECK(retired[0]["status"] == "retired");
    CHECK(blocks_of(run({"registry", "cancel", f.db, "BC-XS-2024-5-10", "--reason", "error", "--json"}))[0]["status"] ==
          "cancelled");
    // 10 units issued = 1 held (unit 4) + 3 retired + 6 cancelled.
    const json audit = json::parse(run({"registry", "audit", f.db, "--json"}).out)["audit"];
    CHECK(audit["ok"] == true);
    CHECK(audit["units_issued"] == 10);
    CHECK(audit["units_held"] == 1);
    CHECK(audit["units_retired"] == 3);
    CHECK(audit["units_cancelled"] == 6);

    const std::string gpkg = (f.dir / "registry.gpkg").string();
    REQUIRE(run({"registry", "export", f.db, "--gpkg", gpkg}).code == 0);
    const auto ds = GDALDatasetUniquePtr(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("registry_blocks");
    REQUIRE(layer != nullptr);
    CHECK(layer->GetFeatureCount() == 3);
    // The QGIS default style (the layer_styles table QGIS reads) names the layer and colours it by status.
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    REQUIRE(styles != nullptr);
    REQUIRE(styles->GetFeatureCount() == 1);
    OGRFeatureUniquePtr style(styles->GetNextFeature());
    CHECK(std::string(style->GetFieldAsString("f_table_name")) == "registry_blocks");
    CHECK(std::string(style->GetFieldAsString("f_geometry_column")) == layer->GetGeometryColumn());
    CHECK(style->GetFieldAsInteger("useAsDefault") == 1);
    const std::string qml = style->GetFieldAsString("styleQML");
    CHECK_THAT(qml, Catch::Contains("type=\"categorizedSymbol\" attr=\"status\""));
    for (const char* s : {"held", "retired", "cancelled"})
        CHECK_THAT(qml, Catch::Contains(std::string("value=\"") + s + "\" label=\"" + s + "\""));
    std::map<std::string, std::string> status;
    for (auto& feature : *layer) {
        status[feature->GetFieldAsString("serial")] = feature->GetFieldAsString("status");
        OGREnvelope e;
        feature->GetGeometryRef()->getEnvelope(&e);
        CHECK(e.MinX == 0);
        CHECK(e.MaxX == 100);
    }
    CHECK(status == std::map<std::string, std::string>{
                        {"BC-XS-2024-1-3", "retired"}, {"BC-XS-2024-4-4", "held"}, {"BC-XS-2024-5-10", "cancelled"}});
}

TEST_CASE("registry refuses double issuance and overlaps with the registry unchanged", "[cli][registry][bad-input]") {
    RegistryFixture f;
    const std::string a = f.cert("A", "XS", 0, 100);
    REQUIRE(run({"registry", "issue", f.db, a}).code == 0);
    const std::string before = f.state();
    check_failure(run({"registry", "issue", f.db, a}), 2, "was issued before as BC-XS-2024-1-10");
    CHECK(f.state() == before);
    // Another project's parcel over half of A's ground: refused, naming A's block.
    check_failure(run({"registry", "issue", f.db, f.cert("B", "OTHER", 50, 150)}), 2,
                  "overlaps block BC-XS-2024-1-10");
    CHECK(f.state() == before);
    // Sharing only an edge is no overlap.
    CHECK(run({"registry", "issue", f.db, f.cert("C", "OTHER", 100, 200)}).code == 0);
}

TEST_CASE("registry refuses an untrusted key and a tampered certificate", "[cli][registry][bad-input]") {
    RegistryFixture f;
    const SigningKey stranger(f.dir / "stranger");
    const std::string s = write_certificate(f.dir / "S.json", stranger.key, "XS", "S", 0, 0, 10, 10);
    const std::string before = f.state();
    check_failure(run({"registry", "issue", f.db, s}), 2, "which this registry does not trust");
    std::string bytes = slurp(f.cert("T", "XS", 0, 10));
    bytes[bytes.find("\"credits\":10") + 11] = '9';
    write_text(f.dir / "T", bytes);
    check_failure(run({"registry", "issue", f.db, (f.dir / "T").string()}), 2, "refused: certificate invalid");
    CHECK(f.state() == before);
    // Trusted later, issued; untrusted again by key id.
    REQUIRE(run({"registry", "trust", f.db, stranger.pub()}).code == 0);
    CHECK(run({"registry", "issue", f.db, s}).code == 0);
    REQUIRE(run({"registry", "untrust", f.db, stranger.key.public_key().key_id()}).code == 0);
    const std::string s2 = write_certificate(f.dir / "S2.json", stranger.key, "XS", "S2", 500, 0, 600, 10);
    check_failure(run({"registry", "issue", f.db, s2}), 2, "which this registry does not trust");
}

TEST_CASE("registry refuses retiring more than held or twice and moving retired units", "[cli][registry][bad-input]") {
    RegistryFixture f;
    REQUIRE(run({"registry", "issue", f.db, f.cert("A", "XS", 0, 100, 10)}).code == 0);
    const std::string before = f.state();
    check_failure(run({"registry", "retire", f.db, "BC-XS-2024-1-10", "--quantity", "11", "--beneficiary", "x"}), 2,
                  "holds 10 units, fewer than 11");
    CHECK(f.state() == before);
    REQUIRE(run({"registry", "retire", f.db, "BC-XS-2024-1-10", "--beneficiary", "x", "--reason", "y"}).code == 0);
    const std::string retired = f.state();
    check_failure(run({"registry", "retire", f.db, "BC-XS-2024-1-10", "--beneficiary", "x"}), 2,
                  "the block is retired");
    check_failure(run({"registry", "transfer", f.db, "BC-XS-2024-1-10", "--to", "buyer", "--quantity", "1"}), 2,
                  "retired units never move");
    check_failure(run({"registry", "transfer", f.db, "BC-XS-2024-1-10", "--to", "buyer", "--quantity", "0"}), 2,
                  "--quantity");
    CHECK(f.state() == retired);
}

TEST_CASE("registry refuses a file that is not a registry or of another schema version", "[cli][registry][bad-input]") {
    RegistryFixture f;
    const std::string junk = (f.dir / "junk.db").string();
    write_text(junk, "not a database at all, just text");
    check_failure(run({"registry", "list", junk}), 2, "junk.db: not a bluecarbon registry");
    check_failure(run({"registry", "issue", junk, f.cert("A", "XS", 0, 10)}), 2, "junk.db: not a bluecarbon registry");
    CHECK(slurp(junk) == "not a database at all, just text");
    check_failure(run({"registry", "list", (f.dir / "none.db").string()}), 2, "none.db: no such registry");
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(f.db.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
    check_failure(run({"registry", "audit", f.db}), 2, "registry schema version 99");
    check_failure(run({"registry", "init", f.db, "--name", "BC", "--trust", f.key.pub()}), 2, "already exists");
}
