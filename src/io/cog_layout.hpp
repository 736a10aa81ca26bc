#pragma once
// Private to io: a tiled GeoTIFF with internal overviews rewritten in the Cloud-Optimised GeoTIFF layout, its
// compressed tiles copied as they are (no decoding, no re-encoding).
#include <filesystem>

namespace bluecarbon::io {

/// Writes `out` from `tiled`, a little-endian tiled TIFF (classic or BigTIFF) whose IFD chain holds the full
/// image and then its overviews, one band, as GDAL's GTiff driver writes it: GDAL's structural metadata ghost
/// area, every IFD (largest level first) before any tile data, then the tiles, smallest overview first and row
/// by row within a level, each preceded by its size (uint32) and followed by its last 4 bytes repeated: the
/// layout GDAL's COG driver writes, which GDAL reports as LAYOUT=COG. Every tag is kept; only tile offsets move.
/// Uncompressed edge tiles get their padding (the part outside the image) zeroed, so the bytes do not depend on how
/// the source's tiles were written.
/// BigTIFF when the source is, or when the result would not fit a classic TIFF. Throws IoError naming `tiled`.
void write_cog_layout(const std::filesystem::path& tiled, const std::filesystem::path& out);

}  // namespace bluecarbon::io
