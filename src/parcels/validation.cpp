#include "geos_util.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/parcels/validation.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

namespace bluecarbon::parcels {

using detail::GeomPtr;
using detail::GeosContext;

std::string ParcelProblem::describe() const {
    std::string s = fmt::format("parcel '{}' (feature {}): {}", id, index + 1, reason);
    if (location) s += fmt::format(" at ({:.10g}, {:.10g})", location->x, location->y);
    return s;
}

namespace {

void check_validity(const GeosContext& ctx, const MultiPolygon& g, std::size_t i, const std::string& id,
                    std::vector<ParcelProblem>& out) {
    GeomPtr geom;
    try {
        geom = detail::to_geos(ctx, g);
    } catch (const GeometryError& e) {
        // A ring GEOS cannot even build (fewer than four points, not closed).
        out.push_back({i, id, ParcelProblem::Kind::invalid, e.what(), std::nullopt});
        return;
    }
    char* reason = nullptr;
    GEOSGeometry* location = nullptr;
    const char valid = GEOSisValidDetail_r(ctx.get(), geom.get(), 0, &reason, &location);
    GeomPtr loc(location, detail::GeomDeleter{ctx.get()});
    std::string why = reason ? reason : "invalid geometry";
    if (reason) GEOSFree_r(ctx.get(), reason);
    if (valid == 1) return;
    if (valid != 0) ctx.raise(fmt::format("parcel '{}': GEOS validity check failed", id));
    std::optional<Coord> where;
    if (loc && GEOSisEmpty_r(ctx.get(), loc.get()) == 0) {
        Coord c;
        if (GEOSGeomGetX_r(ctx.get(), loc.get(), &c.x) == 1 && GEOSGeomGetY_r(ctx.get(), loc.get(), &c.y) == 1)
            where = c;
    }
    out.push_back({i, id, ParcelProblem::Kind::invalid, why, where});
}

}  // namespace

std::vector<ParcelProblem> validate_parcels(std::span<const std::string> ids, std::span<const MultiPolygon> geometries) {
    if (ids.size() != geometries.size()) throw std::invalid_argument("validate_parcels: ids and geometries differ");
    GeosContext ctx;
    std::vector<ParcelProblem> out;
    std::unordered_map<std::string, std::size_t> first_seen;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& g = geometries[i];
        const auto& id = ids[i];
        if (auto [it, inserted] = first_seen.emplace(id, i); !inserted)
            out.push_back({i, id, ParcelProblem::Kind::duplicate_id,
                           fmt::format("duplicate id (also feature {})", it->second + 1), std::nullopt});
        if (g.empty()) {
            out.push_back({i, id, ParcelProblem::Kind::empty, "empty geometry", std::nullopt});
            continue;
        }
        if (g.has_non_finite()) {
            out.push_back({i, id, ParcelProblem::Kind::non_finite, "NaN or infinite coordinates", std::nullopt});
            continue;
        }
        const std::size_t before = out.size();
        check_validity(ctx, g, i, id, out);
        if (out.size() == before && planar_area(g) <= 0.0)
            out.push_back({i, id, ParcelProblem::Kind::zero_area, "zero area", std::nullopt});
    }
    return out;
}

std::string describe_problems(const std::vector<ParcelProblem>& problems, std::size_t max_lines) {
    std::string s;
    for (std::size_t i = 0; i < problems.size() && i < max_lines; ++i) {
        if (i > 0) s += '\n';
        s += problems[i].describe();
    }
    if (problems.size() > max_lines) s += fmt::format("\n... and {} more", problems.size() - max_lines);
    return s;
}

MultiPolygon make_valid(const MultiPolygon& g) {
    GeosContext ctx;
    auto geom = detail::to_geos(ctx, g);
    auto fixed = detail::own(ctx, GEOSMakeValid_r(ctx.get(), geom.get()), "GEOS MakeValid failed");
    MultiPolygon out = detail::from_geos(ctx, fixed.get());
    if (out.empty() || planar_area(out) <= 0.0)
        throw GeometryError("MakeValid left no polygonal area (the geometry collapses to lines or points)");
    return out;
}

namespace {

double intersection_area(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b) {
    auto inter = detail::own(ctx, GEOSIntersection_r(ctx.get(), a, b), "GEOS intersection failed");
    double area = 0.0;
    if (GEOSArea_r(ctx.get(), inter.get(), &area) != 1) ctx.raise("GEOS area failed");
    return area;
}

}  // namespace

double overlap_area(const MultiPolygon& a, const MultiPolygon& b) {
    GeosContext ctx;
    auto ga = detail::to_geos(ctx, a);
    auto gb = detail::to_geos(ctx, b);
    return intersection_area(ctx, ga.get(), gb.get());
}

double union_area(std::span<const MultiPolygon> geometries) {
    GeosContext ctx;
    MultiPolygon all;
    for (const auto& g : geometries) all.parts.insert(all.parts.end(), g.parts.begin(), g.parts.end());
    auto geom = detail::to_geos(ctx, all);
    auto u = detail::own(ctx, GEOSUnaryUnion_r(ctx.get(), geom.get()), "GEOS union failed");
    double area = 0.0;
    if (GEOSArea_r(ctx.get(), u.get(), &area) != 1) ctx.raise("GEOS area failed");
    return area;
}

std::vector<Overlap> find_overlaps(std::span<const MultiPolygon> a, std::span<const MultiPolygon> b, double min_area,
                                   bool same_set) {
    namespace bg = boost::geometry;
    namespace bgi = boost::geometry::index;
    using Point = bg::model::point<double, 2, bg::cs::cartesian>;
    using Box = bg::model::box<Point>;
    using Entry = std::pair<Box, std::size_t>;
    const auto box_of = [](const MultiPolygon& g) {
        const Extent e = g.bounds();
        return Box(Point(e.xmin, e.ymin), Point(e.xmax, e.ymax));
    };
    std::vector<Entry> entries;
    for (std::size_t j = 0; j < b.size(); ++j)
        if (!b[j].empty()) entries.emplace_back(box_of(b[j]), j);
    const bgi::rtree<Entry, bgi::rstar<16>> tree(entries.begin(), entries.end());

    GeosContext ctx;
    std::vector<GeomPtr> gb(b.size());
    std::vector<Overlap> out;
    std::vector<Entry> hits;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].empty()) continue;
        hits.clear();
        tree.query(bgi::intersects(box_of(a[i])), std::back_inserter(hits));
        std::sort(hits.begin(), hits.end(), [](const Entry& x, const Entry& y) { return x.second < y.second; });
        GeomPtr ga;
        for (const auto& [box, j] : hits) {
            if (same_set && j <= i) continue;
            if (!ga) ga = detail::to_geos(ctx, a[i]);
            if (!gb[j]) gb[j] = detail::to_geos(ctx, b[j]);
            const double area = intersection_area(ctx, ga.get(), gb[j].get());
            if (area > min_area) out.push_back({i, j, area});
        }
    }
    return out;
}

}  // namespace bluecarbon::parcels
