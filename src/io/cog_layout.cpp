#include "cog_layout.hpp"

#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bluecarbon::io {

namespace fs = std::filesystem;

namespace {

constexpr std::uint16_t k_tile_offsets = 324;
constexpr std::uint16_t k_tile_byte_counts = 325;
constexpr std::uint16_t k_type_long = 4;
constexpr std::uint16_t k_type_long8 = 16;

// The structural metadata GDAL writes right after the header of a COG (and checks to report LAYOUT=COG).
constexpr const char* k_ghost_body =
    "LAYOUT=IFDS_BEFORE_DATA\n"
    "BLOCK_ORDER=ROW_MAJOR\n"
    "BLOCK_LEADER=SIZE_AS_UINT4\n"
    "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\n"
    "KNOWN_INCOMPATIBLE_EDITION=NO\n"
    " ";  // the IFD that follows starts on a word boundary

std::string ghost_area() {
    const std::string body = k_ghost_body;
    return fmt::format("GDAL_STRUCTURAL_METADATA_SIZE={:06d} bytes\n", body.size()) + body;
}

std::size_t type_size(std::uint16_t type) {
    switch (type) {
        case 1: case 2: case 6: case 7: return 1;    // BYTE, ASCII, SBYTE, UNDEFINED
        case 3: case 8: return 2;                    // SHORT, SSHORT
        case 4: case 9: case 11: case 13: return 4;  // LONG, SLONG, FLOAT, IFD
        case 5: case 10: case 12: case 16: case 17: case 18: return 8;  // RATIONALs, DOUBLE, LONG8, SLONG8, IFD8
        default: return 0;
    }
}

struct Entry {
    std::uint16_t tag{0}, type{0};
    std::uint64_t count{0};
    std::vector<std::uint8_t> value;  // count values, little-endian, as stored
};

struct Level {
    std::vector<Entry> entries;
    std::vector<std::uint64_t> offsets, sizes;  // per tile, in the source, then in the output
    std::uint64_t width{0}, height{0}, tile_width{0}, tile_height{0};
    std::uint64_t pixel_bytes{0};  // bytes of one pixel in a tile: bits per sample / 8, × samples when interleaved
    bool uncompressed{false};      // Compression = 1: tiles are raw pixels, their edge padding can be zeroed
};

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const noexcept { return m_fd; }
    int release() noexcept { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

template <typename T>
T get_le(const std::uint8_t* p) {
    T v{};
    std::memcpy(&v, p, sizeof v);  // the host is little-endian, as the files (checked on reading)
    return v;
}

class Reader {
public:
    explicit Reader(const fs::path& path) : m_path(path), m_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
        if (m_fd.get() < 0) fail("cannot open");
    }
    void read(std::uint64_t offset, void* dst, std::size_t n) const {
        auto* out = static_cast<std::uint8_t*>(dst);
        while (n > 0) {
            const ssize_t got = ::pread(m_fd.get(), out, n, static_cast<off_t>(offset));
            if (got <= 0) fail(fmt::format("cannot read {} bytes at offset {}", n, offset));
            out += got;
            offset += static_cast<std::uint64_t>(got);
            n -= static_cast<std::size_t>(got);
        }
    }
    [[nodiscard]] int fd() const noexcept { return m_fd.get(); }
    [[noreturn]] void fail(const std::string& what) const {
        throw IoError(m_path, "rearranging the tiles of the GeoTIFF: " + what);
    }

private:
    fs::path m_path;
    Fd m_fd;
};

std::vector<std::uint64_t> as_integers(const Entry& e, const Reader& r) {
    std::vector<std::uint64_t> v(e.count);
    const std::uint8_t* p = e.value.data();
    for (std::uint64_t i = 0; i < e.count; ++i) {
        switch (e.type) {
            case 3: v[i] = get_le<std::uint16_t>(p + 2 * i); break;
            case 4: v[i] = get_le<std::uint32_t>(p + 4 * i); break;
            case 16: v[i] = get_le<std::uint64_t>(p + 8 * i); break;
            default: r.fail(fmt::format("tile offsets or sizes of TIFF type {}", e.type));
        }
    }
    return v;
}

std::vector<Level> read_levels(const Reader& r, bool& big) {
    std::uint8_t header[16];
    r.read(0, header, 8);
    if (header[0] != 'I' || header[1] != 'I') r.fail("not a little-endian TIFF");
    const auto version = get_le<std::uint16_t>(header + 2);
    if (version != 42 && version != 43) r.fail("not a TIFF");
    big = version == 43;
    std::uint64_t next = 0;
    if (big) {
        r.read(8, header + 8, 8);
        next = get_le<std::uint64_t>(header + 8);
    } else {
        next = get_le<std::uint32_t>(header + 4);
    }
    const std::size_t inline_bytes = big ? 8 : 4, entry_bytes = big ? 20 : 12, count_bytes = big ? 8 : 2;
    std::vector<Level> levels;
    while (next != 0) {
        if (levels.size() > 64) r.fail("too many IFDs");
        std::uint8_t cb[8];
        r.read(next, cb, count_bytes);
        const std::uint64_t n = big ? get_le<std::uint64_t>(cb) : get_le<std::uint16_t>(cb);
        std::vector<std::uint8_t> raw(static_cast<std::size_t>(n) * entry_bytes + (big ? 8 : 4));
        r.read(next + count_bytes, raw.data(), raw.size());
        Level level;
        std::uint64_t bits = 0, samples = 1, planar = 1;
        for (std::uint64_t i = 0; i < n; ++i) {
            const std::uint8_t* p = raw.data() + i * entry_bytes;
            Entry e;
            e.tag = get_le<std::uint16_t>(p);
            e.type = get_le<std::uint16_t>(p + 2);
            e.count = big ? get_le<std::uint64_t>(p + 4) : get_le<std::uint32_t>(p + 4);
            const std::size_t ts = type_size(e.type);
            if (ts == 0) r.fail(fmt::format("tag {} has the unknown TIFF type {}", e.tag, e.type));
            const std::uint64_t bytes = e.count * ts;
            if (bytes > (std::uint64_t{1} << 32)) r.fail(fmt::format("tag {} is too large", e.tag));
            e.value.resize(static_cast<std::size_t>(bytes));
            const std::uint8_t* field = p + (big ? 12 : 8);
            if (bytes <= inline_bytes)
                std::memcpy(e.value.data(), field, e.value.size());
            else
                r.read(big ? get_le<std::uint64_t>(field) : get_le<std::uint32_t>(field), e.value.data(),
                       e.value.size());
            if (e.tag == k_tile_offsets) level.offsets = as_integers(e, r);
            if (e.tag == k_tile_byte_counts) level.sizes = as_integers(e, r);
            if (e.tag == 256) level.width = as_integers(e, r).at(0);
            if (e.tag == 257) level.height = as_integers(e, r).at(0);
            if (e.tag == 258) bits = as_integers(e, r).at(0);
            if (e.tag == 259) level.uncompressed = as_integers(e, r).at(0) == 1;
            if (e.tag == 277) samples = as_integers(e, r).at(0);
            if (e.tag == 284) planar = as_integers(e, r).at(0);
            if (e.tag == 322) level.tile_width = as_integers(e, r).at(0);
            if (e.tag == 323) level.tile_height = as_integers(e, r).at(0);
            level.entries.push_back(std::move(e));
        }
        // Planar configuration 2: each band's tiles apart (one after another band), one sample per pixel in each.
        level.pixel_bytes = bits % 8 == 0 ? bits / 8 * (planar == 2 ? 1 : samples) : 0;
        if (level.offsets.empty() || level.offsets.size() != level.sizes.size()) r.fail("an IFD without tiles");
        levels.push_back(std::move(level));
        const std::uint8_t* tail = raw.data() + n * entry_bytes;
        next = big ? get_le<std::uint64_t>(tail) : get_le<std::uint32_t>(tail);
    }
    if (levels.empty()) r.fail("no image");
    // The full image first, then the overviews from the largest down.
    std::stable_sort(levels.begin(), levels.end(), [](const Level& a, const Level& b) { return a.width > b.width; });
    return levels;
}

std::uint64_t even(std::uint64_t v) { return v + (v & 1); }

/// Columns and rows of tile `t` inside the image, when it is an uncompressed edge tile whose padding (the part
/// outside the image) must be zeroed; nullopt for a tile copied as it is.
std::optional<std::pair<std::uint64_t, std::uint64_t>> edge_tile(const Level& l, std::size_t t) {
    if (!l.uncompressed || l.pixel_bytes == 0 || l.tile_width == 0 || l.tile_height == 0) return std::nullopt;
    if (l.sizes[t] != l.tile_width * l.tile_height * l.pixel_bytes) return std::nullopt;
    const std::uint64_t across = (l.width + l.tile_width - 1) / l.tile_width;
    const std::uint64_t down = (l.height + l.tile_height - 1) / l.tile_height;
    const std::uint64_t in_plane = t % (across * down);  // the same position in every band's plane
    const std::uint64_t x0 = (in_plane % across) * l.tile_width, y0 = (in_plane / across) * l.tile_height;
    if (x0 >= l.width || y0 >= l.height) return std::nullopt;
    const std::uint64_t cols = std::min(l.tile_width, l.width - x0), rows = std::min(l.tile_height, l.height - y0);
    if (cols == l.tile_width && rows == l.tile_height) return std::nullopt;
    return std::pair{cols, rows};
}

/// An uncompressed edge tile with everything outside its `cols` x `rows` corner set to zero: GDAL leaves there
/// nodata or zeros depending on how the tile's pixels were written (one RasterIO covering the tile's part of
/// the image or several), so without this the bytes of a file would depend on the tile size of the run.
void zero_padding(std::vector<std::uint8_t>& tile, const Level& l, std::uint64_t cols, std::uint64_t rows) {
    const std::uint64_t row_bytes = l.tile_width * l.pixel_bytes, keep = cols * l.pixel_bytes;
    for (std::uint64_t r = 0; r < l.tile_height; ++r) {
        auto* row = tile.data() + r * row_bytes;
        std::fill(row + (r < rows ? keep : 0), row + row_bytes, std::uint8_t{0});
    }
}

// The byte size of one level's IFD and its out-of-line values in the output flavour.
std::uint64_t ifd_bytes(const Level& level, bool big) {
    const std::uint64_t inline_bytes = big ? 8 : 4;
    std::uint64_t size = big ? 8 + level.entries.size() * 20 + 8 : 2 + level.entries.size() * 12 + 4;
    for (const auto& e : level.entries) {
        std::uint64_t bytes = e.value.size();
        if (e.tag == k_tile_offsets || e.tag == k_tile_byte_counts) bytes = level.offsets.size() * (big ? 8 : 4);
        if (bytes > inline_bytes) size = even(size + bytes);
    }
    return size;
}

// Assigns every tile its output offset (after its 4-byte leader in the COG layout); returns the file size.
std::uint64_t place_tiles(const std::vector<Level>& levels, std::uint64_t data_start, bool cog,
                          std::vector<std::vector<std::uint64_t>>& out_offsets) {
    out_offsets.assign(levels.size(), {});
    std::uint64_t pos = data_start;
    for (std::size_t li = levels.size(); li-- > 0;) {
        const Level& level = levels[li];
        auto& offs = out_offsets[li];
        offs.resize(level.sizes.size());
        for (std::size_t t = 0; t < level.sizes.size(); ++t) {
            if (level.sizes[t] == 0) {
                offs[t] = 0;  // a sparse tile stays sparse
                continue;
            }
            if (!cog) {
                offs[t] = pos;
                pos = even(pos + level.sizes[t]);
                continue;
            }
            offs[t] = pos + 4;
            pos += 4 + level.sizes[t] + (level.sizes[t] >= 4 ? 4 : 0);
        }
    }
    return pos;
}

// Buffered writes of the IFDs; tile data copied file to file inside the kernel (copy_file_range), falling back
// to reading and writing where the kernel cannot.
class Writer {
public:
    explicit Writer(const fs::path& path)
        : m_path(path), m_fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
        if (m_fd.get() < 0) fail("cannot create");
    }
    void put(const void* p, std::size_t n) {
        const std::size_t at = m_buffer.size();
        m_buffer.resize(at + n);
        if (n > 0) std::memcpy(m_buffer.data() + at, p, n);
        m_pos += n;
        if (m_buffer.size() >= (std::size_t{1} << 20)) flush();
    }
    template <typename T>
    void put_le(T v) {
        put(&v, sizeof v);
    }
    void pad_to(std::uint64_t pos) {
        static constexpr std::uint8_t zeros[8] = {};
        while (m_pos < pos) put(zeros, static_cast<std::size_t>(std::min<std::uint64_t>(8, pos - m_pos)));
        if (m_pos != pos) fail("internal layout error");
    }
    void copy_from(const Reader& source, int source_fd, std::uint64_t offset, std::uint64_t n) {
        flush();
        auto in = static_cast<off_t>(offset);
        std::uint64_t left = n;
        while (left > 0 && m_kernel_copy) {
            const ssize_t done = ::copy_file_range(source_fd, &in, m_fd.get(), nullptr, left, 0);
            if (done < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
                m_kernel_copy = false;
                break;
            }
            if (done <= 0) fail("cannot copy a tile");
            left -= static_cast<std::uint64_t>(done);
        }
        if (left > 0) {
            std::vector<std::uint8_t> bytes(static_cast<std::size_t>(left));
            source.read(static_cast<std::uint64_t>(in), bytes.data(), bytes.size());
            put(bytes.data(), bytes.size());
            m_pos -= bytes.size();  // counted below with the whole tile
        }
        m_pos += n;
    }
    [[nodiscard]] std::uint64_t pos() const noexcept { return m_pos; }
    void close() {
        flush();
        if (::close(m_fd.release()) != 0) fail("cannot finish writing");
    }
    [[noreturn]] void fail(const std::string& what) const { throw IoError(m_path, what); }

private:
    void flush() {
        std::size_t done = 0;
        while (done < m_buffer.size()) {
            const ssize_t n = ::write(m_fd.get(), m_buffer.data() + done, m_buffer.size() - done);
            if (n <= 0) fail("cannot write");
            done += static_cast<std::size_t>(n);
        }
        m_buffer.clear();
    }
    fs::path m_path;
    Fd m_fd;
    std::vector<std::uint8_t> m_buffer;
    std::uint64_t m_pos{0};
    bool m_kernel_copy{true};
};

