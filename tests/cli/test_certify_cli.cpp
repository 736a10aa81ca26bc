// keygen, certify and verify through the CLI: exit codes, one-line errors, and the bad inputs.
#include "cli/certify_cli_fixture.hpp"
#include "pipeline/credited_project.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace bluecarbon;
using namespace bluecarbon::test;
namespace fs = std::filesystem;

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
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);  // e.g. '"' -> '#', '0' -> '1', 'a' -> '`'
        write_text(dir / "c.json", bad);
        const auto r = run({"verify", file, "--pubkey", k.pub()});
        if (r.code != 1 || error_lines(r.err).size() != 1) {
            INFO("byte " << i << " '" << good[i] << "': " << r.err);
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

TEST_CASE("certify then verify --recompute: an input changed afterwards is named, exit 1", "[cli][certify][bad-input]") {
    CreditedProject p;
    const auto c = run({"certify", p.project.string()});
    REQUIRE(c.code == 0);
    CHECK_THAT(c.out, Catch::Contains("1 certificate(s), 46 t CO2e"));
    const std::string cert = (p.out / "certificates" / "P1.json").string();
    const auto ok = run({"verify", cert, "--pubkey", p.pub.string(), "--recompute", p.project.string(), "--json"});
    CHECK(ok.code == 0);
    CHECK(nlohmann::json::parse(ok.out)["valid"] == true);
    write_text(p.dir / "classes.tif", "class bytes, reclassified");
    check_failure(run({"verify", cert, "--recompute", p.project.string()}), 1, "input changed: classes.tif");
}

TEST_CASE("certify refuses a private key readable by others, naming it, and writes nothing", "[cli][certify][bad-input]") {
    CreditedProject p;
    ::chmod(p.key.c_str(), 0640);
    check_failure(run({"certify", p.project.string()}), 2, p.key.string());
    CHECK_FALSE(fs::exists(p.out / "certificates"));
    ::chmod(p.key.c_str(), 0600);
    CHECK(run({"certify", p.project.string(), "--key", p.key.string()}).code == 0);
}
