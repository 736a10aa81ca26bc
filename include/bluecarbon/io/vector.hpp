#pragma once
/// Reading polygon layers from any OGR source and writing GeoPackage / GeoJSON parcel layers. OGR and OSR stay
/// behind this header.
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/core/polygon.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bluecarbon {

class OutputTransaction;

struct PolygonReadOptions {
    std::string layer;                          ///< empty: the source's first layer
    std::string id_field;                       ///< required: a field whose values are unique and not empty
    std::vector<std::string> attribute_fields;  ///< further fields to keep (as text; empty for null)
    std::vector<std::string> optional_fields;   ///< fields kept when present (empty text when the layer lacks them)
    /// Transform the geometries to this CRS (PROJ through OGR). Nullopt: keep the layer's own CRS.
    std::optional<CrsInfo> target_crs;
};

/// The polygons of one layer, in feature order.
struct PolygonTable {
    std::filesystem::path path;
    std::string layer;
    CrsInfo crs;  ///< the CRS of `geometries` (the target CRS when one was given)
    std::vector<std::string> ids;
    std::vector<MultiPolygon> geometries;
    std::vector<std::string> field_names;               ///< attribute_fields then optional_fields
    std::vector<std::vector<std::string>> attributes;   ///< per feature, per field_names entry
    [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

/// Reads every feature of a polygon layer. Throws InputError, one line naming the file and layer/field/feature:
/// missing file, not a vector source, unknown layer, no features, a point or line layer (or feature), a missing
/// id or attribute field, an empty or repeated id, NaN coordinates, no CRS when a target CRS is given, or a
/// failed transformation. Null geometries become empty MultiPolygons (validation reports them). Curved
/// geometries are linearised. Thread-safe.
[[nodiscard]] PolygonTable read_polygons(const std::filesystem::path& path, const PolygonReadOptions& options);

/// Transforms polygons in place from one CRS to another (x = easting/longitude in both). Throws CrsError.
void transform_polygons(std::vector<MultiPolygon>& polygons, const CrsInfo& from, const CrsInfo& to);

/// The geographic CRS (longitude/latitude, degrees) of `crs`'s datum, for ellipsoidal areas. Throws CrsError.
[[nodiscard]] CrsInfo geographic_crs_of(const CrsInfo& crs);

/// A column of a written layer.
struct VectorField {
    enum class Type { integer, real, text };
    std::string name;
    Type type{Type::text};
};
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;  ///< monostate = null

struct PolygonLayerSpec {
    std::string layer;                ///< layer name
    CrsInfo crs;                      ///< CRS of the geometries given to the writer
    std::vector<VectorField> fields;
    std::string style_name;           ///< GeoPackage only: a QGIS style stored in `layer_styles` when not empty
    std::string style_qml;
};

/// Writes a GeoPackage with one polygon layer (and its QGIS style as the layer's default, when given) under a
/// temporary name, renamed into place when complete (or staged in `transaction`). `rows[i]` holds the values of
/// feature i in the order of spec.fields. Throws IoError naming the file.
void write_polygons_gpkg(const std::filesystem::path& path, const PolygonLayerSpec& spec,
                         const std::vector<MultiPolygon>& geometries, const std::vector<std::vector<FieldValue>>& rows,
                         OutputTransaction* transaction = nullptr);

/// Writes GeoJSON (RFC 7946: WGS 84 longitude/latitude), transformed from spec.crs, same conventions.
void write_polygons_geojson(const std::filesystem::path& path, const PolygonLayerSpec& spec,
                            const std::vector<MultiPolygon>& geometries,
                            const std::vector<std::vector<FieldValue>>& rows, OutputTransaction* transaction = nullptr);

}  // namespace bluecarbon
