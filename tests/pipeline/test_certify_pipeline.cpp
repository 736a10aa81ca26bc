// run_certify and run_verify on a small credited project (parcels.gpkg and credits.csv written by the fixture).
#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/certify.hpp>
#include <bluecarbon/pipeline/credits.hpp>
#include <bluecarbon/pipeline/parcels.hpp>

#include "support/file_text.hpp"
#include "pipeline/committed_sample_copy.hpp"
#include "pipeline/credited_project.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace bluecarbon;
using namespace bluecarbon::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using bluecarbon::test::slurp;

pipeline::CertifyResult run_certify(const CreditedProject& p) {
    return pipeline::run_certify(config::load_project(p.project), {});
}

/// The scratch folders of --recompute now in the temporary folder.
std::set<std::string> scratch_folders() {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
        if (e.path().filename().string().rfind("bluecarbon-recompute-", 0) == 0) out.insert(e.path().string());
    return out;
}

}  // namespace

TEST_CASE("certify writes one certificate per credited parcel with the step outputs' numbers", "[certify]") {
    CreditedProject p;
    const auto r = run_certify(p);
    REQUIRE(r.certificates.size() == 1);  // P2 is excluded by credits, P3 is not eligible
    CHECK(r.certificates[0].parcel_id == "P1");
    CHECK(r.certificates[0].credits == 11 + 35);
    CHECK(r.key_id == certify::load_public_key(p.pub).key_id());
    CHECK(r.assessment_date == "2025-06-30");
    const std::string bytes = slurp(p.out / "certificates" / "P1.json");
    CHECK(certify::is_canonical_json(bytes));
    CHECK(r.certificates[0].file_sha256 == sha256_hex(bytes));
    CHECK_FALSE(fs::exists(p.out / "certificates" / "P2.json"));
    CHECK_FALSE(fs::exists(p.out / "certificates" / "P3.json"));

    const json c = json::parse(bytes)["certificate"];
    CHECK(c["schema_version"] == 1);
    CHECK(c["project_id"] == "XS-2025");
    CHECK(c["parcel_id"] == "P1");
    CHECK(c["owner"] == "Xiangshan cooperative");
    CHECK(c["assessment_date"] == "2025-06-30");
    // The geometry hash is that of the canonical WKB built byte by byte in the fixture.
    CHECK(c["geometry"]["crs"] == "EPSG:32651");
    CHECK(c["geometry"]["sha256"] == sha256_hex(rectangle_multipolygon_wkb(391000, 3265000, 391100, 3265050)));
    CHECK(c["area_m2"].get<double>() == 5000.123456789);
    // 0.375 ha and 0.125 ha are exact binary fractions: × 10,000 gives 3750 and 1250 m² exactly.
    CHECK(c["habitat_m2"] == json{{"mangrove", 3750.0}, {"salt_marsh", 1250.0}});
    // Every pool carries its 90 % interval from parcels.gpkg: the total 920.5 ± 105.25, agb 120.5 ± 12.5,
    // bgb 30.25 ± 6.25, dead 4.0 ± 1.5, soc 765.75 ± 80.75 (all exact in binary).
    CHECK(c["stock"]["agb"] == json{{"mean_mg_c", 120.5}, {"ci90_low_mg_c", 108.0}, {"ci90_high_mg_c", 133.0}});
    CHECK(c["stock"]["bgb"] == json{{"mean_mg_c", 30.25}, {"ci90_low_mg_c", 24.0}, {"ci90_high_mg_c", 36.5}});
    CHECK(c["stock"]["dead"] == json{{"mean_mg_c", 4.0}, {"ci90_low_mg_c", 2.5}, {"ci90_high_mg_c", 5.5}});
    CHECK(c["stock"]["soc"] == json{{"mean_mg_c", 765.75}, {"ci90_low_mg_c", 685.0}, {"ci90_high_mg_c", 846.5}});
    CHECK(c["stock"]["total"]["ci90_low_mg_c"].get<double>() == 815.25);
    CHECK(c["stock"]["total"]["ci90_high_mg_c"].get<double>() == 1025.75);
    CHECK(c["profile"]["name"] == "VM0033");
    CHECK(c["profile"]["version"] == "2.1");
    CHECK(c["profile"]["parameters"]["allowable_uncertainty_pct"].get<double>() == 20);
    CHECK(c["profile"]["parameters"]["project_habitat"] == json{"mangrove", "salt_marsh", "seagrass"});

    const json& v = c["vintages"];
    REQUIRE(v.size() == 2);
    CHECK(v[0]["vintage"] == "2021");
    CHECK(v[0]["period"] == json{{"start", "2021-01-01"}, {"end", "2021-12-31"}});
    CHECK(v[0]["project_t_co2e"].get<double>() == -12.345678901234567);  // bit for bit from the CSV text
    CHECK(v[0]["leakage_t_co2e"].get<double>() == 0.1);
    CHECK(v[0]["u"].get<double>() == 0.0625);  // 6.25 %
    CHECK(v[0]["credits"] == 11);
    CHECK(v[0]["remainder_t_co2e"].get<double>() == 0.4711);
    CHECK(v[0]["value"].get<double>() == 1166);
    CHECK(v[1]["vintage"] == "2022_2024");  // vintage_end 2025 is exclusive
    CHECK(v[1]["period"] == json{{"start", "2022-01-01"}, {"end", "2024-12-31"}});
    CHECK(v[1]["u"].get<double>() == 0.25);
    CHECK(v[1]["credits"] == 35);

    // Inputs: the project file, the files it names, and the profile table, each with its hash and size.
    std::map<std::string, json> inputs;
    for (const auto& in : c["inputs"]) inputs[in["path"].get<std::string>()] = in;
    for (const char* name : {"project.toml", "refl.tif", "classes.tif", "parcels_in.geojson"}) {
        INFO(name);
        REQUIRE(inputs.count(name) == 1);
        CHECK(inputs[name]["sha256"] == sha256_hex(slurp(p.dir / name)));
        CHECK(inputs[name]["size"] == fs::file_size(p.dir / name));
    }
    REQUIRE(inputs.count("<data>/profiles/vm0033_v2.1.csv") == 1);
    CHECK(inputs["<data>/profiles/vm0033_v2.1.csv"]["sha256"] ==
          sha256_hex(slurp(fs::path(k_data_dir) / "profiles" / "vm0033_v2.1.csv")));

    const auto report = pipeline::run_verify({{p.out / "certificates" / "P1.json"}, p.pub, std::nullopt});
    CHECK(report.ok());
    CHECK(report.certificates[0].message() == (p.out / "certificates" / "P1.json").string() + ": valid, key " +
                                                  r.key_id);
}

