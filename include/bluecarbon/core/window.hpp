#pragma once
/// Integer pixel windows. Pixel space is integer; world coordinates are derived from it (never the reverse).
#include <algorithm>
#include <cstdint>

namespace bluecarbon {

/// A rectangle of whole pixels: columns [col_off, col_off + cols), rows [row_off, row_off + rows).
struct Window {
    std::int64_t col_off{0};
    std::int64_t row_off{0};
    std::int64_t cols{0};
    std::int64_t rows{0};

    [[nodiscard]] bool empty() const noexcept { return cols <= 0 || rows <= 0; }
    [[nodiscard]] std::int64_t size() const noexcept { return empty() ? 0 : cols * rows; }
    [[nodiscard]] std::int64_t col_end() const noexcept { return col_off + cols; }
    [[nodiscard]] std::int64_t row_end() const noexcept { return row_off + rows; }

    /// The overlap of two windows (empty when they do not overlap).
    [[nodiscard]] Window intersection(const Window& o) const noexcept {
        const auto c0 = std::max(col_off, o.col_off), r0 = std::max(row_off, o.row_off);
        const auto c1 = std::min(col_end(), o.col_end()), r1 = std::min(row_end(), o.row_end());
        return {c0, r0, std::max<std::int64_t>(0, c1 - c0), std::max<std::int64_t>(0, r1 - r0)};
    }
    friend bool operator==(const Window&, const Window&) = default;
};

}  // namespace bluecarbon
