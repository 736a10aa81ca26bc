#pragma once
/// Tree names as survey teams write them ("Kandelia obovata", "rhizophora  stylosa", "Avicennia sp."), reduced
/// to a genus and a species epithet for table look-ups. Plain C++; thread-safe.
#include <string>
#include <string_view>

namespace bluecarbon::science::survey {

/// A parsed scientific name, lower case. `epithet` is empty for genus-only names ("Avicennia", "Avicennia sp.",
/// "Avicennia spp"). Both are empty for an empty or unknown name ("", "unknown", "NA").
struct Taxon {
    std::string genus;
    std::string epithet;

    [[nodiscard]] bool has_genus() const noexcept { return !genus.empty(); }
    [[nodiscard]] bool has_species() const noexcept { return !genus.empty() && !epithet.empty(); }
    /// "genus epithet" (lower case), or the genus alone, or "".
    [[nodiscard]] std::string key() const;
};

/// Parses a binomial: the first word is the genus, the second the epithet; later words (authorities, "subsp.",
/// "var.") are ignored. Case and repeated blanks or underscores do not matter. "sp", "sp.", "spp", "spp." and
/// "cf." as the second word leave the epithet empty.
[[nodiscard]] Taxon parse_taxon(std::string_view name);

/// Lower-cases ASCII and trims blanks.
[[nodiscard]] std::string normalize_name(std::string_view name);

}  // namespace bluecarbon::science::survey
