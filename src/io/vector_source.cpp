// Reading polygon layers through OGR, and CRS transformations of polygons.
#include "gdal_util.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/vector.hpp>

#include <ogr_core.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <unordered_map>

namespace bluecarbon {

namespace fs = std::filesystem;

namespace {

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* ct) const noexcept { OGRCoordinateTransformation::DestroyCT(ct); }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to, const std::string& what) {
    io::GdalErrorCapture capture;
    TransformPtr ct(OGRCreateCoordinateTransformation(&from, &to));
    if (!ct) throw CrsError(io::with_detail(what + ": no transformation between the CRSs", capture.errors()));
    return ct;
}

void transform_ring(OGRCoordinateTransformation& ct, Ring& ring, const std::string& what) {
    std::vector<double> x(ring.size()), y(ring.size());
    for (std::size_t i = 0; i < ring.size(); ++i) x[i] = ring[i].x, y[i] = ring[i].y;
    std::vector<int> ok(ring.size(), 0);
    if (!ct.Transform(ring.size(), x.data(), y.data(), nullptr, ok.data()))
        throw CrsError(what + ": coordinates cannot be transformed to the target CRS");
    for (std::size_t i = 0; i < ring.size(); ++i) {
        if (!ok[i] || !std::isfinite(x[i]) || !std::isfinite(y[i]))
            throw CrsError(fmt::format("{}: point ({:.10g}, {:.10g}) cannot be transformed to the target CRS", what,
                                       ring[i].x, ring[i].y));
        ring[i] = {x[i], y[i]};
    }
}

void transform_all(OGRCoordinateTransformation& ct, MultiPolygon& g, const std::string& what) {
    for (auto& p : g.parts) {
        transform_ring(ct, p.exterior, what);
        for (auto& h : p.holes) transform_ring(ct, h, what);
    }
}

Ring ring_of(const OGRLinearRing* r) {
    Ring out;
    if (!r) return out;
    out.reserve(static_cast<std::size_t>(r->getNumPoints()));
    for (int i = 0; i < r->getNumPoints(); ++i) out.push_back({r->getX(i), r->getY(i)});
    return out;
}

void add_polygon(const OGRPolygon* p, MultiPolygon& out) {
    if (!p || p->IsEmpty()) return;
    Polygon poly;
    poly.exterior = ring_of(p->getExteriorRing());
    for (int i = 0; i < p->getNumInteriorRings(); ++i) poly.holes.push_back(ring_of(p->getInteriorRing(i)));
    out.parts.push_back(std::move(poly));
}

const char* kind_of(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
        case wkbPoint:
        case wkbMultiPoint: return "point";
        case wkbLineString:
        case wkbMultiLineString:
        case wkbCircularString:
        case wkbCompoundCurve:
        case wkbMultiCurve: return "line";
        default: return nullptr;
    }
}

// Polygonal parts of a feature's geometry; throws for points and lines (a collection may only hold polygons).
void collect(const OGRGeometry* g, MultiPolygon& out, const std::string& what) {
    if (!g || g->IsEmpty()) return;
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbPolygon) return add_polygon(g->toPolygon(), out);
    if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
        for (const OGRGeometry* part : *g->toGeometryCollection()) collect(part, out, what);
        return;
    }
    if (type == wkbCurvePolygon || type == wkbMultiSurface) {
        std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
        return collect(linear.get(), out, what);
    }
    throw InputError(fmt::format("{} is a {} ({}); polygons are needed", what, kind_of(type) ? kind_of(type) : "geometry",
                                 OGRGeometryTypeToName(type)));
}

std::string field_list(OGRFeatureDefn* defn) {
    std::string s;
    for (int i = 0; i < defn->GetFieldCount(); ++i) s += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    return s.empty() ? "none" : s;
}

}  // namespace

