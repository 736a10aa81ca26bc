#pragma once
/// Pixel buffers: one band of one window, row-major, with a validity mask (1 = valid).
#include <bluecarbon/core/window.hpp>

#include <cstdint>
#include <vector>

namespace bluecarbon {

template <typename T>
struct Block {
    Window window;
    std::vector<T> px;
    std::vector<std::uint8_t> valid;

    Block() = default;
    explicit Block(const Window& w, T fill = T{}, std::uint8_t valid_fill = 1)
        : window(w),
          px(static_cast<std::size_t>(w.size()), fill),
          valid(static_cast<std::size_t>(w.size()), valid_fill) {}

    [[nodiscard]] std::size_t size() const noexcept { return px.size(); }
    /// Index of (col, row) given in window-relative pixels.
    [[nodiscard]] std::size_t index(std::int64_t col, std::int64_t row) const noexcept {
        return static_cast<std::size_t>(row * window.cols + col);
    }
    [[nodiscard]] std::int64_t valid_count() const noexcept {
        std::int64_t n = 0;
        for (auto v : valid) n += v != 0;
        return n;
    }
};

}  // namespace bluecarbon
