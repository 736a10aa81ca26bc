// keygen, certify and verify through the CLI: exit codes, one-line errors, and the bad inputs.
#include "cli/certify_cli_fixture.hpp"
#include "pipeline/committed_sample_copy.hpp"
#include "pipeline/credited_project.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>

using namespace bluecarbon;
using namespace bluecarbon::test;
namespace fs = std::filesystem;

namespace {
/// Sets an environment variable for the scope (the CLI tests run one at a time in this executable).
struct ScopedEnv {
    std::string name;
    ScopedEnv(std::string n, const char* value) : name(std::move(n)) { setenv(name.c_str(), value, 1); }
    ~ScopedEnv() { unsetenv(name.c_str()); }
};
}  // namespace

TEST_CASE("keygen writes a 0600 private key and refuses to overwrite it", "[cli][certify]") {
    TempDir dir("bc-keygen");
    const auto r = run({"keygen", "--out", (dir / "k").string(), "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["key_id"] == certify::load_public_key(dir / "k" / "signing.pub").key_id());
    struct stat st {};
    REQUIRE(::stat((dir / "k" / "signing.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    check_failure(run({"keygen", "--out", (dir / "k").string()}), 2, "already exists; refusing to overwrite a key");
}

TEST_CASE("verify: every byte of a certificate changed in turn is invalid with exit 1", "[cli][certify][bad-input]") {
    TempDir dir("bc-verify");
    const SigningKey k(dir / "key");
    const std::string file = write_certificate(dir / "c.json", k.key, "XS", "P1", 0, 0, 100, 50);
    const std::string good = slurp(file);
    REQUIRE(run({"verify", file, "--pubkey", k.pub()}).code == 0);
    // One copy per byte, that byte changed, all checked in one run (each is reported on its own).
    std::vector<std::string> args{"verify", "--pubkey", k.pub(), "--json"};
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);  // e.g. '"' -> '#', '0' -> '1', 'a' -> '`'
        const auto copy = dir / ("c" + std::to_string(i) + ".json");
        write_text(copy, bad);
        args.push_back(copy.string());
    }
    const auto r = run(args);
    CHECK(r.code == 1);
    CHECK(error_lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains("(and " + std::to_string(good.size() - 1) + " more invalid certificates)"));
    std::istringstream printed(r.out);  // the report, then the error as JSON
    nlohmann::json first;
    printed >> first;
    const auto report = first["certificates"];
    REQUIRE(report.size() == good.size());
    for (std::size_t i = 0; i < good.size(); ++i) {
        if (report[i]["valid"] != false) {
            INFO("byte " << i << " '" << good[i] << "': " << report[i]["message"]);
            FAIL("not detected");
        }
    }
}

TEST_CASE("verify names a certificate signed by another key than --pubkey", "[cli][certify][bad-input]") {
    TempDir dir("bc-verify");
    const SigningKey k(dir / "key");
    const SigningKey other(dir / "other");
    const std::string file = write_certificate(dir / "c.json", other.key, "XS", "P1", 0, 0, 100, 50);
    check_failure(run({"verify", file, "--pubkey", k.pub()}), 1, "c.json: invalid: wrong key");
    const auto unpinned = run({"verify", file});
    CHECK(unpinned.code == 0);
    CHECK_THAT(unpinned.out, Catch::Contains("valid, key " + other.key.public_key().key_id() + " not pinned"));
    check_failure(run({"verify", (dir / "missing.json").string()}), 2, "missing.json");
    check_failure(run({"verify"}), 2, "certificates");
}

TEST_CASE("certify on the committed sample twice gives byte-identical certificates", "[cli][certify][sample]") {
    const CommittedSampleCopy s;
    const ScopedEnv epoch("SOURCE_DATE_EPOCH", "1767225600");  // 2026-01-01 00:00 UTC, both runs
    REQUIRE(run({"parcels", s.project.string(), "--quiet"}).code == 0);
    REQUIRE(run({"credits", s.project.string(), "--quiet"}).code == 0);
    REQUIRE(run({"certify", s.project.string()}).code == 0);
    std::map<std::string, std::string> first;
    for (const auto& f : s.certificates()) first[f.filename().string()] = slurp(f);
    REQUIRE(first.size() >= 2);
    fs::remove_all(s.out / "certificates");
    const auto again = run({"certify", s.project.string(), "--json"});
    REQUIRE(again.code == 0);
    CHECK(nlohmann::json::parse(again.out)["sample_key"] == true);
    std::map<std::string, std::string> second;
    for (const auto& f : s.certificates()) second[f.filename().string()] = slurp(f);
    CHECK(second == first);
    CHECK_THAT(first.begin()->second, Catch::Contains("\"assessment_date\":\"2026-01-01\""));
}

TEST_CASE("verify --recompute on the committed sample: valid, then a changed input is named with exit 1",
          "[cli][certify][sample][bad-input]") {
    const CommittedSampleCopy s;
    REQUIRE(run({"parcels", s.project.string(), "--quiet"}).code == 0);
    REQUIRE(run({"credits", s.project.string(), "--quiet"}).code == 0);
    REQUIRE(run({"certify", s.project.string()}).code == 0);
    std::vector<std::string> args{"verify"};
    for (const auto& f : s.certificates()) args.push_back(f.string());
    for (const char* a : {"--pubkey", "", "--recompute", "", "--json"}) args.emplace_back(a);
    args[args.size() - 4] = s.pub.string();
    args[args.size() - 2] = s.project.string();
    const auto ok = run(args);
    INFO(ok.out << ok.err);
    CHECK(ok.code == 0);
    CHECK(nlohmann::json::parse(ok.out)["valid"] == true);
    // The monitoring map is an input of the credits step: reclassify one byte at its end.
    std::fstream map((s.dir / "habitat_2025.tif").string(), std::ios::in | std::ios::out | std::ios::binary);
    map.seekp(-1, std::ios::end);
    map.put('\x7f');
    map.close();
    args.pop_back();  // without --json: the one-line error
    check_failure(run(args), 1, "invalid: input changed: habitat_2025.tif");
}

TEST_CASE("certify refuses a private key readable by others, naming it, and writes nothing", "[cli][certify][bad-input]") {
    CreditedProject p;
    ::chmod(p.key.c_str(), 0640);
    check_failure(run({"certify", p.project.string()}), 2, p.key.string());
    CHECK_FALSE(fs::exists(p.out / "certificates"));
    ::chmod(p.key.c_str(), 0600);
    CHECK(run({"certify", p.project.string(), "--key", p.key.string()}).code == 0);
}