PolygonTable read_polygons(const fs::path& path, const PolygonReadOptions& options) {
    ensure_gdal_ready();
    const std::string file = path.string();
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(file + ": no such file");
    if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0) throw InputError(file + ": the file is empty");
    io::GdalErrorCapture capture;
    GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) throw InputError(io::with_detail(file + ": not a vector file OGR can read", capture.errors()));
    OGRLayer* layer = nullptr;
    if (options.layer.empty()) {
        if (ds->GetLayerCount() == 0) throw InputError(file + ": has no layers");
        layer = ds->GetLayer(0);
    } else {
        layer = ds->GetLayerByName(options.layer.c_str());
        if (!layer) {
            std::string names;
            for (int i = 0; i < ds->GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds->GetLayer(i)->GetName());
            throw InputError(fmt::format("{}: no layer '{}' (layers: {})", file, options.layer, names));
        }
    }
    const std::string where = fmt::format("{} (layer {})", file, layer->GetName());
    const auto layer_type = layer->GetGeomType();
    if (wkbFlatten(layer_type) == wkbNone) throw InputError(where + ": the layer has no geometry");
    if (const char* kind = kind_of(layer_type))
        throw InputError(fmt::format("{}: a {} layer ({}); polygons are needed", where, kind,
                                     OGRGeometryTypeToName(layer_type)));

    // Checked first: an empty layer often has no fields either, and "no features" is the real problem.
    if (layer->GetFeatureCount(TRUE) == 0) throw InputError(where + ": the layer has no features");
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    if (options.id_field.empty()) throw ConfigError(where + ": no id field given");
    const int id_index = defn->GetFieldIndex(options.id_field.c_str());
    if (id_index < 0)
        throw InputError(fmt::format("{}: no id field '{}' (fields: {})", where, options.id_field, field_list(defn)));
    PolygonTable table;
    table.path = path;
    table.layer = layer->GetName();
    std::vector<int> attr_index;
    for (const auto& f : options.attribute_fields) {
        const int i = defn->GetFieldIndex(f.c_str());
        if (i < 0) throw InputError(fmt::format("{}: no field '{}' (fields: {})", where, f, field_list(defn)));
        attr_index.push_back(i);
        table.field_names.push_back(f);
    }
    for (const auto& f : options.optional_fields) {
        attr_index.push_back(defn->GetFieldIndex(f.c_str()));
        table.field_names.push_back(f);
    }

    const OGRSpatialReference* layer_srs = layer->GetSpatialRef();
    TransformPtr ct;
    if (layer_srs) {
        OGRSpatialReference src(*layer_srs);
        src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        table.crs = io::crs_info_from_srs(src);
        if (options.target_crs && !options.target_crs->empty() && !io::same_crs(src, io::srs_from_wkt(options.target_crs->wkt))) {
            const auto dst = io::srs_from_wkt(options.target_crs->wkt);
            ct = make_transform(src, dst, where);
        }
        if (options.target_crs && !options.target_crs->empty()) table.crs = *options.target_crs;
    } else if (options.target_crs && !options.target_crs->empty()) {
        throw InputError(where + ": the layer has no CRS, so it cannot be placed on the raster's grid");
    }

    std::unordered_map<std::string, std::size_t> seen;
    layer->ResetReading();
    std::size_t n = 0;
    for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        ++n;
        const std::string id = f->IsFieldSetAndNotNull(id_index) ? f->GetFieldAsString(id_index) : "";
        if (id.empty()) throw InputError(fmt::format("{}: feature {} has no value in id field '{}'", where, n, options.id_field));
        if (auto [it, inserted] = seen.emplace(id, n); !inserted)
            throw InputError(fmt::format("{}: id field '{}' is not unique: '{}' in features {} and {}", where,
                                         options.id_field, id, it->second, n));
        const std::string what = fmt::format("{}: feature {} (id {})", where, n, id);
        MultiPolygon g;
        collect(f->GetGeometryRef(), g, what);
        if (g.has_non_finite()) throw InputError(what + " has NaN or infinite coordinates");
        if (ct) {
            try {
                transform_all(*ct, g, what);
            } catch (const CrsError& e) {
                throw InputError(e.what());
            }
        }
        std::vector<std::string> attrs;
        for (int i : attr_index) attrs.push_back(i >= 0 && f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "");
        table.ids.push_back(id);
        table.geometries.push_back(std::move(g));
        table.attributes.push_back(std::move(attrs));
    }
    if (capture.failed()) throw InputError(io::with_detail(where + ": cannot read every feature", capture.errors()));
    if (table.ids.empty()) throw InputError(where + ": the layer has no features");
    return table;
}

void transform_polygons(std::vector<MultiPolygon>& polygons, const CrsInfo& from, const CrsInfo& to) {
    if (from.empty() || to.empty()) throw CrsError("transform_polygons: a CRS is missing");
    ensure_gdal_ready();
    const auto src = io::srs_from_wkt(from.wkt);
    const auto dst = io::srs_from_wkt(to.wkt);
    if (io::same_crs(src, dst)) return;
    auto ct = make_transform(src, dst, "polygons from " + from.name + " to " + to.name);
    for (auto& g : polygons) transform_all(*ct, g, "polygon");
}

CrsInfo geographic_crs_of(const CrsInfo& crs) {
    if (crs.empty()) throw CrsError("geographic_crs_of: no CRS");
    ensure_gdal_ready();
    const auto srs = io::srs_from_wkt(crs.wkt);
    std::unique_ptr<OGRSpatialReference> geog(srs.CloneGeogCS());
    if (!geog) throw CrsError("CRS " + crs.name + " has no geographic base CRS");
    geog->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return io::crs_info_from_srs(*geog);
}

}  // namespace bluecarbon
