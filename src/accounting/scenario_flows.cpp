#include <bluecarbon/accounting/scenario_flows.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bluecarbon::accounting {

namespace {
void check_slot(std::size_t h) {
    if (h >= k_flow_habitats)
        throw std::invalid_argument("habitat slot " + std::to_string(h) + " is outside 0-7");
}
double biomass_c(const FlowHabitat& h, double agb) {
    return agb * (1.0 + h.root_shoot) * h.carbon_fraction;
}
} // namespace

void YearFlows::add(const YearFlows& o, double scale) {
    for (std::size_t h = 0; h < k_flow_habitats; ++h) {
        present_ha[h] += o.present_ha[h] * scale;
        soil_accum_ha[h] += o.soil_accum_ha[h] * scale;
        biomass_removal_c[h] += o.biomass_removal_c[h] * scale;
        biomass_emission_c[h] += o.biomass_emission_c[h] * scale;
        soil_emission_c[h] += o.soil_emission_c[h] * scale;
    }
}

FlowState initial_flow_state(const FlowParameters& p, std::size_t before) {
    check_slot(before);
    const auto& h = p[before];
    return FlowState{before, true, false, h.agb_cap_t_dm, h.wetland ? h.soil_c : 0.0};
}

void step_flow_year(const FlowParameters& p, FlowState& s, std::size_t habitat, double area_ha, YearFlows& out) {
    check_slot(habitat);
    if (habitat != s.habitat) {
        const auto& left = p[s.habitat];
        out.biomass_emission_c[s.habitat] +=
            area_ha * (biomass_c(left, s.agb_t_dm) + (s.mature ? left.dead_litter_c : 0.0));
        if (p[habitat].wetland) {
            s.soil_accumulating = true; // restored, created or changed wetland: its soil builds up from now
        } else {
            out.soil_emission_c[s.habitat] += area_ha * s.soil_c;
            s.soil_c = 0.0;
            s.soil_accumulating = false;
        }
        s.habitat = habitat;
        s.mature = false;
        s.agb_t_dm = 0.0;
    }
    const auto& h = p[s.habitat];
    out.present_ha[s.habitat] += area_ha;
    if (!s.mature && h.agb_growth_t_dm_yr > 0 && s.agb_t_dm < h.agb_cap_t_dm) {
        const double grown = std::min(s.agb_t_dm + h.agb_growth_t_dm_yr, h.agb_cap_t_dm);
        out.biomass_removal_c[s.habitat] += area_ha * (biomass_c(h, grown) - biomass_c(h, s.agb_t_dm));
        s.agb_t_dm = grown;
    }
    if (s.soil_accumulating) {
        out.soil_accum_ha[s.habitat] += area_ha;
        s.soil_c += h.soil_rate_c_yr;
    }
}

} // namespace bluecarbon::accounting
