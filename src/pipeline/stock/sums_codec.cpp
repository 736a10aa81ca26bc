#include "pipeline/stock/sums_codec.hpp"

#include <bluecarbon/core/byte_codec.hpp>
#include <bluecarbon/error.hpp>

#include <cstdint>

namespace bluecarbon::pipeline::stock {

// Counts and pixel tallies are plain integers; the model areas and sums are ExactSums (put_sum/get_sum).
std::vector<std::byte> encode_sums(const science::TileStockSums& t) {
    ByteWriter w;
    w.put<std::int64_t>(t.first_row);
    w.put<std::int64_t>(t.rows);
    for (const auto& row : t.counts)
        for (auto c : row) w.put<std::int64_t>(c);
    for (std::size_t h = 0; h < science::k_habitat_count; ++h) {
        w.put_sum(t.model_area_m2[h]);
        for (std::size_t k = 0; k < science::k_pool_count; ++k) {
            w.put_sum(t.model_sum[h][k]);
            w.put_sum(t.model_sigma_sum[h][k]);
        }
        w.put<std::int64_t>(t.model_pixels[h]);
    }
    w.put<std::int64_t>(t.model_fallback_pixels);
    return std::move(w.out);
}

science::TileStockSums decode_sums(std::span<const std::byte> data) {
    ByteReader r(data);
    science::TileStockSums t;
    const auto first = r.get<std::int64_t>(), rows = r.get<std::int64_t>();
    // Each row holds k_habitat_count counts: a row count the bytes cannot hold is corrupt (no wild allocation).
    if (rows < 0 || static_cast<std::uint64_t>(rows) > data.size() / (sizeof(std::int64_t) * science::k_habitat_count))
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
    if (!r.at_end()) throw InputError("shard record: trailing bytes after the partial sums");
    return t;
}

}  // namespace bluecarbon::pipeline::stock
