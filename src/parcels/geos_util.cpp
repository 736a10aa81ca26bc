#include "geos_util.hpp"

#include <bluecarbon/error.hpp>

#include <vector>

namespace bluecarbon::parcels::detail {

GeosContext::GeosContext() : m_handle(GEOS_init_r()) {
    if (!m_handle) throw GeometryError("GEOS: cannot create a context");
    GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::on_error, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(m_handle); }

void GeosContext::on_error(const char* message, void* self) {
    static_cast<GeosContext*>(self)->m_last_error = message ? message : "";
}

void GeosContext::raise(const std::string& what) const {
    throw GeometryError(m_last_error.empty() ? what : what + ": " + m_last_error);
}

GeomPtr own(const GeosContext& ctx, GEOSGeometry* g, const std::string& what) {
    if (!g) ctx.raise(what);
    return GeomPtr(g, GeomDeleter{ctx.get()});
}

namespace {

GeomPtr make_ring(const GeosContext& ctx, const Ring& ring) {
    // GEOS wants closed rings of at least four points; close open input rings here.
    std::vector<Coord> pts(ring.begin(), ring.end());
    if (!pts.empty() && !(pts.front() == pts.back())) pts.push_back(pts.front());
    std::unique_ptr<GEOSCoordSequence, CoordSeqDeleter> seq(
        GEOSCoordSeq_create_r(ctx.get(), static_cast<unsigned>(pts.size()), 2), CoordSeqDeleter{ctx.get()});
    if (!seq) ctx.raise("GEOS: cannot create a coordinate sequence");
    for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(ctx.get(), seq.get(), i, pts[i].x, pts[i].y);
    // Rings of fewer than four points are invalid but representable as GEOS refuses them: keep them as they are
    // for validation to report (GEOS returns null, raised here).
    return own(ctx, GEOSGeom_createLinearRing_r(ctx.get(), seq.release()), "GEOS: cannot build a ring");
}

GeomPtr make_polygon(const GeosContext& ctx, const Polygon& p) {
    GeomPtr shell = make_ring(ctx, p.exterior);
    std::vector<GeomPtr> holes;
    for (const auto& h : p.holes) holes.push_back(make_ring(ctx, h));
    std::vector<GEOSGeometry*> raw;
    for (auto& h : holes) raw.push_back(h.get());
    GEOSGeometry* poly = GEOSGeom_createPolygon_r(ctx.get(), shell.get(), raw.empty() ? nullptr : raw.data(),
                                                  static_cast<unsigned>(raw.size()));
    if (!poly) ctx.raise("GEOS: cannot build a polygon");
    // The polygon now owns its rings.
    (void)shell.release();
    for (auto& h : holes) (void)h.release();
    return GeomPtr(poly, GeomDeleter{ctx.get()});
}

Ring ring_from(const GeosContext& ctx, const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.get(), ring);
    if (!seq) ctx.raise("GEOS: cannot read a ring");
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx.get(), seq, &n);
    Ring out(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx.get(), seq, i, &out[i].x, &out[i].y);
    return out;
}

void collect(const GeosContext& ctx, const GEOSGeometry* g, MultiPolygon& out) {
    const int type = GEOSGeomTypeId_r(ctx.get(), g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx.get(), g) == 1) return;
        Polygon p;
        p.exterior = ring_from(ctx, GEOSGetExteriorRing_r(ctx.get(), g));
        const int holes = GEOSGetNumInteriorRings_r(ctx.get(), g);
        for (int i = 0; i < holes; ++i) p.holes.push_back(ring_from(ctx, GEOSGetInteriorRingN_r(ctx.get(), g, i)));
        out.parts.push_back(std::move(p));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.get(), g);
        for (int i = 0; i < n; ++i) collect(ctx, GEOSGetGeometryN_r(ctx.get(), g, i), out);
    }
}

}  // namespace

GeomPtr to_geos(const GeosContext& ctx, const MultiPolygon& g) {
    std::vector<GeomPtr> polys;
    for (const auto& p : g.parts)
        if (!p.exterior.empty()) polys.push_back(make_polygon(ctx, p));
    std::vector<GEOSGeometry*> raw;
    for (auto& p : polys) raw.push_back(p.get());
    GEOSGeometry* multi = GEOSGeom_createCollection_r(ctx.get(), GEOS_MULTIPOLYGON, raw.empty() ? nullptr : raw.data(),
                                                      static_cast<unsigned>(raw.size()));
    if (!multi) ctx.raise("GEOS: cannot build a multipolygon");
    for (auto& p : polys) (void)p.release();
    return GeomPtr(multi, GeomDeleter{ctx.get()});
}

MultiPolygon from_geos(const GeosContext& ctx, const GEOSGeometry* g) {
    MultiPolygon out;
    if (g) collect(ctx, g, out);
    return out;
}

GeomPtr from_wkt(const GeosContext& ctx, const std::string& wkt) {
    std::unique_ptr<GEOSWKTReader, WktReaderDeleter> reader(GEOSWKTReader_create_r(ctx.get()),
                                                           WktReaderDeleter{ctx.get()});
    if (!reader) ctx.raise("GEOS: cannot create a WKT reader");
    return own(ctx, GEOSWKTReader_read_r(ctx.get(), reader.get(), wkt.c_str()), "GEOS: cannot read WKT '" + wkt + "'");
}

}  // namespace bluecarbon::parcels::detail
