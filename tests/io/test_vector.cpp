// Polygon layers: reading from OGR sources with CRS transformation and one-line errors; GeoPackage/GeoJSON output.
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/vector.hpp>

#include <catch2/catch.hpp>
#include <ogrsf_frmts.h>

#include <fstream>
#include <limits>

using namespace bluecarbon;
using bluecarbon::test::write_text;
namespace fs = std::filesystem;

namespace {

std::string feature(const std::string& id, const std::string& owner, const std::string& geometry) {
    return R"({"type":"Feature","properties":{"pid":")" + id + R"(","owner":")" + owner + R"("},"geometry":)" + geometry +
           "}";
}

std::string collection(const std::vector<std::string>& features) {
    std::string s = R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < features.size(); ++i) s += (i ? "," : "") + features[i];
    return s + "]}";
}

// A square of 0.001 degrees with its south-west corner on the equator at 123 E, the central meridian of UTM 51N.
const std::string k_square = R"({"type":"Polygon","coordinates":[[[123,0],[123.001,0],[123.001,0.001],[123,0.001],[123,0]]]})";

void check_error(const fs::path& p, const PolygonReadOptions& o, const std::string& fragment) {
    INFO(fragment);
    try {
        (void)read_polygons(p, o);
        FAIL("no error");
    } catch (const InputError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.find(fragment) != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
        CHECK(msg.find(p.filename().string()) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("Polygons are read in feature order and transformed to the grid CRS", "[io][vector]") {
    test::TempDir dir;
    const auto path = dir / "parcels.geojson";
    write_text(path, collection({feature("A", "Lin", k_square),
                                 feature("B", "", R"({"type":"MultiPolygon","coordinates":[[[[123.002,0.002],[123.003,0.002],[123.003,0.003],[123.002,0.002]]]]})")}));
    PolygonReadOptions o;
    o.id_field = "pid";
    o.attribute_fields = {"owner"};
    o.optional_fields = {"no_such_field"};
    o.target_crs = crs_from_user("EPSG:32651");
    const auto t = read_polygons(path, o);
    REQUIRE(t.size() == 2);
    CHECK(t.ids == std::vector<std::string>{"A", "B"});
    CHECK(t.attributes[0] == std::vector<std::string>{"Lin", ""});
    CHECK(t.attributes[1] == std::vector<std::string>{"", ""});
    CHECK(t.crs.name.find("51N") != std::string::npos);
    // (123 E, 0 N) is UTM 51N's false origin: (500000, 0).
    const auto& ring = t.geometries[0].parts[0].exterior;
    REQUIRE(ring.size() == 5);
    CHECK(ring[0].x == Approx(500000.0).margin(1e-6));
    CHECK(ring[0].y == Approx(0.0).margin(1e-6));
    CHECK(ring[1].x == Approx(500000.0 + 111.3).margin(0.5));  // 0.001 degree of longitude at the equator ≈ 111.3 m
    CHECK(t.geometries[1].parts.size() == 1);

    // The geographic CRS of UTM 51N's datum is WGS 84 lon/lat.
    const auto geog = geographic_crs_of(t.crs);
    CHECK(geog.geographic);
    auto back = t.geometries;
    transform_polygons(back, t.crs, geog);
    CHECK(back[0].parts[0].exterior[2].x == Approx(123.001).margin(1e-9));
    CHECK(back[0].parts[0].exterior[2].y == Approx(0.001).margin(1e-9));
}

TEST_CASE("Bad polygon inputs are refused with one line naming the file and field", "[io][vector]") {
    test::TempDir dir;
    PolygonReadOptions o;
    o.id_field = "pid";
    check_error(dir / "missing.gpkg", o, "no such file");
    write_text(dir / "empty.geojson", "");
    check_error(dir / "empty.geojson", o, "empty");
    write_text(dir / "none.geojson", collection({}));
    check_error(dir / "none.geojson", o, "no features");
    write_text(dir / "p.geojson", collection({feature("A", "x", k_square)}));
    {
        auto bad = o;
        bad.id_field = "parcel";
        check_error(dir / "p.geojson", bad, "no id field 'parcel' (fields: pid, owner)");
        auto layer = o;
        layer.layer = "nope";
        check_error(dir / "p.geojson", layer, "no layer 'nope'");
        auto attr = o;
        attr.attribute_fields = {"area"};
        check_error(dir / "p.geojson", attr, "no field 'area'");
    }
    write_text(dir / "dup.geojson", collection({feature("A", "x", k_square), feature("A", "y", k_square)}));
    check_error(dir / "dup.geojson", o, "id field 'pid' is not unique: 'A' in features 1 and 2");
    write_text(dir / "lines.geojson",
               collection({feature("L", "x", R"({"type":"LineString","coordinates":[[0,0],[1,1]]})")}));
    check_error(dir / "lines.geojson", o, "line");
    write_text(dir / "mixed.geojson", collection({feature("A", "x", k_square),
                                                  feature("P", "x", R"({"type":"Point","coordinates":[0,0]})")}));
    check_error(dir / "mixed.geojson", o, "feature 2 (id P) is a point");
    write_text(dir / "noid.geojson", collection({feature("", "x", k_square)}));
    check_error(dir / "noid.geojson", o, "feature 1 has no value in id field 'pid'");
    write_text(dir / "junk.gpkg", "this is not a GeoPackage");
    check_error(dir / "junk.gpkg", o, "not a vector file");

    // NaN coordinates (written through OGR into a GeoPackage, which can hold them).
    {
        ensure_gdal_ready();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        GDALDatasetUniquePtr ds(drv->Create((dir / "nan.gpkg").c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRLayer* layer = ds->CreateLayer("parcels", nullptr, wkbPolygon, nullptr);
        OGRFieldDefn fd("pid", OFTString);
        layer->CreateField(&fd);
        OGRFeature f(layer->GetLayerDefn());
        f.SetField("pid", "N");
        OGRPolygon poly;
        OGRLinearRing ring;
        ring.addPoint(0, 0);
        ring.addPoint(1, std::numeric_limits<double>::quiet_NaN());
        ring.addPoint(1, 1);
        ring.addPoint(0, 0);
        poly.addRing(&ring);
        f.SetGeometry(&poly);
        REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
    }
    check_error(dir / "nan.gpkg", o, "feature 1 (id N) has NaN or infinite coordinates");
}

TEST_CASE("Polygon layers are written to GeoPackage with a QGIS style, and to GeoJSON in WGS 84", "[io][vector]") {
    test::TempDir dir;
    PolygonLayerSpec spec;
    spec.layer = "parcels";
    spec.crs = crs_from_user("EPSG:32651");
    spec.fields = {{"parcel_id", VectorField::Type::text}, {"area_m2", VectorField::Type::real},
                   {"eligible", VectorField::Type::integer}};
    spec.style_name = "eligibility";
    spec.style_qml = "<qgis><renderer-v2 type=\"categorizedSymbol\" attr=\"eligible\"/></qgis>";
    MultiPolygon sq;
    sq.parts.push_back({{{500000, 0}, {500100, 0}, {500100, 100}, {500000, 100}, {500000, 0}}, {}});
    const std::vector<MultiPolygon> geoms = {sq, MultiPolygon{}};
    const std::vector<std::vector<FieldValue>> rows = {{std::string("A"), 10000.0, std::int64_t{1}},
                                                       {std::string("B"), std::monostate{}, std::int64_t{0}}};
    write_polygons_gpkg(dir / "parcels.gpkg", spec, geoms, rows);
    write_polygons_geojson(dir / "parcels.geojson", spec, geoms, rows);
    // Nothing but the two files is left in the folder (temporary names were renamed).
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
    CHECK(files == 2);

    GDALDatasetUniquePtr ds(GDALDataset::Open((dir / "parcels.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("parcels");
    REQUIRE(layer);
    CHECK(layer->GetFeatureCount() == 2);
    OGRFeatureUniquePtr f(layer->GetNextFeature());
    CHECK(std::string(f->GetFieldAsString("parcel_id")) == "A");
    CHECK(f->GetFieldAsDouble("area_m2") == 10000.0);
    CHECK(f->GetFieldAsInteger64("eligible") == 1);
    CHECK(f->GetGeometryRef()->toMultiPolygon()->get_Area() == Approx(10000.0));
    f.reset(layer->GetNextFeature());
    CHECK(!f->IsFieldSetAndNotNull(f->GetFieldIndex("area_m2")));
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    REQUIRE(styles);
    OGRFeatureUniquePtr s(styles->GetNextFeature());
    CHECK(std::string(s->GetFieldAsString("f_table_name")) == "parcels");
    CHECK(std::string(s->GetFieldAsString("styleQML")) == spec.style_qml);
    CHECK(s->GetFieldAsInteger("useAsDefault") == 1);

    PolygonReadOptions o;
    o.id_field = "parcel_id";
    const auto gj = read_polygons(dir / "parcels.geojson", o);
    CHECK(gj.crs.geographic);
    CHECK(gj.geometries[0].parts[0].exterior[0].x == Approx(123.0).margin(1e-7));
    CHECK(gj.geometries[0].parts[0].exterior[0].y == Approx(0.0).margin(1e-7));
}