void write_ifd(Writer& w, const Level& level, const std::vector<std::uint64_t>& tile_offsets, bool big,
               std::uint64_t next_ifd) {
    const std::uint64_t start = w.pos(), inline_bytes = big ? 8 : 4;
    std::uint64_t extra = start + (big ? 8 + level.entries.size() * 20 + 8 : 2 + level.entries.size() * 12 + 4);
    std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> out_of_line;
    const auto integers = [big](const std::vector<std::uint64_t>& v) {
        std::vector<std::uint8_t> bytes(v.size() * (big ? 8 : 4));
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (big) {
                std::memcpy(bytes.data() + 8 * i, &v[i], 8);
            } else {
                const auto x = static_cast<std::uint32_t>(v[i]);
                std::memcpy(bytes.data() + 4 * i, &x, 4);
            }
        }
        return bytes;
    };
    if (big)
        w.put_le<std::uint64_t>(level.entries.size());
    else
        w.put_le<std::uint16_t>(static_cast<std::uint16_t>(level.entries.size()));
    for (const auto& e : level.entries) {
        std::uint16_t type = e.type;
        std::vector<std::uint8_t> value;
        const std::vector<std::uint8_t>* v = &e.value;
        if (e.tag == k_tile_offsets || e.tag == k_tile_byte_counts) {
            type = big ? k_type_long8 : k_type_long;
            value = integers(e.tag == k_tile_offsets ? tile_offsets : level.sizes);
            v = &value;
        }
        w.put_le<std::uint16_t>(e.tag);
        w.put_le<std::uint16_t>(type);
        if (big)
            w.put_le<std::uint64_t>(e.count);
        else
            w.put_le<std::uint32_t>(static_cast<std::uint32_t>(e.count));
        std::uint8_t field[8] = {};
        if (v->size() <= inline_bytes) {
            std::memcpy(field, v->data(), v->size());
        } else {
            if (big)
                std::memcpy(field, &extra, 8);
            else {
                const auto x = static_cast<std::uint32_t>(extra);
                std::memcpy(field, &x, 4);
            }
            out_of_line.emplace_back(extra, *v);
            extra = even(extra + v->size());
        }
        w.put(field, static_cast<std::size_t>(inline_bytes));
    }
    if (big)
        w.put_le<std::uint64_t>(next_ifd);
    else
        w.put_le<std::uint32_t>(static_cast<std::uint32_t>(next_ifd));
    for (const auto& [at, bytes] : out_of_line) {
        w.pad_to(at);
        w.put(bytes.data(), bytes.size());
    }
    w.pad_to(extra);
}

