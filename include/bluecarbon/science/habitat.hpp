#pragma once
/// The habitats of SCIENCE.md §2 and the mapping of a classified raster's codes onto them.
///
/// A habitat raster stores one byte per pixel: the habitat's code (1-based, the order below), or
/// k_habitat_nodata where the pixel could not be classified. Plain C++; thread-safe.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science {

enum class Habitat : std::uint8_t {
    water = 1,
    seagrass = 2,
    tidal_flat = 3,
    salt_marsh = 4,
    mangrove = 5,
    aquaculture_pond = 6,
    forest = 7,
    other = 8,
};

inline constexpr std::size_t k_habitat_count = 8;
/// The byte stored for an unclassified pixel in habitat.tif (its nodata value).
inline constexpr std::uint8_t k_habitat_nodata = 255;

/// Every habitat, in code order.
[[nodiscard]] std::span<const Habitat> all_habitats() noexcept;
/// 0-based position of a habitat in all_habitats() (code - 1), for per-habitat arrays.
[[nodiscard]] constexpr std::size_t habitat_index(Habitat h) noexcept {
    return static_cast<std::size_t>(h) - 1;
}
/// The habitat's name as written in project files and tables: "water", "seagrass", "tidal_flat",
/// "salt_marsh", "mangrove", "aquaculture_pond", "forest", "other".
[[nodiscard]] std::string_view habitat_name(Habitat h) noexcept;
/// A human label for maps and reports ("Salt marsh").
[[nodiscard]] std::string_view habitat_label(Habitat h) noexcept;
/// Parses a habitat name (case-insensitive; blanks, '-' and ' ' read as '_'); nullopt when unknown.
[[nodiscard]] std::optional<Habitat> parse_habitat(std::string_view name) noexcept;
/// "water, seagrass, ..." for error messages.
[[nodiscard]] std::string habitat_name_list();
/// The habitat stored as `code` in a habitat raster (1..8); nullopt for any other byte.
[[nodiscard]] std::optional<Habitat> habitat_from_code(std::uint8_t code) noexcept;

/// Display colour (RGB) of each habitat for habitat.tif's colour table.
struct Rgb {
    std::uint8_t r{0}, g{0}, b{0};
};
[[nodiscard]] Rgb habitat_color(Habitat h) noexcept;

/// Maps the class codes of a user's classified raster to habitats. Codes are integers; a code present in
/// the raster but absent from the mapping is an error (collected, then reported once with every such code,
/// as InVEST does).
class ClassMapping {
public:
    ClassMapping() = default;
    /// Maps `code` to `h`. Throws std::invalid_argument when `code` is mapped twice.
    void add(std::int64_t code, Habitat h);
    [[nodiscard]] std::optional<Habitat> find(std::int64_t code) const noexcept;
    [[nodiscard]] bool empty() const noexcept { return m_entries.empty(); }
    [[nodiscard]] const std::vector<std::pair<std::int64_t, Habitat>>& entries() const noexcept { return m_entries; }

    /// Maps the valid pixels of a tile of class codes to habitat codes (`out`, same length; invalid pixels
    /// get k_habitat_nodata). Codes not in the mapping are inserted into `unmapped` (sorted, unique) and their
    /// pixels get k_habitat_nodata; the caller reports them. Codes are the raw raster values: a non-integer
    /// value counts as unmapped (rounded towards zero for the report). A finite value of magnitude ≥ 2^63 has no
    /// 64-bit integer code: InputError "<source>: class code 1.8e+19 is outside the range of integer class codes
    /// (|code| < 2^63)", where `source` names the file and band (e.g. "classes.tif band 1").
    void apply(std::span<const float> codes, std::span<const std::uint8_t> valid, std::span<std::uint8_t> out,
               std::vector<std::int64_t>& unmapped, std::string_view source = "class raster") const;

private:
    std::vector<std::pair<std::int64_t, Habitat>> m_entries;  // sorted by code
    std::array<std::uint8_t, 256> m_byte_lut{};               // codes 0..255 -> habitat code, 0 = unmapped
};

/// Merges the sorted unique code list `from` into `into` (sorted unique).
void merge_unmapped_codes(std::vector<std::int64_t>& into, const std::vector<std::int64_t>& from);

}  // namespace bluecarbon::science
