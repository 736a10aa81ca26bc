// Input hashes with a cache: a file whose identity (device, inode, size, times) is unchanged takes its recorded
// hash; a file written since is hashed again.
#include <bluecarbon/io/input_hashes.hpp>

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

using namespace bluecarbon;
namespace fs = std::filesystem;

TEST_CASE("hash_inputs with a cache reuses a recorded hash until the file is written", "[io][hashes]") {
    test::TempDir dir("bc-hashes");
    const fs::path file = dir / "input.bin", cache = dir / ".input-hashes.json";
    std::ofstream(file, std::ios::binary) << "abc";
    // A file written within the last second is hashed but not recorded (file times tick coarsely).
    CHECK(hash_inputs({{"input", file}}, cache)[0].sha256 ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_FALSE(fs::exists(cache));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    // SHA-256("abc"), the FIPS 180-2 example.
    const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const auto first = hash_inputs({{"input", file}}, cache);
    REQUIRE(first.size() == 1);
    CHECK(first[0].sha256 == abc);
    REQUIRE(fs::exists(cache));

    // A recorded hash is taken as it stands while the file is untouched: one planted in the cache comes back.
    nlohmann::json j;
    std::ifstream(cache) >> j;
    const std::string key = fs::absolute(file).lexically_normal().string();
    REQUIRE(j.contains(key));
    j[key]["sha256"] = std::string(64, '0');
    std::ofstream(cache) << j.dump();
    CHECK(hash_inputs({{"input", file}}, cache)[0].sha256 == std::string(64, '0'));

    // Written again: its size and status-change time move, so it is hashed afresh (SHA-256 of the empty string).
    std::ofstream(file, std::ios::binary | std::ios::trunc).flush();
    CHECK(hash_inputs({{"input", file}}, cache)[0].sha256 ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Without a cache nothing is reused, and a corrupt cache is ignored.
    std::ofstream(cache) << "{ not json";
    CHECK(hash_inputs({{"input", file}}, cache)[0].sha256 == hash_inputs({{"input", file}})[0].sha256);
}
