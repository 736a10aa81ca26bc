#include <bluecarbon/science/habitat.hpp>

#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace bluecarbon::science {

namespace {
constexpr std::array<Habitat, k_habitat_count> k_all = {
    Habitat::water,      Habitat::seagrass,         Habitat::tidal_flat, Habitat::salt_marsh,
    Habitat::mangrove,   Habitat::aquaculture_pond, Habitat::forest,     Habitat::other,
};
constexpr std::array<std::string_view, k_habitat_count> k_names = {
    "water", "seagrass", "tidal_flat", "salt_marsh", "mangrove", "aquaculture_pond", "forest", "other",
};
constexpr std::array<std::string_view, k_habitat_count> k_labels = {
    "Water", "Seagrass", "Tidal flat", "Salt marsh", "Mangrove", "Aquaculture pond", "Forest", "Other",
};
// Colours chosen to read at a glance in QGIS: blues for water, greens for vegetation, sand for flats.
constexpr std::array<Rgb, k_habitat_count> k_colors = {{
    {31, 120, 180},   // water
    {102, 194, 165},  // seagrass
    {223, 194, 125},  // tidal flat
    {166, 217, 106},  // salt marsh
    {0, 104, 55},     // mangrove
    {116, 173, 209},  // aquaculture pond
    {77, 146, 33},    // forest
    {189, 189, 189},  // other
}};
}  // namespace

std::span<const Habitat> all_habitats() noexcept { return k_all; }

std::string_view habitat_name(Habitat h) noexcept { return k_names[habitat_index(h)]; }
std::string_view habitat_label(Habitat h) noexcept { return k_labels[habitat_index(h)]; }
Rgb habitat_color(Habitat h) noexcept { return k_colors[habitat_index(h)]; }

std::optional<Habitat> parse_habitat(std::string_view name) noexcept {
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.remove_prefix(1);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
    std::string norm;
    norm.reserve(name.size());
    for (char c : name) {
        if (c == ' ' || c == '-') c = '_';
        norm.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    for (std::size_t i = 0; i < k_names.size(); ++i)
        if (norm == k_names[i]) return k_all[i];
    return std::nullopt;
}

std::string habitat_name_list() {
    std::string s;
    for (auto n : k_names) {
        if (!s.empty()) s += ", ";
        s += n;
    }
    return s;
}

std::optional<Habitat> habitat_from_code(std::uint8_t code) noexcept {
    if (code >= 1 && code <= k_habitat_count) return static_cast<Habitat>(code);
    return std::nullopt;
}

void ClassMapping::add(std::int64_t code, Habitat h) {
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), code,
                               [](const auto& e, std::int64_t c) { return e.first < c; });
    if (it != m_entries.end() && it->first == code)
        throw std::invalid_argument("class code " + std::to_string(code) + " is mapped twice");
    m_entries.insert(it, {code, h});
    if (code >= 0 && code <= 255) m_byte_lut[static_cast<std::size_t>(code)] = static_cast<std::uint8_t>(h);
}

std::optional<Habitat> ClassMapping::find(std::int64_t code) const noexcept {
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), code,
                               [](const auto& e, std::int64_t c) { return e.first < c; });
    if (it != m_entries.end() && it->first == code) return it->second;
    return std::nullopt;
}

void ClassMapping::apply(std::span<const float> codes, std::span<const std::uint8_t> valid,
                         std::span<std::uint8_t> out, std::vector<std::int64_t>& unmapped,
                         std::string_view source) const {
    if (codes.size() != valid.size() || codes.size() != out.size())
        throw std::invalid_argument("ClassMapping::apply: spans of different lengths");
    std::vector<std::int64_t> missing;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (!valid[i]) {
            out[i] = k_habitat_nodata;
            continue;
        }
        const float v = codes[i];
        std::uint8_t h = 0;
        // Byte codes (the usual case) go through a table; anything else through the sorted list.
        if (v >= 0.0F && v <= 255.0F && v == std::floor(v)) {
            h = m_byte_lut[static_cast<std::size_t>(v)];
        } else if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15F) {
            if (auto f = find(static_cast<std::int64_t>(v))) h = static_cast<std::uint8_t>(*f);
        }
        if (h == 0) {
            out[i] = k_habitat_nodata;
            // 2^63 is exact in float; casting a value at or beyond it to int64 would be undefined behaviour.
            if (std::isfinite(v) && std::fabs(v) >= 0x1.0p63F)
                throw InputError(fmt::format("{}: class code {} is outside the range of integer class codes "
                                             "(|code| < 2^63)",
                                             source, static_cast<double>(v)));
            const auto code = std::isfinite(v) ? static_cast<std::int64_t>(std::trunc(v)) : std::int64_t{0};
            if (missing.empty() || missing.back() != code) missing.push_back(code);
        } else {
            out[i] = h;
        }
    }
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    merge_unmapped_codes(unmapped, missing);
}

void merge_unmapped_codes(std::vector<std::int64_t>& into, const std::vector<std::int64_t>& from) {
    if (from.empty()) return;
    std::vector<std::int64_t> merged;
    merged.reserve(into.size() + from.size());
    std::set_union(into.begin(), into.end(), from.begin(), from.end(), std::back_inserter(merged));
    into = std::move(merged);
}

}  // namespace bluecarbon::science
