#pragma once
// Private to parcels (and its tests): RAII owners around GEOS's reentrant C API and conversions from/to the
// plain geometry types. One GeosContext per object or thread; no global GEOS state.
#include <geos_c.h>

#include <bluecarbon/parcels/geometry.hpp>

#include <memory>
#include <string>

namespace bluecarbon::parcels::detail {

/// A GEOS context handle whose errors become GeometryError messages (never printed).
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    [[nodiscard]] GEOSContextHandle_t get() const noexcept { return m_handle; }
    /// Throws GeometryError("<what>: <last GEOS error>").
    [[noreturn]] void raise(const std::string& what) const;

private:
    static void on_error(const char* message, void* self);
    GEOSContextHandle_t m_handle;
    std::string m_last_error;
};

struct GeomDeleter {
    GEOSContextHandle_t ctx{nullptr};
    void operator()(GEOSGeometry* g) const noexcept {
        if (g) GEOSGeom_destroy_r(ctx, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct CoordSeqDeleter {
    GEOSContextHandle_t ctx{nullptr};
    void operator()(GEOSCoordSequence* s) const noexcept {
        if (s) GEOSCoordSeq_destroy_r(ctx, s);
    }
};

struct WktReaderDeleter {
    GEOSContextHandle_t ctx{nullptr};
    void operator()(GEOSWKTReader* r) const noexcept {
        if (r) GEOSWKTReader_destroy_r(ctx, r);
    }
};

/// Takes ownership of a GEOS result, throwing GeometryError(what) when GEOS returned null.
[[nodiscard]] GeomPtr own(const GeosContext& ctx, GEOSGeometry* g, const std::string& what);

/// A GEOS MultiPolygon (or empty GeometryCollection for an empty geometry) with the same rings.
[[nodiscard]] GeomPtr to_geos(const GeosContext& ctx, const MultiPolygon& g);
/// The polygonal parts of any GEOS geometry (points and lines of a collection are dropped).
[[nodiscard]] MultiPolygon from_geos(const GeosContext& ctx, const GEOSGeometry* g);
/// Parses WKT (for tests and fixtures). Throws GeometryError.
[[nodiscard]] GeomPtr from_wkt(const GeosContext& ctx, const std::string& wkt);

}  // namespace bluecarbon::parcels::detail
