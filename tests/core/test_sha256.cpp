#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace bluecarbon;

// Expected digests are FIPS 180-2 Appendix B's published test vectors (B.1 "abc", B.2 the 448-bit message,
// B.3 one million 'a') and the well-known digest of the empty string.
TEST_CASE("sha256 matches the FIPS 180-2 test vectors", "[sha256]") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 h;
    const std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i) h.update(thousand);
    CHECK(to_hex(h.digest()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 of a file equals the digest of its bytes, and a missing file names itself", "[sha256]") {
    const fs::path dir = fs::temp_directory_path() / "bluecarbon_test_sha256";
    fs::create_directories(dir);
    const fs::path file = dir / "data.bin";
    std::string bytes;
    for (int i = 0; i < 3'000'000; ++i) bytes.push_back(static_cast<char>(i * 7 + 3));  // spans several 1 MiB reads
    std::ofstream(file, std::ios::binary) << bytes;
    CHECK(sha256_file_hex(file) == sha256_hex(bytes));
    CHECK_THROWS_WITH(sha256_file_hex(dir / "missing.bin"), Catch::Contains("missing.bin"));
    Sha256 h;
    (void)h.digest();
    CHECK_THROWS_AS(h.update("x"), Error);
    fs::remove_all(dir);
}
