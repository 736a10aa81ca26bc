#include "registry/wkb_bounds.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace bluecarbon::registry::detail {

namespace {

class WkbReader {
public:
    explicit WkbReader(std::string_view w) : m_w(w) {}

    bool geometry(Bounds& b, int depth = 0) {
        if (depth > 8) return false;
        std::uint8_t order = 0;
        if (!byte(order) || order > 1) return false;
        m_little = order == 1;
        std::uint32_t type = 0;
        if (!u32(type)) return false;
        // EWKB flags (PostGIS) and ISO 1000/2000/3000 offsets both say how many ordinates follow x and y.
        int extra = 0;
        if (type & 0x80000000u) ++extra;
        if (type & 0x40000000u) ++extra;
        if (type & 0x20000000u) {
            std::uint32_t srid = 0;
            if (!u32(srid)) return false;
        }
        type &= 0x0FFFFFFFu;
        const std::uint32_t iso = type / 1000;
        type %= 1000;
        if (iso == 1 || iso == 2) ++extra;
        if (iso == 3) extra += 2;
        if (iso > 3) return false;
        switch (type) {
        case 1: return points(1, extra, b);
        case 2: return counted_points(extra, b);
        case 3: return rings(extra, b);
        case 4:
        case 5:
        case 6:
        case 7: {
            std::uint32_t n = 0;
            if (!u32(n)) return false;
            for (std::uint32_t i = 0; i < n; ++i) {
                if (!geometry(b, depth + 1)) return false;
            }
            return true;
        }
        default: return false;
        }
    }
    [[nodiscard]] bool at_end() const noexcept { return m_pos == m_w.size(); }

private:
    bool byte(std::uint8_t& v) {
        if (m_pos + 1 > m_w.size()) return false;
        v = static_cast<std::uint8_t>(m_w[m_pos++]);
        return true;
    }
    bool u32(std::uint32_t& v) {
        if (m_pos + 4 > m_w.size()) return false;
        v = 0;
        for (int i = 0; i < 4; ++i) {
            const auto b = static_cast<std::uint8_t>(m_w[m_pos + static_cast<std::size_t>(i)]);
            v |= std::uint32_t{b} << (m_little ? 8 * i : 8 * (3 - i));
        }
        m_pos += 4;
        return true;
    }
    bool f64(double& d) {
        if (m_pos + 8 > m_w.size()) return false;
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) {
            const auto b = static_cast<std::uint8_t>(m_w[m_pos + static_cast<std::size_t>(i)]);
            v |= std::uint64_t{b} << (m_little ? 8 * i : 8 * (7 - i));
        }
        m_pos += 8;
        d = std::bit_cast<double>(v);
        return true;
    }
    bool points(std::uint32_t n, int extra, Bounds& b) {
        for (std::uint32_t i = 0; i < n; ++i) {
            double x = 0, y = 0, skip = 0;
            if (!f64(x) || !f64(y)) return false;
            for (int k = 0; k < extra; ++k) {
                if (!f64(skip)) return false;
            }
            if (std::isnan(x) && std::isnan(y)) continue;  // an empty point
            if (!std::isfinite(x) || !std::isfinite(y)) return false;
            b.min_x = std::min(b.min_x, x);
            b.max_x = std::max(b.max_x, x);
            b.min_y = std::min(b.min_y, y);
            b.max_y = std::max(b.max_y, y);
        }
        return true;
    }
    bool counted_points(int extra, Bounds& b) {
        std::uint32_t n = 0;
        if (!u32(n) || n > m_w.size()) return false;
        return points(n, extra, b);
    }
    bool rings(int extra, Bounds& b) {
        std::uint32_t n = 0;
        if (!u32(n) || n > m_w.size()) return false;
        for (std::uint32_t i = 0; i < n; ++i) {
            if (!counted_points(extra, b)) return false;
        }
        return true;
    }

    std::string_view m_w;
    std::size_t m_pos{0};
    bool m_little{true};
};

}  // namespace

std::optional<Bounds> wkb_bounds(std::string_view wkb) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    Bounds b{inf, inf, -inf, -inf};
    WkbReader r(wkb);
    if (!r.geometry(b) || !r.at_end() || b.min_x > b.max_x) return std::nullopt;
    return b;
}

}  // namespace bluecarbon::registry::detail
