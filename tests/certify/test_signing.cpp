#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/certify/signing.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include "certify/certificate_fixture.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace bluecarbon;
using namespace bluecarbon::certify;
using nlohmann::json;

namespace {
using bluecarbon::test::slurp;
const PrivateKey& test_key() {
    static const PrivateKey key = PrivateKey::generate();
    return key;
}
}  // namespace

TEST_CASE("a certificate round-trips through its signed file", "[signing]") {
    test::TempDir dir("bluecarbon-sign");
    const Certificate cert = test::sample_certificate("XS-2025", "P-017", 0, 0, 100, 50, 42, {2023, 2024});
    const std::string bytes = sign_certificate(cert, test_key());
    CHECK(is_canonical_json(bytes));
    write_certificate_file(dir / "P-017.json", bytes);
    CHECK(slurp(dir / "P-017.json") == bytes);

    const VerifyResult r = verify_certificate_file(dir / "P-017.json");
    REQUIRE(r.ok());
    CHECK_FALSE(r.pinned);
    CHECK(r.key_id == test_key().public_key().key_id());
    CHECK(r.message() == "valid, key " + r.key_id + " not pinned");
    CHECK(r.file_sha256 == sha256_hex(bytes));
    REQUIRE(r.certificate);
    CHECK(*r.certificate == cert);

    // The file layout the issue states.
    const json file = json::parse(bytes);
    CHECK(file["signature"]["alg"] == "Ed25519");
    CHECK(file["signature"]["key"] == test_key().public_key().base64());
    CHECK(file["signature"]["key_id"] == test_key().public_key().key_id());
    CHECK(file["certificate"]["vintages"][1]["credits"] == 42);
    // A pool without an interval has no ci90 members; the total has both bounds.
    CHECK(file["certificate"]["stock"]["agb"] == json{{"mean_mg_c", 120.5}});
    CHECK(file["certificate"]["stock"]["total"]["ci90_high_mg_c"] == 1130.125);

    const PublicKey pub = test_key().public_key();
    const VerifyResult pinned = verify_certificate(bytes, &pub);
    CHECK(pinned.ok());
    CHECK(pinned.message() == "valid, key " + r.key_id);
}

TEST_CASE("the same certificate signs to byte-identical files", "[signing]") {
    test::TempDir dir("bluecarbon-sign");
    const auto cert = test::sample_certificate("XS-2025", "P-001", 10, 20, 30, 40);
    write_certificate_file(dir / "a.json", sign_certificate(cert, test_key()));
    const auto same = test::sample_certificate("XS-2025", "P-001", 10, 20, 30, 40);
    write_certificate_file(dir / "b.json", sign_certificate(same, test_key()));
    CHECK(slurp(dir / "a.json") == slurp(dir / "b.json"));
    // A different member order in the source JSON gives the same bytes too.
    json reordered = json::object();
    const json j = to_json(cert);
    for (auto it = j.crbegin(); it != j.crend(); ++it) reordered[it.key()] = it.value();
    CHECK(sign_certificate_json(reordered, test_key()) == slurp(dir / "a.json"));
}

TEST_CASE("every byte of a certificate changed in turn is detected", "[signing]") {
    const std::string bytes = sign_certificate(test::sample_certificate("XS", "P-9", 0, 0, 10, 10), test_key());
    REQUIRE(verify_certificate(bytes).ok());
    int detected = 0;
    for (const unsigned char flip : {0x01, 0x20, 0x80}) {
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            std::string changed = bytes;
            changed[i] = static_cast<char>(static_cast<unsigned char>(changed[i]) ^ flip);
            const VerifyResult r = verify_certificate(changed);
            if (r.ok()) FAIL("byte " << i << " xor " << int(flip) << " went undetected");
            ++detected;
        }
    }
    CHECK(detected == 3 * static_cast<int>(bytes.size()));
}

TEST_CASE("invalid certificates name their reason", "[signing]") {
    const auto cert = test::sample_certificate("XS", "P-1", 0, 0, 10, 10);
    const std::string bytes = sign_certificate(cert, test_key());
    json file = json::parse(bytes);

    SECTION("pretty-printed is not canonical") {
        const auto r = verify_certificate(file.dump(2));
        CHECK(r.status == VerifyStatus::non_canonical);
        CHECK(r.message().find("non-canonical") != std::string::npos);
    }
    SECTION("a changed number, canonical again, breaks the signature") {
        file["certificate"]["vintages"][0]["credits"] = 11;
        const auto r = verify_certificate(canonical_json(file));
        CHECK(r.status == VerifyStatus::bad_signature);
        CHECK(r.message() == "invalid: bad signature: the signature does not verify over the certificate");
    }
    SECTION("another key's signature with the certificate's key swapped in") {
        const PrivateKey other = PrivateKey::generate();
        json forged = json::parse(sign_certificate(cert, other));
        forged["signature"]["key"] = file["signature"]["key"];
        forged["signature"]["key_id"] = file["signature"]["key_id"];
        CHECK(verify_certificate(canonical_json(forged)).status == VerifyStatus::bad_signature);
    }
    SECTION("a key_id that is not the key's fingerprint") {
        file["signature"]["key_id"] = std::string(64, '0');
        CHECK(verify_certificate(canonical_json(file)).status == VerifyStatus::wrong_key);
    }
    SECTION("signed by another key while a key is pinned") {
        const PrivateKey other = PrivateKey::generate();
        const std::string by_other = sign_certificate(cert, other);
        const PublicKey pinned = test_key().public_key();
        const auto r = verify_certificate(by_other, &pinned);
        CHECK(r.status == VerifyStatus::wrong_key);
        CHECK(r.message().find(other.public_key().key_id()) != std::string::npos);
        CHECK(verify_certificate(by_other).ok());  // valid in itself, just not by the pinned key
    }
    SECTION("a geometry hash that does not match its WKB, properly signed") {
        auto bad = cert;
        bad.geometry.sha256 = sha256_hex("something else");
        const auto r = verify_certificate(sign_certificate(bad, test_key()));
        CHECK(r.status == VerifyStatus::hash_mismatch);
    }
    SECTION("a signed object that is not a certificate") {
        const auto r = verify_certificate(sign_certificate_json({{"hello", "world"}}, test_key()));
        CHECK(r.status == VerifyStatus::malformed);
        CHECK(r.detail.find("certificate.") != std::string::npos);
    }
    SECTION("an extra top-level member") {
        file["note"] = "x";
        CHECK(verify_certificate(canonical_json(file)).status == VerifyStatus::malformed);
    }
}
