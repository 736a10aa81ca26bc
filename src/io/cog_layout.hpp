#pragma once
// Private to io: a tiled GeoTIFF rewritten in the Cloud-Optimised GeoTIFF layout, or as a plain GeoTIFF whose tiles
// are in row-major order, its compressed tiles copied as they are (no decoding, no re-encoding).
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

/// Writes `out` from `tiled` (as above, overviews optional) as a plain tiled GeoTIFF in one canonical order: every
/// IFD, then the tiles, smallest level first and row by row within a level, with no COG ghost area, leaders or
/// trailers. GDAL's GTiff driver stores a tile where it stood when the tile was flushed, so without this the bytes
/// of a file would depend on the order tiles were finished in (threads, tile size). Uncompressed edge tiles get
/// their padding zeroed, as above.
void write_row_major_layout(const std::filesystem::path& tiled, const std::filesystem::path& out);

}  // namespace bluecarbon::io