TEST_CASE("certify twice on the same inputs gives byte-identical certificates", "[certify]") {
    CreditedProject p;
    (void)run_certify(p);
    const std::string first = slurp(p.out / "certificates" / "P1.json");
    fs::remove_all(p.out / "certificates");
    (void)run_certify(p);
    CHECK(slurp(p.out / "certificates" / "P1.json") == first);
}

TEST_CASE("the assessment date comes from the project, else SOURCE_DATE_EPOCH, else today", "[certify]") {
    const CreditedProject dated;
    const CreditedProject undated("");
    const auto cfg = config::load_project(dated.project);
    const auto cfg_undated = config::load_project(undated.project);
    CHECK(pipeline::assessment_date(cfg, "0") == "2025-06-30");
    // 1751288700 s = 2025-06-30 13:05 UTC (20269 days of 86400 s after 1970-01-01, plus 47100 s).
    CHECK(pipeline::assessment_date(cfg_undated, "1751288700") == "2025-06-30");
    CHECK(pipeline::assessment_date(cfg_undated, "0") == "1970-01-01");
    CHECK(pipeline::assessment_date(cfg_undated, nullptr).size() == 10);
    CHECK_THROWS_WITH(pipeline::assessment_date(cfg_undated, "yesterday"),
                      Catch::StartsWith("SOURCE_DATE_EPOCH: not a whole number of seconds"));
}

