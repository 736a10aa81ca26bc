// Writing polygon layers: GeoPackage (with a QGIS style in `layer_styles`) and GeoJSON (RFC 7946, WGS 84),
// always under a temporary name renamed into place when complete.
#include "gdal_util.hpp"
#include "output_files.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/vector.hpp>

#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <memory>

namespace bluecarbon {

namespace fs = std::filesystem;

namespace {

// Removes the temporary file unless release() was called (the file was renamed or handed to a transaction).
class TempFileGuard {
public:
    explicit TempFileGuard(fs::path p) : m_path(std::move(p)) {}
    ~TempFileGuard() {
        if (m_armed) {
            std::error_code ec;
            fs::remove(m_path, ec);
        }
    }
    TempFileGuard(const TempFileGuard&) = delete;
    TempFileGuard& operator=(const TempFileGuard&) = delete;
    void release() noexcept { m_armed = false; }

private:
    fs::path m_path;
    bool m_armed{true};
};

std::unique_ptr<OGRMultiPolygon> to_ogr(const MultiPolygon& g) {
    auto mp = std::make_unique<OGRMultiPolygon>();
    const auto ring = [](const Ring& r) {
        auto lr = std::make_unique<OGRLinearRing>();
        lr->setNumPoints(static_cast<int>(r.size()));
        for (std::size_t i = 0; i < r.size(); ++i) lr->setPoint(static_cast<int>(i), r[i].x, r[i].y);
        lr->closeRings();
        return lr;
    };
    for (const auto& p : g.parts) {
        OGRPolygon poly;
        poly.addRingDirectly(ring(p.exterior).release());
        for (const auto& h : p.holes) poly.addRingDirectly(ring(h).release());
        mp->addGeometry(&poly);
    }
    return mp;
}

OGRFieldType ogr_type(VectorField::Type t) {
    switch (t) {
        case VectorField::Type::integer: return OFTInteger64;
        case VectorField::Type::real: return OFTReal;
        case VectorField::Type::text: return OFTString;
    }
    return OFTString;
}

void set_field(OGRFeature& f, int i, const FieldValue& v) {
    if (std::holds_alternative<std::monostate>(v)) {
        f.SetFieldNull(i);
    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        f.SetField(i, static_cast<GIntBig>(*n));
    } else if (const auto* d = std::get_if<double>(&v)) {
        f.SetField(i, *d);
    } else {
        f.SetField(i, std::get<std::string>(v).c_str());
    }
}

// The table QGIS reads default styles from (the columns QGIS itself creates).
void write_style(GDALDataset& ds, const PolygonLayerSpec& spec, const std::string& where) {
    OGRLayer* styles = ds.CreateLayer("layer_styles", nullptr, wkbNone, nullptr);
    if (!styles) throw IoError(where, "cannot create the layer_styles table");
    const std::pair<const char*, OGRFieldType> cols[] = {
        {"f_table_catalog", OFTString}, {"f_table_schema", OFTString}, {"f_table_name", OFTString},
        {"f_geometry_column", OFTString}, {"styleName", OFTString},   {"styleQML", OFTString},
        {"styleSLD", OFTString},          {"useAsDefault", OFTInteger}, {"description", OFTString},
        {"owner", OFTString},             {"ui", OFTString},            {"update_time", OFTDateTime}};
    for (const auto& [name, type] : cols) {
        OGRFieldDefn fd(name, type);
        if (std::string(name) == "useAsDefault") fd.SetSubType(OFSTBoolean);
        if (styles->CreateField(&fd) != OGRERR_NONE) throw IoError(where, "cannot create the layer_styles table");
    }
    OGRFeature f(styles->GetLayerDefn());
    f.SetField("f_table_catalog", "");
    f.SetField("f_table_schema", "");
    f.SetField("f_table_name", spec.layer.c_str());
    f.SetField("f_geometry_column", "geom");
    f.SetField("styleName", spec.style_name.c_str());
    f.SetField("styleQML", spec.style_qml.c_str());
    f.SetField("styleSLD", "");
    f.SetField("useAsDefault", 1);
    f.SetField("description", spec.style_name.c_str());
    f.SetField("owner", "bluecarbon");
    f.SetField("ui", "");
    if (styles->CreateFeature(&f) != OGRERR_NONE) throw IoError(where, "cannot store the layer style");
}

void write_layer(const fs::path& final_path, const char* driver_name, const PolygonLayerSpec& spec,
                 const OGRSpatialReference* srs, const std::vector<MultiPolygon>& geometries,
                 const std::vector<std::vector<FieldValue>>& rows, CSLConstList layer_options, bool with_style,
                 OutputTransaction* transaction) {
    ensure_gdal_ready();
    if (rows.size() != geometries.size()) throw std::invalid_argument("write_polygons: rows and geometries differ");
    const std::string where = final_path.string();
    const fs::path temp = transaction ? transaction->stage(final_path) : io::temp_path_beside(final_path);
    TempFileGuard guard(temp);
    io::GdalErrorCapture capture;
    const io::ScopedGpkgTimestamp timestamp;  // lives until the dataset below is closed
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver_name);
        if (!drv) throw IoError(final_path, fmt::format("GDAL has no {} driver", driver_name));
        GDALDatasetUniquePtr ds(drv->Create(temp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw IoError(final_path, capture.message_or("cannot create the file"));
        // GDAL 3.6 takes a non-const SRS (it only clones it).
        OGRLayer* layer = ds->CreateLayer(spec.layer.c_str(), const_cast<OGRSpatialReference*>(srs), wkbMultiPolygon,
                                          const_cast<char**>(layer_options));
        if (!layer) throw IoError(final_path, capture.message_or("cannot create layer " + spec.layer));
        for (const auto& field : spec.fields) {
            OGRFieldDefn fd(field.name.c_str(), ogr_type(field.type));
            if (layer->CreateField(&fd) != OGRERR_NONE)
                throw IoError(final_path, capture.message_or("cannot create field " + field.name));
        }
        const bool transactional = ds->StartTransaction() == OGRERR_NONE;
        for (std::size_t i = 0; i < geometries.size(); ++i) {
            OGRFeature f(layer->GetLayerDefn());
            for (std::size_t k = 0; k < spec.fields.size() && k < rows[i].size(); ++k)
                set_field(f, static_cast<int>(k), rows[i][k]);
            if (!geometries[i].empty()) f.SetGeometryDirectly(to_ogr(geometries[i]).release());
            if (layer->CreateFeature(&f) != OGRERR_NONE)
                throw IoError(final_path, capture.message_or(fmt::format("cannot write feature {}", i + 1)));
        }
        if (with_style && !spec.style_qml.empty()) write_style(*ds, spec, where);
        if (transactional && ds->CommitTransaction() != OGRERR_NONE)
            throw IoError(final_path, capture.message_or("cannot commit the features"));
    }  // closing the dataset flushes it
    if (capture.failed()) throw IoError(final_path, capture.errors());
    if (!transaction) {
        std::error_code ec;
        fs::rename(temp, final_path, ec);
        if (ec) throw IoError(final_path, "cannot move the finished file into place: " + ec.message());
    }
    guard.release();
}

}  // namespace

void write_polygons_gpkg(const fs::path& path, const PolygonLayerSpec& spec, const std::vector<MultiPolygon>& geometries,
                         const std::vector<std::vector<FieldValue>>& rows, OutputTransaction* transaction) {
    ensure_gdal_ready();
    std::optional<OGRSpatialReference> srs;
    if (!spec.crs.empty()) srs = io::srs_from_wkt(spec.crs.wkt);
    const char* options[] = {"SPATIAL_INDEX=YES", nullptr};
    write_layer(path, "GPKG", spec, srs ? &*srs : nullptr, geometries, rows, options, true, transaction);
}

void write_polygons_geojson(const fs::path& path, const PolygonLayerSpec& spec,
                            const std::vector<MultiPolygon>& geometries,
                            const std::vector<std::vector<FieldValue>>& rows, OutputTransaction* transaction) {
    ensure_gdal_ready();
    if (spec.crs.empty()) throw IoError(path, "GeoJSON output needs the CRS of the geometries");
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    auto lonlat = geometries;
    transform_polygons(lonlat, spec.crs, io::crs_info_from_srs(wgs84));
    // RFC 7946: WGS 84 longitude/latitude, right-hand rings, 7 decimals (about 1 cm).
    const char* options[] = {"RFC7946=YES", "WRITE_BBOX=YES", nullptr};
    write_layer(path, "GeoJSON", spec, &wgs84, lonlat, rows, options, false, transaction);
}

}  // namespace bluecarbon
