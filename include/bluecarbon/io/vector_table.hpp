#pragma once
/// Every attribute of a vector layer with its type, values exactly as stored (reals as the stored doubles, not
/// text): for re-reading a step's own output table (parcels.gpkg) bit for bit.
#include <bluecarbon/io/vector.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon {

struct AttributeTable {
    std::filesystem::path path;
    std::string layer;
    std::vector<VectorField> fields;           ///< every field of the layer, in layer order
    std::vector<std::vector<FieldValue>> rows;  ///< per feature (in reading order), per field; monostate = null

    [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const noexcept;
};

/// Reads the attributes of `layer` (empty: the first layer). Integer fields become int64, real fields double,
/// every other type text. Throws InputError naming the file for a missing file, layer or unreadable source.
[[nodiscard]] AttributeTable read_attribute_table(const std::filesystem::path& path, const std::string& layer = {});

}  // namespace bluecarbon
