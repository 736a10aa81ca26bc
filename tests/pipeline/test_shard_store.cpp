// A shard's tile records on disk: written by ShardStore, read back by ShardReader byte for byte, and a record the
// journal misplaces or cuts short is refused naming tiles.bin.
#include "pipeline/shard/shard_store.hpp"

#include "support/temp_dir.hpp"

#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

using namespace bluecarbon;
using pipeline::shard::ShardReader;
using pipeline::shard::ShardStore;

namespace {
std::vector<std::byte> bytes(std::initializer_list<int> v) {
    std::vector<std::byte> out;
    for (int x : v) out.push_back(static_cast<std::byte>(x));
    return out;
}
void write_journal(const std::filesystem::path& dir, const std::string& text) {
    std::ofstream(dir / "journal.txt", std::ios::binary | std::ios::trunc) << text;
}
}  // namespace

TEST_CASE("shard store: records come back as written", "[pipeline][shard][store]") {
    test::TempDir dir("bc-shard-store");
    {
        ShardStore store(dir.path(), false);
        const std::vector<std::vector<std::byte>> a{bytes({1, 2, 3}), {}, bytes({9})};
        const std::vector<std::vector<std::byte>> b{bytes({7, 7})};
        store.append(4, a);
        store.append(1, b);
    }
    // Record = magic 4 + tile 8 + count 4 + 8 per blob + the blobs: 16 + 24 + 4 = 44, then 16 + 8 + 2 = 26.
    CHECK(std::filesystem::file_size(dir / "tiles.bin") == 70);
    ShardReader reader(dir.path());
    REQUIRE(reader.tiles() == std::vector<std::size_t>{4, 1});
    const auto r0 = reader.read(0), r1 = reader.read(1);
    CHECK(r0.tile == 4);
    REQUIRE(r0.blobs.size() == 3);
    CHECK(r0.blobs[0] == bytes({1, 2, 3}));
    CHECK(r0.blobs[1].empty());
    CHECK(r0.blobs[2] == bytes({9}));
    CHECK(r1.tile == 1);
    REQUIRE(r1.blobs.size() == 1);
    CHECK(r1.blobs[0] == bytes({7, 7}));
}

TEST_CASE("shard store: a misplaced or cut record is refused naming tiles.bin", "[pipeline][shard][store]") {
    test::TempDir dir("bc-shard-store");
    {
        ShardStore store(dir.path(), false);
        const std::vector<std::vector<std::byte>> a{bytes({1, 2, 3})};
        store.append(0, a);  // 16 + 8 + 3 = 27 bytes
    }
    write_journal(dir.path(), "tile 5 27\n");  // the record holds tile 0
    CHECK_THROWS_WITH(ShardReader(dir.path()).read(0),
                      Catch::Contains("tiles.bin") && Catch::Contains("not where the journal says"));
    write_journal(dir.path(), "tile 0 26\n");  // one byte of the blob cut off
    CHECK_THROWS_WITH(ShardReader(dir.path()).read(0),
                      Catch::Contains("tiles.bin") && Catch::Contains("truncated tile record"));
    write_journal(dir.path(), "tile 0 10\n");  // not even the header (12 bytes before the count)
    CHECK_THROWS_WITH(ShardReader(dir.path()).read(0), Catch::Contains("truncated tile record"));
}