TEST_CASE("certify removes the certificate of a parcel no longer credited", "[certify]") {
    CreditedProject p;
    write_text(p.out / "certificates" / "P9.json", "{}");
    const auto r = run_certify(p);
    CHECK(r.removed == std::vector<std::string>{"P9.json"});
    CHECK_FALSE(fs::exists(p.out / "certificates" / "P9.json"));
}

TEST_CASE("certify refuses a missing key or one readable by others and writes nothing", "[certify][bad-input]") {
    CreditedProject p("");
    const auto cfg = config::load_project(p.project);
    fs::remove(p.key);
    CHECK_THROWS_AS(pipeline::run_certify(cfg, {}), InputError);
    auto no_key = cfg;
    no_key.certify.key.reset();
    try {
        (void)pipeline::run_certify(no_key, {});
        FAIL("no error");
    } catch (const pipeline::RequestError& e) {
        CHECK(e.field() == "key");
    }
    CreditedProject q;
    ::chmod(q.key.c_str(), 0644);
    CHECK_THROWS_WITH(run_certify(q), Catch::Contains(q.key.string()));
    CHECK_FALSE(fs::exists(q.out / "certificates"));
}

TEST_CASE("certify without the step outputs names the missing file", "[certify][bad-input]") {
    CreditedProject p;
    fs::remove(p.out / "credits.csv");
    CHECK_THROWS_WITH(run_certify(p), Catch::Contains("credits.csv: missing"));
}

TEST_CASE("changed_inputs names an edited or missing input and certificate_differences a number's last bit",
          "[certify][verify]") {
    CreditedProject p;
    (void)run_certify(p);
    const auto cfg = config::load_project(p.project);
    const auto signed_cert = certify::verify_certificate(slurp(p.out / "certificates" / "P1.json"));
    REQUIRE(signed_cert.ok());
    const certify::Certificate& cert = *signed_cert.certificate;
    CHECK(pipeline::changed_inputs(cert, cfg).empty());
    auto now = pipeline::build_certificates(cfg, "2025-06-30");
    REQUIRE(now.size() == 1);
    CHECK(pipeline::certificate_differences(cert, now[0]).empty());

    write_text(p.dir / "refl.tif", "reflectance bytes, edited");
    fs::remove(p.dir / "classes.tif");
    CHECK(pipeline::changed_inputs(cert, cfg) ==
          std::vector<std::string>{"input changed: refl.tif", "input missing: classes.tif"});

    std::string csv = p.credits_csv;
    csv.replace(csv.find("0.4711"), 6, "0.4711000000000001");  // the next double above 0.4711
    write_text(p.out / "credits.csv", csv);
    now = pipeline::build_certificates(cfg, "2025-06-30");
    CHECK(pipeline::certificate_differences(cert, now[0]) ==
          std::vector<std::string>{"number differs: certificate.vintages[0].remainder_t_co2e"});
}