// Both layouts: the COG's (ghost area, leaders and trailers) or the plain row-major one.
void write_layout(const fs::path& tiled, const fs::path& out, bool cog) {
    const Reader source(tiled);
    bool big = false;
    std::vector<Level> levels = read_levels(source, big);
    for (auto& level : levels)
        for (std::size_t t = 0; t < level.sizes.size(); ++t)
            if (level.sizes[t] > std::numeric_limits<std::uint32_t>::max()) source.fail("a tile over 4 GB");

    const std::string ghost = cog ? ghost_area() : std::string();
    std::vector<std::vector<std::uint64_t>> tile_offsets;
    std::vector<std::uint64_t> ifd_at(levels.size());
    // Classic TIFF unless the source is BigTIFF or the rewritten file would pass 4 GB.
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::uint64_t pos = even((big ? 16 : 8) + ghost.size());
        for (std::size_t i = 0; i < levels.size(); ++i) {
            ifd_at[i] = pos;
            pos += ifd_bytes(levels[i], big);
        }
        const std::uint64_t end = place_tiles(levels, pos, cog, tile_offsets);
        if (big || end < (std::uint64_t{1} << 32) - 1) break;
        big = true;
    }

    Writer w(out);
    w.put("II", 2);
    if (big) {
        w.put_le<std::uint16_t>(43);
        w.put_le<std::uint16_t>(8);
        w.put_le<std::uint16_t>(0);
        w.put_le<std::uint64_t>(ifd_at[0]);
    } else {
        w.put_le<std::uint16_t>(42);
        w.put_le<std::uint32_t>(static_cast<std::uint32_t>(ifd_at[0]));
    }
    w.put(ghost.data(), ghost.size());
    w.pad_to(ifd_at[0]);
    for (std::size_t i = 0; i < levels.size(); ++i) {
        w.pad_to(ifd_at[i]);
        write_ifd(w, levels[i], tile_offsets[i], big, i + 1 < levels.size() ? ifd_at[i + 1] : 0);
    }
    // The tiles, smallest level first; in the COG layout each between its size and its last 4 bytes repeated.
    for (std::size_t li = levels.size(); li-- > 0;) {
        const Level& level = levels[li];
        for (std::size_t t = 0; t < level.sizes.size(); ++t) {
            const std::uint64_t size = level.sizes[t];
            if (size == 0) continue;
            if (cog) {
                w.pad_to(tile_offsets[li][t] - 4);
                w.put_le<std::uint32_t>(static_cast<std::uint32_t>(size));
            } else {
                w.pad_to(tile_offsets[li][t]);
            }
            if (const auto inside = edge_tile(level, t)) {
                std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
                source.read(level.offsets[t], bytes.data(), bytes.size());
                zero_padding(bytes, level, inside->first, inside->second);
                w.put(bytes.data(), bytes.size());
                if (cog && size >= 4) w.put(bytes.data() + size - 4, 4);
                continue;
            }
            w.copy_from(source, source.fd(), level.offsets[t], size);
            if (cog && size >= 4) {
                std::uint8_t last[4];
                source.read(level.offsets[t] + size - 4, last, 4);
                w.put(last, 4);
            }
        }
    }
    w.close();
}

}  // namespace

void write_cog_layout(const fs::path& tiled, const fs::path& out) { write_layout(tiled, out, true); }

void write_row_major_layout(const fs::path& tiled, const fs::path& out) { write_layout(tiled, out, false); }

}  // namespace bluecarbon::io
