// Refreshing columns of an existing GeoPackage layer on a copy of the file, so the original is replaced only when
// the copy is complete, and everything else in it (columns, geometries, layer_styles) is kept byte for byte.
#include "gdal_util.hpp"
#include "output_files.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/gpkg_columns.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include <ogrsf_frmts.h>

#include <fmt/format.h>

namespace bluecarbon {

namespace fs = std::filesystem;

namespace {

OGRFieldType field_type(VectorField::Type t) {
    switch (t) {
    case VectorField::Type::integer:
        return OFTInteger64;
    case VectorField::Type::real:
        return OFTReal;
    case VectorField::Type::text:
        return OFTString;
    }
    return OFTString;
}

void set_value(OGRFeature& f, int i, const FieldValue& v) {
    if (std::holds_alternative<std::monostate>(v))
        f.SetFieldNull(i);
    else if (const auto* n = std::get_if<std::int64_t>(&v))
        f.SetField(i, static_cast<GIntBig>(*n));
    else if (const auto* d = std::get_if<double>(&v))
        f.SetField(i, *d);
    else
        f.SetField(i, std::get<std::string>(v).c_str());
}

// Sets the columns on the file at `file` (the copy); `where` names the original in messages.
void set_columns(const fs::path& file, const fs::path& where, const std::string& layer_name,
                 const std::string& id_field, const std::vector<VectorField>& fields,
                 const std::map<std::string, std::vector<FieldValue>>& values) {
    io::GdalErrorCapture capture;
    const io::ScopedGpkgTimestamp timestamp;  // declared first: it outlives the dataset, which stamps at closing
    GDALDatasetUniquePtr ds(GDALDataset::Open(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    if (!ds)
        throw InputError(where.string() + ": " + capture.message_or("cannot open the GeoPackage for update"));
    OGRLayer* layer = layer_name.empty() ? ds->GetLayer(0) : ds->GetLayerByName(layer_name.c_str());
    if (!layer)
        throw InputError(where.string() + ": no layer " + (layer_name.empty() ? "at all" : layer_name));
    const int id_index = layer->GetLayerDefn()->GetFieldIndex(id_field.c_str());
    if (id_index < 0)
        throw InputError(where.string() + ": layer has no field '" + id_field + "'");
    std::vector<int> index;
    for (const auto& field : fields) {
        int i = layer->GetLayerDefn()->GetFieldIndex(field.name.c_str());
        if (i < 0) {
            OGRFieldDefn fd(field.name.c_str(), field_type(field.type));
            if (layer->CreateField(&fd) != OGRERR_NONE)
                throw IoError(where, capture.message_or("cannot create field " + field.name));
            i = layer->GetLayerDefn()->GetFieldIndex(field.name.c_str());
        }
        index.push_back(i);
    }
    const bool transactional = ds->StartTransaction() == OGRERR_NONE;
    layer->ResetReading();
    // Collect first: rewriting features while iterating the same layer is not safe in every driver.
    std::vector<OGRFeatureUniquePtr> features;
    while (OGRFeature* f = layer->GetNextFeature())
        features.emplace_back(f);
    for (auto& f : features) {
        const auto it = values.find(f->GetFieldAsString(id_index));
        for (std::size_t k = 0; k < fields.size(); ++k) {
            set_value(*f, index[k], it != values.end() && k < it->second.size() ? it->second[k] : FieldValue{});
        }
        if (layer->SetFeature(f.get()) != OGRERR_NONE)
            throw IoError(where, capture.message_or(fmt::format("cannot update feature {}", f->GetFID())));
    }
    if (transactional && ds->CommitTransaction() != OGRERR_NONE)
        throw IoError(where, capture.message_or("cannot commit the update"));
    ds.reset();
    if (capture.failed())
        throw IoError(where, capture.errors());
}

} // namespace

void update_gpkg_columns(const fs::path& path, const std::string& layer, const std::string& id_field,
                         const std::vector<VectorField>& fields,
                         const std::map<std::string, std::vector<FieldValue>>& values, OutputTransaction* transaction) {
    ensure_gdal_ready();
    if (!fs::is_regular_file(path))
        throw InputError(path.string() + ": no such GeoPackage");
    const fs::path temp = transaction ? transaction->stage(path) : io::temp_path_beside(path);
    try {
        std::error_code ec;
        fs::copy_file(path, temp, fs::copy_options::overwrite_existing, ec);
        if (ec)
            throw IoError(path, "cannot copy the file: " + ec.message());
        set_columns(temp, path, layer, id_field, fields, values);
        if (!transaction) {
            fs::rename(temp, path, ec);
            if (ec)
                throw IoError(path, "cannot move the updated file into place: " + ec.message());
        }
    } catch (...) {
        std::error_code ec;
        if (!transaction)
            fs::remove(temp, ec); // a transaction removes what it staged
        throw;
    }
}

} // namespace bluecarbon