TEST_CASE("verify --recompute on the committed sample recomputes its numbers through the steps",
          "[certify][verify][sample]") {
    const CommittedSampleCopy s;
    const auto cfg = config::load_project(s.project);
    (void)pipeline::run_parcels(cfg);
    (void)pipeline::run_credits(cfg);
    (void)pipeline::run_certify(cfg, {});
    const auto files = s.certificates();
    REQUIRE(files.size() >= 2);
    const auto before = s.output_snapshot();
    const auto scratch_before = scratch_folders();
    const pipeline::VerifyRequest rq{files, s.pub, s.project};
    {
        const auto r = pipeline::run_verify(rq);
        INFO(pipeline::summary_text(r));
        CHECK(r.ok());
    }
    CHECK(s.output_snapshot() == before);  // recomputed elsewhere: the project's outputs are untouched
    CHECK(scratch_folders() == scratch_before);

    SECTION("a step output edited and signed again: the recomputed number differs") {
        // The first credits.csv row of the first certified parcel is its first vintage; one more credit there.
        const std::string parcel = files.front().stem().string();
        std::string csv = slurp(s.out / "credits.csv");
        const auto row = csv.find("\n" + parcel + ",");
        REQUIRE(row != std::string::npos);
        std::istringstream header(csv.substr(0, csv.find('\n')));
        std::size_t column = 0;
        for (std::string name; std::getline(header, name, ',') && name != "credits_t_co2e";) ++column;
        std::size_t at = row + 1;
        for (std::size_t i = 0; i < column; ++i) at = csv.find(',', at) + 1;
        const std::size_t end = csv.find(',', at);
        const long credits = std::stol(csv.substr(at, end - at));
        csv.replace(at, end - at, std::to_string(credits + 1));
        write_text(s.out / "credits.csv", csv);
        (void)pipeline::run_certify(cfg, {});
        CHECK(certify::verify_certificate(slurp(files.front())).ok());  // properly signed
        const auto r = pipeline::run_verify(rq);
        CHECK(r.certificates[0].problems ==
              std::vector<std::string>{"number differs: certificate.vintages[0].credits"});
        CHECK(r.certificates[1].ok());
        CHECK_THAT(r.failure(), Catch::EndsWith(parcel + ".json: invalid: number differs: "
                                                         "certificate.vintages[0].credits"));
    }
    SECTION("an input changed after certification is named for every certificate") {
        std::ofstream(s.dir / "trees.csv", std::ios::app) << "\n";
        const auto r = pipeline::run_verify(rq);
        CHECK_FALSE(r.ok());
        for (const auto& c : r.certificates) CHECK(c.problems == std::vector<std::string>{"input changed: trees.csv"});
    }
    SECTION("an input the steps cannot read any more fails the recomputation, naming it") {
        fs::remove(s.dir / "habitat_2025.tif");
        const auto r = pipeline::run_verify(rq);
        CHECK_FALSE(r.ok());
        REQUIRE(r.certificates[0].problems.size() == 2);
        CHECK(r.certificates[0].problems[0] == "input missing: habitat_2025.tif");
        CHECK_THAT(r.certificates[0].problems[1], Catch::StartsWith("recompute failed: ") &&
                                                      Catch::Contains("habitat_2025.tif"));
    }
}

TEST_CASE("a certificate lists the project's crediting parameters and the credits step's maps", "[certify]") {
    CreditedProject p("assessment_date = 2025-06-30\n[credits]\nstart_year = 2021\nend_year = 2025\n"
                      "profile = \"vm0033\"\nbuffer_percent = 12.5\nprice = 106\ncurrency = \"CNY\"\n"
                      "[[credits.snapshots]]\nyear = 2020\nmap = \"classes.tif\"\n"
                      "[[credits.snapshots]]\nyear = 2025\nmap = \"monitor_2025.tif\"\n");
    write_text(p.dir / "monitor_2025.tif", "monitoring map bytes");
    (void)run_certify(p);
    const json c = json::parse(slurp(p.out / "certificates" / "P1.json"))["certificate"];
    CHECK(c["profile"]["parameters"]["project"] == json{{"start_year", 2021},
                                                        {"end_year", 2025},
                                                        {"buffer_percent", 12.5},
                                                        {"currency", "CNY"},
                                                        {"discount_rate_pct", 0.0},
                                                        {"price", 106.0}});
    bool listed = false;
    for (const auto& in : c["inputs"])
        listed = listed || (in["path"] == "monitor_2025.tif" &&
                            in["sha256"] == sha256_hex(std::string("monitoring map bytes")));
    CHECK(listed);
}
