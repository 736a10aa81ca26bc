#pragma once
/// The Tier-1 default table of carbon-pool parameters (SCIENCE.md §3), with provenance per row.
///
/// File format (data/tier1_pools.csv): '#' comment lines, one of which must read `# version: <text>`; then a
/// CSV header and one row per parameter value (RFC 4180 quoting):
///
///   parameter,habitat,climate_zone,soil,value,unit,ci95_low,ci95_high,source,notes
///
/// `climate_zone` and `soil` may be `*` (any). `ci95_low`/`ci95_high` give the published range taken as a 95 %
/// interval (both or neither). Every value must be a non-negative number. Users override any row from their
/// project file; overrides replace the row with the same (parameter, habitat, climate_zone, soil).
#include <bluecarbon/science/habitat.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science {

enum class Tier1Parameter : std::uint8_t {
    agb_t_dm_per_ha,        ///< above-ground biomass, t dry matter / ha
    carbon_fraction,        ///< carbon fraction of dry matter, t C / t d.m.
    root_shoot_ratio,       ///< below-ground / above-ground biomass
    dead_wood_mg_c_per_ha,  ///< dead wood carbon, Mg C / ha
    litter_mg_c_per_ha,     ///< litter carbon, Mg C / ha
    soc_1m_mg_c_per_ha,     ///< soil organic carbon to 1 m, Mg C / ha
    /// Soil organic carbon 0–30 cm, Mg C / ha: IPCC 2006's reference depth for mineral soils (forest rows). Never
    /// mixed with a 1 m stock without saying so (soc_depth_mismatch).
    soc_30cm_mg_c_per_ha,
    agb_growth_t_dm_per_ha_yr,         ///< above-ground biomass growth, t d.m. / ha / yr (WS2013 Table 4.4)
    soc_accumulation_mg_c_per_ha_yr,   ///< soil C accumulation after restoration, Mg C / ha / yr (Table 4.12)
    vm0033_soc_accumulation_mg_c_per_ha_yr,  ///< VM0033's default soil accumulation, gated by cover in
                                             ///< accounting::vm0033_default_soil_rate (the one formula)
};
inline constexpr std::size_t k_tier1_parameter_count = 10;

[[nodiscard]] std::span<const Tier1Parameter> all_tier1_parameters() noexcept;
[[nodiscard]] std::string_view tier1_parameter_name(Tier1Parameter p) noexcept;
/// The unit the table must state for the parameter ("t d.m./ha", "t C/t d.m.", "ratio", "Mg C/ha").
[[nodiscard]] std::string_view tier1_parameter_unit(Tier1Parameter p) noexcept;
[[nodiscard]] std::optional<Tier1Parameter> parse_tier1_parameter(std::string_view name) noexcept;

/// Climate zones of the Wetlands Supplement's mangrove tables (and the matching IPCC forest zones).
enum class ClimateZone : std::uint8_t { tropical_wet, tropical_dry, subtropical, temperate };
[[nodiscard]] std::string_view climate_zone_name(ClimateZone z) noexcept;
[[nodiscard]] std::optional<ClimateZone> parse_climate_zone(std::string_view name) noexcept;
[[nodiscard]] std::string climate_zone_name_list();

/// The soil class of WS2013 Table 4.11: mineral, organic, or unknown (the table's all-soils mean, for users who
/// do not know their soil type).
enum class SoilType : std::uint8_t { mineral, organic, unknown };
[[nodiscard]] std::string_view soil_type_name(SoilType s) noexcept;
[[nodiscard]] std::optional<SoilType> parse_soil_type(std::string_view name) noexcept;

struct Tier1Row {
    Tier1Parameter parameter{Tier1Parameter::agb_t_dm_per_ha};
    Habitat habitat{Habitat::other};
    std::string climate_zone{"*"};  ///< a climate_zone_name() or "*"
    std::string soil{"*"};          ///< a soil_type_name() or "*"
    double value{0};
    std::optional<double> ci95_low;
    std::optional<double> ci95_high;
    std::string source;
    std::string notes;
    /// Where the row was read: "tier1_pools.csv:14" or, for an override, "project.toml:52".
    std::string origin;
    bool is_override{false};

    /// Standard deviation from the 95 % interval, (high − low) / (2 × 1.959964); 0 when no interval is given.
    [[nodiscard]] double sigma() const noexcept;
    /// "mangrove/subtropical/*/agb_t_dm_per_ha" for messages and provenance.
    [[nodiscard]] std::string key() const;
};

class Tier1Table {
public:
    /// Parses the CSV text; `file_name` prefixes messages (`tier1_pools.csv:12: value: "abc" is not a number`).
    /// Throws ConfigError for a missing version line, a bad header, an unknown parameter/habitat/zone/soil, a
    /// wrong unit, a negative or non-numeric value, a bad interval, or a duplicated row.
    [[nodiscard]] static Tier1Table parse(std::string_view csv_text, const std::string& file_name);
    /// Reads and parses a file. Throws InputError when it cannot be read.
    [[nodiscard]] static Tier1Table load(const std::filesystem::path& path);

    [[nodiscard]] const std::string& version() const noexcept { return m_version; }
    [[nodiscard]] const std::string& file_name() const noexcept { return m_file_name; }
    [[nodiscard]] const std::vector<Tier1Row>& rows() const noexcept { return m_rows; }

    /// The row for (parameter, habitat) in `zone` and `soil`: a row naming the zone beats a "*" row, and
    /// likewise for soil. nullptr when none applies.
    [[nodiscard]] const Tier1Row* find(Tier1Parameter p, Habitat h, ClimateZone zone, SoilType soil) const noexcept;

    /// Replaces the row with the same (parameter, habitat, climate_zone, soil), or adds it. The row is marked
    /// as an override. Throws ConfigError (prefixed with row.origin) for a negative value or a bad interval.
    void apply_override(Tier1Row row);
    /// The overrides applied, in order.
    [[nodiscard]] const std::vector<Tier1Row>& overrides() const noexcept { return m_overrides; }

private:
    std::string m_version;
    std::string m_file_name;
    std::vector<Tier1Row> m_rows;
    std::vector<Tier1Row> m_overrides;
};

/// Above-ground biomass after `years` of growth at `growth_t_dm_per_ha_yr` from `initial_t_dm_per_ha`, stopping at
/// `cap_t_dm_per_ha` (WS2013: cumulative growth from Table 4.4 stops at the Table 4.3 stock); a stock already above
/// the cap stays where it is. Throws std::invalid_argument for a negative or non-finite argument.
[[nodiscard]] double cumulative_agb_t_dm_per_ha(double initial_t_dm_per_ha, double growth_t_dm_per_ha_yr,
                                                double years, double cap_t_dm_per_ha);

/// Why two soil-carbon parameters cannot be differenced (one to 30 cm, one to 1 m), or nullopt when they are of
/// the same depth. A forest → wetland transition must compare like with like or be refused with this reason.
[[nodiscard]] std::optional<std::string> soc_depth_mismatch(Tier1Parameter from, Tier1Parameter to);

/// Checks a value and its interval; returns a problem description or nullopt (shared by table and overrides).
[[nodiscard]] std::optional<std::string> tier1_value_problem(Tier1Parameter p, double value,
                                                             std::optional<double> low, std::optional<double> high);

}  // namespace bluecarbon::science
