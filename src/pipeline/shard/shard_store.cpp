#include "pipeline/shard/shard_store.hpp"

#include <bluecarbon/core/byte_codec.hpp>
#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace bluecarbon::pipeline::shard {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t k_magic = 0x31544342;  // "BCT1"

[[noreturn]] void fail(const fs::path& p, const std::string& what) {
    throw IoError(p, fmt::format("{}: {}", what, std::strerror(errno)));
}

Fd open_fd(const fs::path& p, int flags) {
    const int fd = ::open(p.c_str(), flags | O_CLOEXEC, 0644);
    if (fd < 0) fail(p, "cannot open");
    return Fd(fd);
}

void write_all(int fd, const fs::path& p, const void* data, std::size_t n) {
    const auto* c = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) fail(p, "cannot write");
        c += w;
        n -= static_cast<std::size_t>(w);
    }
}

void read_at(int fd, const fs::path& p, void* data, std::size_t n, std::uint64_t off) {
    auto* c = static_cast<char*>(data);
    while (n > 0) {
        const ssize_t r = ::pread(fd, c, n, static_cast<off_t>(off));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) throw InputError(fmt::format("{}: truncated tile data", p.string()));
        c += r;
        off += static_cast<std::uint64_t>(r);
        n -= static_cast<std::size_t>(r);
    }
}

struct JournalLine {
    std::size_t tile;
    std::uint64_t end;
};

// The journal's complete lines (a line cut short by a crash, and anything after it, is ignored).
std::vector<JournalLine> read_journal(const fs::path& p, std::uint64_t* valid_bytes) {
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<JournalLine> lines;
    std::size_t pos = 0;
    while (true) {
        const std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) break;
        std::istringstream s(text.substr(pos, nl - pos));
        std::string word;
        JournalLine l{};
        if (!(s >> word >> l.tile >> l.end) || word != "tile") break;
        lines.push_back(l);
        pos = nl + 1;
    }
    if (valid_bytes != nullptr) *valid_bytes = pos;
    return lines;
}

}  // namespace

Fd::~Fd() {
    if (m_fd >= 0) ::close(m_fd);
}

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = o.m_fd;
        o.m_fd = -1;
    }
    return *this;
}

std::string shard_folder_name(std::size_t index, std::size_t count) {
    return fmt::format("shard-{}-of-{}", index, count);
}

ShardStore::ShardStore(const fs::path& dir, bool resume) : m_dir(dir) {
    const fs::path data = dir / "tiles.bin", journal = dir / "journal.txt";
    std::uint64_t journal_bytes = 0;
    if (resume && fs::exists(journal)) {
        for (const auto& l : read_journal(journal, &journal_bytes)) {
            m_done.insert(l.tile);
            m_end = l.end;
        }
    }
    m_data = open_fd(data, O_WRONLY | O_CREAT);
    m_journal = open_fd(journal, O_WRONLY | O_CREAT);
    // Cut both back to what the journal covers: a record or line half-written by a crash is dropped.
    if (::ftruncate(m_data.get(), static_cast<off_t>(m_end)) != 0) fail(data, "cannot truncate");
    if (::ftruncate(m_journal.get(), static_cast<off_t>(journal_bytes)) != 0) fail(journal, "cannot truncate");
    if (::lseek(m_data.get(), static_cast<off_t>(m_end), SEEK_SET) < 0) fail(data, "cannot seek");
    if (::lseek(m_journal.get(), static_cast<off_t>(journal_bytes), SEEK_SET) < 0) fail(journal, "cannot seek");
    // The folder's entries (the manifest, these two files) durable before any tile is counted done.
    const Fd folder = open_fd(dir, O_RDONLY | O_DIRECTORY);
    if (::fsync(folder.get()) != 0) fail(dir, "cannot sync");
}

void ShardStore::append(std::size_t tile, std::span<const std::vector<std::byte>> blobs) {
    ByteWriter head;
    head.put<std::uint32_t>(k_magic);
    head.put<std::uint64_t>(tile);
    head.put<std::uint32_t>(static_cast<std::uint32_t>(blobs.size()));
    for (const auto& b : blobs) head.put<std::uint64_t>(b.size());
    write_all(m_data.get(), m_dir / "tiles.bin", head.out.data(), head.out.size());
    m_end += head.out.size();
    for (const auto& b : blobs) {
        write_all(m_data.get(), m_dir / "tiles.bin", b.data(), b.size());
        m_end += b.size();
    }
    if (::fdatasync(m_data.get()) != 0) fail(m_dir / "tiles.bin", "cannot sync");
    const std::string line = fmt::format("tile {} {}\n", tile, m_end);
    write_all(m_journal.get(), m_dir / "journal.txt", line.data(), line.size());
    if (::fdatasync(m_journal.get()) != 0) fail(m_dir / "journal.txt", "cannot sync");
    m_done.insert(tile);
}

ShardReader::ShardReader(const fs::path& dir) : m_dir(dir) {
    const fs::path journal = dir / "journal.txt";
    if (!fs::exists(journal)) throw InputError(fmt::format("{}: no journal.txt: not a finished shard", dir.string()));
    m_data = open_fd(dir / "tiles.bin", O_RDONLY);
    std::uint64_t begin = 0;
    for (const auto& l : read_journal(journal, nullptr)) {
        if (l.end <= begin) throw InputError(fmt::format("{}: journal.txt is not in record order", dir.string()));
        m_tiles.push_back(l.tile);
        m_begin.push_back(begin);
        m_end.push_back(l.end);
        begin = l.end;
    }
}

TileRecord ShardReader::read(std::size_t k) const {
    const fs::path data = m_dir / "tiles.bin";
    const std::uint64_t size = m_end.at(k) - m_begin[k];
    std::vector<std::byte> buf(static_cast<std::size_t>(size));
    read_at(m_data.get(), data, buf.data(), buf.size(), m_begin[k]);
    ByteReader in(buf);
    TileRecord r;
    std::uint32_t magic = 0;
    std::uint64_t tile = 0;
    std::vector<std::uint64_t> sizes;
    try {
        magic = in.get<std::uint32_t>();
        tile = in.get<std::uint64_t>();
        sizes.resize(in.get_count<std::uint32_t>(sizeof(std::uint64_t)));
        for (auto& s : sizes) s = in.get<std::uint64_t>();
        // A misplaced record's sizes are garbage: its blobs are not read, and its error (below) is the misplacement.
        if (magic == k_magic && tile == m_tiles[k])
            for (auto s : sizes) {
                const auto b = in.get_bytes(static_cast<std::size_t>(s));
                r.blobs.emplace_back(b.begin(), b.end());
            }
    } catch (const InputError&) {
        throw InputError(fmt::format("{}: truncated tile record", data.string()));
    }
    if (magic != k_magic || tile != m_tiles[k])
        throw InputError(fmt::format("{}: the record of tile {} is not where the journal says", data.string(),
                                     m_tiles[k]));
    r.tile = static_cast<std::size_t>(tile);
    return r;
}

}  // namespace bluecarbon::pipeline::shard
