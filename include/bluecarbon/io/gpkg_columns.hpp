#pragma once
/// Adding (or refreshing) columns of an existing GeoPackage layer without touching the rest: the file is copied to
/// a temporary name, the columns are set there, and the copy replaces the original (or is staged in a
/// transaction). Every other column, the geometries and the layer style (layer_styles) stay as they were.
#include <bluecarbon/io/vector.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bluecarbon {

/// Sets `fields` on the features of `layer` (empty: the first layer) of the GeoPackage `path`, matched by the text
/// of `id_field`: values[id][i] is the value of fields[i] (features whose id is not in `values` get nulls). A
/// column that exists is overwritten, else created. Throws InputError when the file, layer or id field is missing,
/// IoError when it cannot be written.
void update_gpkg_columns(const std::filesystem::path& path, const std::string& layer, const std::string& id_field,
                         const std::vector<VectorField>& fields,
                         const std::map<std::string, std::vector<FieldValue>>& values,
                         OutputTransaction* transaction = nullptr);

} // namespace bluecarbon
