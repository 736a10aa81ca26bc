#include <bluecarbon/parcels/parcel_index.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>

namespace bluecarbon::parcels {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {
using Point = bg::model::point<std::int64_t, 2, bg::cs::cartesian>;
using Box = bg::model::box<Point>;
using Entry = std::pair<Box, std::size_t>;

// Half-open pixel windows as closed integer boxes of their last cells, so touching windows do not intersect.
Box box_of(const Window& w) { return Box(Point(w.col_off, w.row_off), Point(w.col_end() - 1, w.row_end() - 1)); }
}  // namespace

struct ParcelIndex::Impl {
    bgi::rtree<Entry, bgi::rstar<16>> tree;
};

ParcelIndex::ParcelIndex(std::span<const PixelPolygon> polygons) {
    std::vector<Entry> entries;
    entries.reserve(polygons.size());
    for (std::size_t i = 0; i < polygons.size(); ++i)
        if (!polygons[i].window().empty()) entries.emplace_back(box_of(polygons[i].window()), i);
    m_impl = std::make_unique<Impl>(Impl{bgi::rtree<Entry, bgi::rstar<16>>(entries.begin(), entries.end())});
}

ParcelIndex::~ParcelIndex() = default;
ParcelIndex::ParcelIndex(ParcelIndex&&) noexcept = default;
ParcelIndex& ParcelIndex::operator=(ParcelIndex&&) noexcept = default;

std::vector<std::size_t> ParcelIndex::query(const Window& w) const {
    std::vector<std::size_t> out;
    if (w.empty()) return out;
    std::vector<Entry> hits;
    m_impl->tree.query(bgi::intersects(box_of(w)), std::back_inserter(hits));
    out.reserve(hits.size());
    for (const auto& h : hits) out.push_back(h.second);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace bluecarbon::parcels
