#pragma once
// Private to the pipeline: a shard's (or checkpointed run's) finished tiles on disk. tiles.bin holds one record
// per finished tile (its blocks of every output raster as the sinks captured them, then its partial sums);
// journal.txt holds one line per record, "tile <index> <end offset of its record in tiles.bin>". A tile counts as
// done only once its line is durable, and its line is written only after its record is (fdatasync in between),
// so after a crash at any moment the journal names only tiles whose data is complete.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <span>
#include <vector>

namespace bluecarbon::pipeline::shard {

/// A file descriptor closed on destruction.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd();
    Fd(Fd&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const noexcept { return m_fd; }

private:
    int m_fd{-1};
};

/// One tile's record: the tile index and its blobs (one per output raster, then the sums).
struct TileRecord {
    std::size_t tile{0};
    std::vector<std::vector<std::byte>> blobs;
};

class ShardStore {
public:
    /// Opens the store in `dir` (created empty when `resume` is false or no journal exists). On resume the
    /// journal's complete lines name the done tiles, and both files are cut back to what they cover.
    ShardStore(const std::filesystem::path& dir, bool resume);
    [[nodiscard]] const std::set<std::size_t>& done() const noexcept { return m_done; }
    /// Appends a finished tile durably (record, fdatasync, journal line, fdatasync). Not thread-safe: called
    /// from the executor's ordered merge.
    void append(std::size_t tile, std::span<const std::vector<std::byte>> blobs);

private:
    std::filesystem::path m_dir;
    Fd m_data, m_journal;
    std::uint64_t m_end{0};
    std::set<std::size_t> m_done;
};

/// Reads a finished store: each journalled tile's record position, for reading them in any order.
class ShardReader {
public:
    /// Throws InputError naming the folder when the journal or data are unreadable or inconsistent.
    explicit ShardReader(const std::filesystem::path& dir);
    /// Tiles in the journal, in journal order.
    [[nodiscard]] const std::vector<std::size_t>& tiles() const noexcept { return m_tiles; }
    /// The record of the k-th journalled tile (thread-safe: positioned reads).
    [[nodiscard]] TileRecord read(std::size_t k) const;

private:
    std::filesystem::path m_dir;
    Fd m_data;
    std::vector<std::size_t> m_tiles;
    std::vector<std::uint64_t> m_begin, m_end;
};

/// "shard-<index>-of-<count>"
[[nodiscard]] std::string shard_folder_name(std::size_t index, std::size_t count);

}  // namespace bluecarbon::pipeline::shard
