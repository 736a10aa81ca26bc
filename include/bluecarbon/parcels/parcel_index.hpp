#pragma once
/// A spatial index from pixel windows (tiles) to the parcels whose bounding windows they touch.
#include <bluecarbon/core/window.hpp>
#include <bluecarbon/parcels/coverage.hpp>

#include <memory>
#include <span>
#include <vector>

namespace bluecarbon::parcels {

class ParcelIndex {
public:
    /// Indexes the pixel windows of `polygons` (a Boost.Geometry R-tree, bulk-loaded). Empty polygons are skipped.
    explicit ParcelIndex(std::span<const PixelPolygon> polygons);
    ~ParcelIndex();
    ParcelIndex(ParcelIndex&&) noexcept;
    ParcelIndex& operator=(ParcelIndex&&) noexcept;

    /// Indices of the parcels whose windows overlap `w`, ascending. Thread-safe.
    [[nodiscard]] std::vector<std::size_t> query(const Window& w) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace bluecarbon::parcels
