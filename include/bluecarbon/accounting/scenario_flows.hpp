#pragma once
/// A pixel's carbon flows year by year under one scenario (baseline or project) of a credits run, from the habitat
/// it holds each year. Plain C++ on numbers; memory does not grow with the number of years (one state per pixel).
///
/// The rules (README "Credits"):
/// - At the project start the pixel holds its habitat before the project as a mature stand: biomass at the Tier-1
///   stock (AGB cap), soil at the Tier-1 stock, no change while the habitat stays (Tier 1: a habitat remaining
///   itself is in equilibrium).
/// - A change of habitat in year y emits, in year y, the biomass carbon the pixel held ((AGB + BGB) × CF, plus the
///   dead wood and litter of a mature stand). If the new habitat is a blue-carbon wetland (mangrove, salt marsh,
///   seagrass) the soil stays and accumulates from year y on; otherwise the soil carbon of a wetland (its Tier-1
///   stock plus what it accumulated, at the ungated rate) is emitted in year y (excavation, drainage: Tier 1's
///   instantaneous loss). A new stand starts with no biomass.
/// - Each year a stand grows its AGB by the habitat's Tier-1 growth rate up to its Tier-1 stock (WS2013 Table 4.4
///   capped at Table 4.3); the removal is the growth × (1 + root:shoot) × carbon fraction.
/// - Soil accumulation is counted as hectares accumulating per habitat; the caller applies the profile's rate
///   (which may depend on the parcel's cover).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bluecarbon::accounting {

/// Habitat slots, science::Habitat code − 1 (0 water … 7 other).
inline constexpr std::size_t k_flow_habitats = 8;

/// Per-habitat Tier-1 parameters the flows need (per ha).
struct FlowHabitat {
    double agb_cap_t_dm{0};       ///< AGB stock of a mature stand, t d.m./ha
    double agb_growth_t_dm_yr{0}; ///< AGB growth of a young stand, t d.m./ha/yr
    double root_shoot{0};
    double carbon_fraction{0};
    double dead_litter_c{0};  ///< dead wood + litter of a mature stand, t C/ha
    double soil_c{0};         ///< soil carbon stock, t C/ha (counted only for wetlands)
    double soil_rate_c_yr{0}; ///< ungated soil accumulation, t C/ha/yr (for what a later loss emits)
    bool wetland{false};      ///< blue-carbon habitat (mangrove, salt marsh, seagrass)
};
using FlowParameters = std::array<FlowHabitat, k_flow_habitats>;

/// One year's flows of some area, by habitat slot (the habitat held during the year, or the habitat left for
/// emissions), in t C (or ha for the area fields).
struct YearFlows {
    std::array<double, k_flow_habitats> present_ha{};         ///< area holding the habitat
    std::array<double, k_flow_habitats> soil_accum_ha{};      ///< area whose soil accumulates this year
    std::array<double, k_flow_habitats> biomass_removal_c{};  ///< growth of stands
    std::array<double, k_flow_habitats> biomass_emission_c{}; ///< by the habitat left
    std::array<double, k_flow_habitats> soil_emission_c{};    ///< by the habitat left
    void add(const YearFlows& o, double scale);
};

/// Adds `area_ha` × the flows of a pixel whose habitat is `habitat_at(y)` (slot 0–7) in each year y of
/// [start_year, end_year) to `out[y − start_year]` (sized by the caller). `before` is the slot held before the
/// project (a mature stand). Throws std::invalid_argument for a slot outside 0–7.
template <typename HabitatAt>
void add_pixel_flows(const FlowParameters& p, std::size_t before, int start_year, int end_year, HabitatAt habitat_at,
                     double area_ha, std::vector<YearFlows>& out);

/// The state the template steps; exposed for the template only.
struct FlowState {
    std::size_t habitat{0};
    bool mature{true};
    bool soil_accumulating{false};
    double agb_t_dm{0};
    double soil_c{0}; ///< counted wetland soil (stock + accumulated at the ungated rate)
};
[[nodiscard]] FlowState initial_flow_state(const FlowParameters& p, std::size_t before);
/// One year: a change to `habitat` first (if any), then the year's growth and accumulation, added × area_ha.
void step_flow_year(const FlowParameters& p, FlowState& s, std::size_t habitat, double area_ha, YearFlows& out);

template <typename HabitatAt>
void add_pixel_flows(const FlowParameters& p, std::size_t before, int start_year, int end_year, HabitatAt habitat_at,
                     double area_ha, std::vector<YearFlows>& out) {
    FlowState s = initial_flow_state(p, before);
    for (int y = start_year; y < end_year; ++y) {
        step_flow_year(p, s, habitat_at(y), area_ha, out[static_cast<std::size_t>(y - start_year)]);
    }
}

} // namespace bluecarbon::accounting
