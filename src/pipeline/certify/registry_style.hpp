#pragma once
// The QGIS style of `registry export`'s layer, stored in the GeoPackage's layer_styles table.
#include <string>

namespace bluecarbon::pipeline {

/// Style name of the exported registry layer.
inline constexpr const char* k_registry_style_name = "status";

/// A QML style colouring blocks by `status` (held blue, retired green, cancelled grey), labelled by serial.
[[nodiscard]] std::string registry_status_qml();

}  // namespace bluecarbon::pipeline
