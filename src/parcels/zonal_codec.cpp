// ZonalPartial to bytes and back, for the tiles of a shard run (`zonal --shard`) that `merge` replays.
#include <bluecarbon/parcels/zonal.hpp>

namespace bluecarbon::parcels {

namespace {

void put_classes(ByteWriter& w, const std::map<double, ExactSum>& m) {
    w.put<std::uint64_t>(m.size());
    for (const auto& [x, s] : m) {
        w.put(x);
        w.put_sum(s);
    }
}

std::map<double, ExactSum> get_classes(ByteReader& r) {
    std::map<double, ExactSum> m;
    const std::size_t n = r.get_count(sizeof(double) + 9);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = r.get<double>();
        m.emplace_hint(m.end(), x, r.get_sum());
    }
    return m;
}

}  // namespace

void ZonalPartial::save(ByteWriter& w) const {
    for (const ExactSum* s : {&m_cov, &m_sum, &m_sum_sq, &m_wcov, &m_wsum, &m_area, &m_total}) w.put_sum(*s);
    w.put(m_min);
    w.put(m_max);
    put_classes(w, m_classes);
    put_classes(w, m_class_area);
    w.put<std::uint64_t>(m_cells.size());
    for (const auto& [x, c] : m_cells) {
        w.put(x);
        w.put(c);
    }
}

ZonalPartial ZonalPartial::load(ByteReader& r) {
    ZonalPartial p;
    for (ExactSum* s : {&p.m_cov, &p.m_sum, &p.m_sum_sq, &p.m_wcov, &p.m_wsum, &p.m_area, &p.m_total})
        *s = r.get_sum();
    p.m_min = r.get<double>();
    p.m_max = r.get<double>();
    p.m_classes = get_classes(r);
    p.m_class_area = get_classes(r);
    const std::size_t n = r.get_count(2 * sizeof(double));
    p.m_cells.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = r.get<double>();
        p.m_cells.emplace_back(x, r.get<double>());
    }
    return p;
}

}  // namespace bluecarbon::parcels
