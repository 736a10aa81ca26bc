#include <bluecarbon/certify/base64.hpp>
#include <bluecarbon/certify/keys.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>

using namespace bluecarbon;
using namespace bluecarbon::certify;

namespace {
std::vector<std::uint8_t> from_hex(const std::string& h) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < h.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    }
    return out;
}
std::string hex(std::span<const std::uint8_t> b) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    for (auto x : b) {
        s.push_back(d[x >> 4]);
        s.push_back(d[x & 15]);
    }
    return s;
}
mode_t file_mode(const std::filesystem::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}
}  // namespace

// RFC 4648 §10 test vectors.
TEST_CASE("base64 matches RFC 4648 and decodes only canonical text", "[base64]") {
    auto enc = [](const std::string& s) {
        return base64_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    };
    CHECK(enc("") == "");
    CHECK(enc("f") == "Zg==");
    CHECK(enc("fo") == "Zm8=");
    CHECK(enc("foo") == "Zm9v");
    CHECK(enc("foob") == "Zm9vYg==");
    CHECK(enc("fooba") == "Zm9vYmE=");
    CHECK(enc("foobar") == "Zm9vYmFy");
    const auto d = base64_decode("Zm9vYmE=");
    REQUIRE(d);
    CHECK(std::string(d->begin(), d->end()) == "fooba");
    CHECK_FALSE(base64_decode("Zm9vYmF="));  // unused bits set: would alias "fooba"
    CHECK_FALSE(base64_decode("Zh=="));      // same for one byte
    CHECK_FALSE(base64_decode("Zm9"));
    CHECK_FALSE(base64_decode("Zm=v"));
    CHECK_FALSE(base64_decode("Zm9v\n"));
}

// RFC 8032 §7.1 TEST 1 (empty message): seed, public key and signature. The seed goes into PKCS#8 with the fixed
// 16-byte Ed25519 prefix of RFC 8410 §7.
TEST_CASE("Ed25519 signing matches RFC 8032's first test vector", "[keys]") {
    const auto seed = from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    auto der = from_hex("302e020100300506032b657004220420");
    der.insert(der.end(), seed.begin(), seed.end());
    const std::string pem = "-----BEGIN PRIVATE KEY-----\n" + base64_encode(der) + "\n-----END PRIVATE KEY-----\n";
    const PrivateKey key = PrivateKey::from_pem(pem, "rfc8032");
    CHECK(hex(key.public_key().raw()) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const auto sig = key.sign("");
    CHECK(hex(sig) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                      "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    CHECK(key.public_key().verify("", sig));
    CHECK_FALSE(key.public_key().verify("x", sig));
    CHECK(key.public_key().key_id() ==
          sha256_hex(std::string(reinterpret_cast<const char*>(key.public_key().raw().data()), 32)));
}

TEST_CASE("a reused SignatureVerifier gives each key's own answer", "[keys]") {
    const PrivateKey a = PrivateKey::generate();
    const PrivateKey b = PrivateKey::generate();
    const auto sa = a.sign("message");
    const auto sb = b.sign("message");
    SignatureVerifier v;
    // Alternating keys and outcomes: the cached key object must follow the key asked about.
    for (int round = 0; round < 3; ++round) {
        CHECK(v.verify(a.public_key(), "message", sa));
        CHECK_FALSE(v.verify(b.public_key(), "message", sa));
        CHECK(v.verify(b.public_key(), "message", sb));
        CHECK_FALSE(v.verify(b.public_key(), "messagE", sb));
        CHECK_FALSE(v.verify(a.public_key(), "message", std::span(sa).first(63)));
    }
}

TEST_CASE("a key pair is written with a 0600 private key and reads back", "[keys]") {
    test::TempDir dir("bluecarbon-keys");
    const PrivateKey key = PrivateKey::generate();
    const auto files = write_key_pair(key, dir / "k");
    CHECK(file_mode(files.private_key) == 0600);
    CHECK(files.key_id == key.public_key().key_id());
    const PrivateKey back = PrivateKey::load(files.private_key);
    CHECK(back.public_key() == key.public_key());
    CHECK(load_public_key(files.public_key) == key.public_key());
    // The base64 form of the key is accepted as a public key file too.
    std::ofstream(dir / "k.b64") << key.public_key().base64() << "\n";
    CHECK(load_public_key(dir / "k.b64") == key.public_key());
    // Ed25519 is deterministic: the same message signs to the same bytes.
    CHECK(key.sign("parcel") == back.sign("parcel"));
    CHECK_FALSE(PrivateKey::generate().public_key() == key.public_key());
    // No overwrite, and no temporary files left behind.
    CHECK_THROWS_WITH(write_key_pair(PrivateKey::generate(), dir / "k"), Catch::Contains("already exists"));
    CHECK(load_public_key(files.public_key) == key.public_key());
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "k")) ++entries;
    CHECK(entries == 2);
}

TEST_CASE("a private key readable by group or others is refused, naming the file", "[keys]") {
    test::TempDir dir("bluecarbon-keys");
    const auto files = write_key_pair(PrivateKey::generate(), dir.path());
    for (mode_t mode : {0640, 0604, 0660, 0644, 0700 | 0004}) {
        CAPTURE(mode);
        REQUIRE(::chmod(files.private_key.c_str(), mode) == 0);
        CHECK_THROWS_AS(PrivateKey::load(files.private_key), InputError);
        CHECK_THROWS_WITH(PrivateKey::load(files.private_key),
                          Catch::Contains(files.private_key.string()) && Catch::Contains("too open"));
    }
    REQUIRE(::chmod(files.private_key.c_str(), 0400) == 0);
    CHECK_NOTHROW(PrivateKey::load(files.private_key));
    CHECK_THROWS_WITH(PrivateKey::load(dir / "missing.key"), Catch::Contains("missing.key"));
    std::ofstream(dir / "junk.pub") << "not a key";
    CHECK_THROWS_WITH(load_public_key(dir / "junk.pub"), Catch::Contains("junk.pub"));
}
