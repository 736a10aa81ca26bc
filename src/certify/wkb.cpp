#include <bluecarbon/certify/wkb.hpp>
#include <bluecarbon/error.hpp>

#include <bit>
#include <cstdint>

namespace bluecarbon::certify {

namespace {

void put_u32(std::string& w, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) w.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
}

void put_f64(std::string& w, double d) {
    const auto v = std::bit_cast<std::uint64_t>(d);
    for (int i = 0; i < 8; ++i) w.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
}

void put_polygon(std::string& w, const Polygon& p) {
    w.push_back(1);
    put_u32(w, 3);
    put_u32(w, static_cast<std::uint32_t>(1 + p.holes.size()));
    const auto ring = [&w](const Ring& r) {
        put_u32(w, static_cast<std::uint32_t>(r.size()));
        for (const Coord& c : r) {
            put_f64(w, c.x);
            put_f64(w, c.y);
        }
    };
    ring(p.exterior);
    for (const Ring& h : p.holes) ring(h);
}

class Reader {
public:
    explicit Reader(std::string_view w) : m_w(w) {}
    [[noreturn]] static void fail(const std::string& what) { throw InputError("parcel WKB: " + what); }
    std::uint32_t header() {
        if (m_pos >= m_w.size()) fail("truncated");
        const auto order = static_cast<std::uint8_t>(m_w[m_pos++]);
        if (order > 1) fail("bad byte-order mark");
        m_little = order == 1;
        return u32();
    }
    std::uint32_t u32() { return static_cast<std::uint32_t>(bits(4)); }
    double f64() { return std::bit_cast<double>(bits(8)); }
    Polygon polygon() {
        Polygon p;
        const std::uint32_t rings = u32();
        for (std::uint32_t i = 0; i < rings; ++i) {
            const std::uint32_t n = u32();
            if (n > (m_w.size() - m_pos) / 16) fail("truncated");
            Ring r(n);
            for (Coord& c : r) {
                c.x = f64();
                c.y = f64();
            }
            if (i == 0) p.exterior = std::move(r);
            else p.holes.push_back(std::move(r));
        }
        return p;
    }
    [[nodiscard]] bool at_end() const noexcept { return m_pos == m_w.size(); }

private:
    std::uint64_t bits(int bytes) {
        if (m_pos + static_cast<std::size_t>(bytes) > m_w.size()) fail("truncated");
        std::uint64_t v = 0;
        for (int i = 0; i < bytes; ++i) {
            const auto b = static_cast<std::uint8_t>(m_w[m_pos + static_cast<std::size_t>(i)]);
            v |= std::uint64_t{b} << (m_little ? 8 * i : 8 * (bytes - 1 - i));
        }
        m_pos += static_cast<std::size_t>(bytes);
        return v;
    }
    std::string_view m_w;
    std::size_t m_pos{0};
    bool m_little{true};
};

}  // namespace

std::string canonical_wkb(const MultiPolygon& g) {
    std::string w;
    w.push_back(1);
    put_u32(w, 6);
    put_u32(w, static_cast<std::uint32_t>(g.parts.size()));
    for (const Polygon& p : g.parts) put_polygon(w, p);
    return w;
}

MultiPolygon multipolygon_from_wkb(std::string_view wkb) {
    Reader r(wkb);
    MultiPolygon g;
    const std::uint32_t type = r.header();
    if (type == 3) {
        g.parts.push_back(r.polygon());
    } else if (type == 6) {
        const std::uint32_t n = r.u32();
        for (std::uint32_t i = 0; i < n; ++i) {
            if (r.header() != 3) Reader::fail("a MultiPolygon part is not a 2D Polygon");
            g.parts.push_back(r.polygon());
        }
    } else {
        Reader::fail("not a 2D Polygon or MultiPolygon (type " + std::to_string(type) + ")");
    }
    if (!r.at_end()) Reader::fail("trailing bytes");
    return g;
}

}  // namespace bluecarbon::certify
