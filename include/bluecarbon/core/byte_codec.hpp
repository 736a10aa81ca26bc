#pragma once
/// Little helpers to put partial results (counts, doubles, exact sums) into bytes and back, for shard records:
/// what a shard computed must come back bit for bit in the merge.
#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace bluecarbon {

class ByteWriter {
public:
    template <typename T>
    void put(T v) {
        static_assert(std::is_trivially_copyable_v<T>);
        // resize + memcpy rather than insert: GCC 12 warns falsely (-Wstringop-overflow) on the inlined insert.
        const std::size_t at = out.size();
        out.resize(at + sizeof(T));
        std::memcpy(out.data() + at, &v, sizeof(T));
    }
    void put_sum(const ExactSum& s) {
        // A non-finite value() comes from the non-finite inputs kept apart from the partials: carrying it beside
        // them rebuilds a sum with the same value() and the same behaviour under merge().
        const double v = s.value();
        put<std::uint8_t>(std::isfinite(v) ? 0 : 1);
        if (!std::isfinite(v)) put(v);
        put<std::uint64_t>(s.partials().size());
        for (double p : s.partials()) put(p);
    }
    std::vector<std::byte> out;
};

class ByteReader {
public:
    explicit ByteReader(std::span<const std::byte> d) : m_data(d) {}
    template <typename T>
    T get() {
        static_assert(std::is_trivially_copyable_v<T>);
        if (m_pos + sizeof(T) > m_data.size()) throw InputError("shard record: truncated partial results");
        T v;
        std::memcpy(&v, m_data.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }
    /// A count (stored as N) read from the data, checked against what is left (a corrupt count must not
    /// allocate wildly).
    template <typename N = std::uint64_t>
    std::size_t get_count(std::size_t item_bytes) {
        const auto n = static_cast<std::uint64_t>(get<N>());
        if (n > (m_data.size() - m_pos) / (item_bytes == 0 ? 1 : item_bytes))
            throw InputError("shard record: corrupt partial results");
        return static_cast<std::size_t>(n);
    }
    ExactSum get_sum() {
        ExactSum s;
        if (get<std::uint8_t>() != 0) s.add(get<double>());
        const std::size_t n = get_count(sizeof(double));
        for (std::size_t i = 0; i < n; ++i) s.add(get<double>());
        return s;
    }
    /// The next n bytes as they are (a view into the data).
    std::span<const std::byte> get_bytes(std::size_t n) {
        if (n > m_data.size() - m_pos) throw InputError("shard record: truncated partial results");
        const auto b = m_data.subspan(m_pos, n);
        m_pos += n;
        return b;
    }
    [[nodiscard]] bool at_end() const noexcept { return m_pos == m_data.size(); }

private:
    std::span<const std::byte> m_data;
    std::size_t m_pos{0};
};

}  // namespace bluecarbon
