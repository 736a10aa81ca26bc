#pragma once
/// Wood density (g/cm³ = oven-dry mass / green volume) per tree, from a measured value or the Global Wood Density
/// Database (Zanne et al. 2009, Dryad doi:10.5061/dryad.234, CC0; shipped as data/wood_density/gwdd.csv).
///
/// Fallback chain: measured → species → genus → family → plot mean → site mean. As BIOMASS's getWoodDensity: a
/// species value is the mean of its records; a genus value the mean of its species' means (the genus's records
/// identified to genus only, "sp", count as one species); a family value the mean of its genera's means. So a
/// well-sampled species does not outweigh its congeners. `n` is the number of values averaged (records, species or
/// genera). The standard deviation used by the Monte Carlo is the sample SD of all the records at that level
/// when there are at least two (BIOMASS uses fixed mean SDs per level, its sd_10 table), otherwise a relative
/// default (10 %). Plain C++; thread-safe after construction.
#include <bluecarbon/science/survey/taxon.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science::survey {

/// One database record.
struct WoodDensityRecord {
    std::string family;
    std::string genus;
    std::string species;  ///< the epithet only ("obovata"); "sp"/"spp" or empty for genus-level records
    double wood_density_g_cm3{0};
    std::string region;
};

struct WoodDensityStats {
    double mean{0};
    double sd{std::numeric_limits<double>::quiet_NaN()};  ///< sample SD of the records; NaN when n_records < 2
    int n{0};          ///< values averaged: records (species), species means (genus), genus means (family)
    int n_records{0};  ///< database records behind the value
};

class WoodDensityDatabase {
  public:
    WoodDensityDatabase() = default;
    /// Indexes the records (names compared case-insensitively). Throws std::invalid_argument for a record with
    /// no genus or a non-finite or non-positive density.
    explicit WoodDensityDatabase(std::vector<WoodDensityRecord> records);

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] std::optional<WoodDensityStats> species(std::string_view genus, std::string_view epithet) const;
    [[nodiscard]] std::optional<WoodDensityStats> genus(std::string_view genus) const;
    [[nodiscard]] std::optional<WoodDensityStats> family(std::string_view family) const;
    /// The family the database gives for `genus` (the most frequent one), or nullopt.
    [[nodiscard]] std::optional<std::string> family_of(std::string_view genus) const;

  private:
    struct Acc {
        double sum{0}, sum_sq{0};
        int n{0};
        [[nodiscard]] WoodDensityStats stats() const;
    };
    std::map<std::string, Acc, std::less<>> m_species;
    std::map<std::string, WoodDensityStats, std::less<>> m_genus, m_family;
    std::map<std::string, std::map<std::string, int>, std::less<>> m_genus_families;
    std::size_t m_size{0};
};

enum class WoodDensityLevel : std::uint8_t { measured, species, genus, family, plot_mean, site_mean, none };
[[nodiscard]] std::string_view wood_density_level_name(WoodDensityLevel level) noexcept;

/// One tree's request: its name, an optional family (when the survey gives one), an optional measured value, and
/// its plot (for the plot-mean fallback).
struct WoodDensityQuery {
    Taxon taxon;
    std::string family;
    std::optional<double> measured_g_cm3;
    std::size_t plot{0};
};

struct WoodDensityAssignment {
    double value_g_cm3{std::numeric_limits<double>::quiet_NaN()};
    double sd_g_cm3{std::numeric_limits<double>::quiet_NaN()};
    WoodDensityLevel level{WoodDensityLevel::none};
    int n_records{0};  ///< values averaged: records (species), species (genus), genera (family) or trees (plot
                       ///< or site mean); 1 when measured
    std::string synonym;  ///< the database name used for the species when it is a synonym ("kandelia candel")
};

/// The accepted synonym of a species name (lower case "genus epithet") under which the database may hold it, or
/// empty: Bruguiera gymnorrhiza = B. gymnorhiza (spellings), Kandelia obovata = K. candel (Chinese K. candel was
/// split off as K. obovata, Sheue et al. 2003; the GWDD's Chinese K. candel records are that species).
[[nodiscard]] std::string_view species_synonym(std::string_view key) noexcept;

struct WoodDensityOptions {
    /// SD as a fraction of the value when the records give none (one record, a measured value, one tree).
    double default_relative_sd{0.10};
};

/// Assigns a wood density to every query (same order). Plot and site means average the trees of that plot (or
/// of all plots) whose value came from a measurement or the database; they never feed on other means. A tree
/// nothing applies to gets level `none` (value NaN).
[[nodiscard]] std::vector<WoodDensityAssignment> assign_wood_density(const WoodDensityDatabase& db,
                                                                     std::span<const WoodDensityQuery> trees,
                                                                     const WoodDensityOptions& options = {});

}  // namespace bluecarbon::science::survey
