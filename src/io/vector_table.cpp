// Typed attribute tables of OGR layers.
#include "gdal_util.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/vector_table.hpp>

#include <ogrsf_frmts.h>

namespace bluecarbon {

std::optional<std::size_t> AttributeTable::find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == name) return i;
    return std::nullopt;
}

AttributeTable read_attribute_table(const std::filesystem::path& path, const std::string& layer_name) {
    ensure_gdal_ready();
    const std::string file = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw InputError(file + ": no such file");
    io::GdalErrorCapture capture;
    GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) throw InputError(io::with_detail(file + ": not a vector file OGR can read", capture.errors()));
    OGRLayer* layer = layer_name.empty() ? (ds->GetLayerCount() > 0 ? ds->GetLayer(0) : nullptr)
                                         : ds->GetLayerByName(layer_name.c_str());
    if (!layer) throw InputError(file + ": no layer '" + layer_name + "'");
    AttributeTable t;
    t.path = path;
    t.layer = layer->GetName();
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldDefn* f = defn->GetFieldDefn(i);
        auto type = VectorField::Type::text;
        if (f->GetType() == OFTInteger || f->GetType() == OFTInteger64) type = VectorField::Type::integer;
        if (f->GetType() == OFTReal) type = VectorField::Type::real;
        t.fields.push_back({f->GetNameRef(), type});
    }
    layer->ResetReading();
    for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        std::vector<FieldValue> row;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const auto type = t.fields[static_cast<std::size_t>(i)].type;
            if (!f->IsFieldSetAndNotNull(i)) row.emplace_back(std::monostate{});
            else if (type == VectorField::Type::integer) row.emplace_back(std::int64_t{f->GetFieldAsInteger64(i)});
            else if (type == VectorField::Type::real) row.emplace_back(f->GetFieldAsDouble(i));
            else row.emplace_back(std::string(f->GetFieldAsString(i)));
        }
        t.rows.push_back(std::move(row));
    }
    return t;
}

}  // namespace bluecarbon
