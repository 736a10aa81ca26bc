#include "pipeline/stock/sums_codec.hpp"

#include <bluecarbon/error.hpp>

#include <cmath>
#include <cstring>

namespace bluecarbon::pipeline::stock {

namespace {

class Writer {
public:
    template <typename T>
    void put(T v) {
        const auto* b = reinterpret_cast<const std::byte*>(&v);
        out.insert(out.end(), b, b + sizeof(T));
    }
    void put(const ExactSum& s) {
        // value() is non-finite exactly when a non-finite input poisoned the sum; it is kept apart from the
        // partials there, so carrying it alongside them rebuilds the same sum.
        const double v = s.value();
        put<std::uint8_t>(std::isfinite(v) ? 0 : 1);
        if (!std::isfinite(v)) put(v);
        put<std::uint64_t>(s.partials().size());
        for (double p : s.partials()) put(p);
    }
    std::vector<std::byte> out;
};

class Reader {
public:
    explicit Reader(std::span<const std::byte> d) : data(d) {}
    template <typename T>
    T get() {
        if (pos + sizeof(T) > data.size()) throw InputError("shard record: truncated partial sums");
        T v;
        std::memcpy(&v, data.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
    ExactSum get_sum() {
        ExactSum s;
        if (get<std::uint8_t>() != 0) s.add(get<double>());
        const auto n = get<std::uint64_t>();
        if (n > data.size()) throw InputError("shard record: corrupt partial sums");
        for (std::uint64_t i = 0; i < n; ++i) s.add(get<double>());
        return s;
    }
    std::span<const std::byte> data;
    std::size_t pos{0};
};

}  // namespace

std::vector<std::byte> encode_sums(const science::TileStockSums& t) {
    Writer w;
    w.put<std::int64_t>(t.first_row);
    w.put<std::int64_t>(t.rows);
    for (const auto& row : t.counts)
        for (auto c : row) w.put<std::int64_t>(c);
    for (std::size_t h = 0; h < science::k_habitat_count; ++h) {
        w.put(t.model_area_m2[h]);
        for (std::size_t k = 0; k < science::k_pool_count; ++k) {
            w.put(t.model_sum[h][k]);
            w.put(t.model_sigma_sum[h][k]);
        }
        w.put<std::int64_t>(t.model_pixels[h]);
    }
    w.put<std::int64_t>(t.model_fallback_pixels);
    return std::move(w.out);
}

science::TileStockSums decode_sums(std::span<const std::byte> data) {
    Reader r(data);
    science::TileStockSums t;
    const auto first = r.get<std::int64_t>(), rows = r.get<std::int64_t>();
    if (rows < 0 || static_cast<std::uint64_t>(rows) > data.size())
        throw InputError("shard record: corrupt partial sums");
    t.reset(first, rows);
    for (auto& row : t.counts)
        for (auto& c : row) c = r.get<std::int64_t>();
    for (std::size_t h = 0; h < science::k_habitat_count; ++h) {
        t.model_area_m2[h] = r.get_sum();
        for (std::size_t k = 0; k < science::k_pool_count; ++k) {
            t.model_sum[h][k] = r.get_sum();
            t.model_sigma_sum[h][k] = r.get_sum();
        }
        t.model_pixels[h] = r.get<std::int64_t>();
    }
    t.model_fallback_pixels = r.get<std::int64_t>();
    if (r.pos != data.size()) throw InputError("shard record: trailing bytes after the partial sums");
    return t;
}

}  // namespace bluecarbon::pipeline::stock
