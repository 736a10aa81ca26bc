#pragma once
/// The canonical WKB of a parcel (what a certificate hashes): little-endian ISO WKB MultiPolygon (type 6) of
/// Polygons (type 3), 2D, rings closed, parts, rings and vertices in the order and with the coordinates stored.
/// Plain bytes: the same polygon always gives the same bytes, whoever writes it.
#include <bluecarbon/core/polygon.hpp>

#include <string>
#include <string_view>

namespace bluecarbon::certify {

[[nodiscard]] std::string canonical_wkb(const MultiPolygon& g);

/// Reads a 2D WKB Polygon or MultiPolygon (either byte order) back. Throws InputError for anything else or for
/// truncated or trailing bytes.
[[nodiscard]] MultiPolygon multipolygon_from_wkb(std::string_view wkb);

}  // namespace bluecarbon::certify
