#include <bluecarbon/science/reflectance_check.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace bluecarbon::science {

void ReflectanceCheck::add(std::span<const float> px, std::span<const std::uint8_t> valid) noexcept {
    const auto limit = static_cast<float>(k_reflectance_limit);
    std::int64_t above = 0;
    float top = -std::numeric_limits<float>::infinity();
    const std::size_t n = std::min(px.size(), valid.size());
    for (std::size_t i = 0; i < n; ++i) {
        // Branch-free: the loop vectorises, so the check costs little beside reading the band.
        const float v = valid[i] != 0 ? px[i] : -std::numeric_limits<float>::infinity();
        above += v > limit ? 1 : 0;
        top = std::max(top, v);
    }
    m_above += above;
    if (above > 0)
        m_max = std::max(m_max, static_cast<double>(top));
}

void ReflectanceCheck::merge(const ReflectanceCheck& other) noexcept {
    m_above += other.m_above;
    m_max = std::max(m_max, other.m_max);
}

void ReflectanceCheck::save(ByteWriter& w) const {
    w.put(m_above);
    w.put(m_max);
}

ReflectanceCheck ReflectanceCheck::load(ByteReader& r) {
    ReflectanceCheck c;
    c.m_above = r.get<std::int64_t>();
    c.m_max = r.get<double>();
    return c;
}

std::optional<std::string> ReflectanceCheck::warning(std::string_view fix) const {
    if (m_above == 0)
        return std::nullopt;
    return fmt::format("reflectance above {} in {} pixel value(s) (largest {:.6g}): the bands look like unscaled "
                       "digital numbers and the indices are wrong; {}",
                       k_reflectance_limit, m_above, m_max, fix);
}

} // namespace bluecarbon::science
