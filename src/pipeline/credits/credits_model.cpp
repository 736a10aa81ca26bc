#include "pipeline/credits/credits_model.hpp"

#include <bluecarbon/science/habitat.hpp>

#include <cmath>

namespace bluecarbon::pipeline::credits {

namespace {

using accounting::k_flow_habitats;
using accounting::YearFlows;
using Slots = std::array<double, k_flow_habitats>;

// Net removals (t C, emissions negative) of some area over some years, per pool and habitat.
struct Removals {
    Slots biomass{}, soil{};
    [[nodiscard]] double total() const {
        double s = 0;
        for (std::size_t h = 0; h < k_flow_habitats; ++h)
            s += biomass[h] + soil[h];
        return s;
    }
};

std::size_t slot(std::uint64_t key, std::size_t k) {
    return static_cast<std::size_t>(habitat_in(key, k) - 1);
}

// One year's removals: soil at the profile's rate, VM0033's default gated by the parcel's vegetated cover that year.
void add_year(const CreditsModel& m, const YearFlows& f, Removals& out) {
    double vegetated = 0, mapped = 0;
    for (std::size_t h = 0; h < k_flow_habitats; ++h) {
        mapped += f.present_ha[h];
        if (m.flows[h].wetland)
            vegetated += f.present_ha[h];
    }
    const double cover = mapped > 0 ? std::min(1.0, vegetated / mapped) : 0.0;
    for (std::size_t h = 0; h < k_flow_habitats; ++h) {
        const double rate = m.cover_gated[h] ? accounting::vm0033_default_soil_rate(*m.vm0033, cover) : m.soil_rate[h];
        out.biomass[h] += f.biomass_removal_c[h] - f.biomass_emission_c[h];
        out.soil[h] += f.soil_accum_ha[h] * rate - f.soil_emission_c[h];
    }
}

Removals over(const CreditsModel& m, const std::vector<YearFlows>& years, const accounting::VintageYears& v) {
    Removals r;
    for (int y = v.start_year; y < v.end_year; ++y)
        add_year(m, years[static_cast<std::size_t>(y - m.start_year)], r);
    return r;
}

std::string largest(const Slots& ha) {
    std::size_t best = k_flow_habitats;
    for (std::size_t h = 0; h < k_flow_habitats; ++h) {
        if (ha[h] > 0 && (best == k_flow_habitats || ha[h] > ha[best]))
            best = h;
    }
    if (best == k_flow_habitats)
        return "";
    return std::string(science::habitat_name(science::all_habitats()[best]));
}

} // namespace

std::vector<accounting::CreditRow> parcel_rows(const CreditsModel& m, const std::string& parcel_id,
                                               const std::map<std::uint64_t, ExactSum>& areas_m2,
                                               CreditsParcelTotal& total) {
    const int first = m.start_year;
    const int last = m.vintages.back().end_year;
    const std::size_t maps = m.snapshot_years.size();
    std::vector<YearFlows> project(static_cast<std::size_t>(last - first)), baseline(project.size());
    Slots before_ha{}, after_ha{};
    total.parcel_id = parcel_id;
    for (const auto& [key, sum] : areas_m2) { // key order: the same sums for any tiling
        const double ha = sum.value() / 1e4;
        bool mapped = true;
        for (std::size_t k = 0; k < maps + (m.baseline_map ? 1 : 0); ++k)
            mapped = mapped && habitat_in(key, k) > 0;
        if (!mapped) {
            total.unmapped_ha += ha;
            continue;
        }
        total.area_ha += ha;
        const std::size_t before = slot(key, 0);
        before_ha[before] += ha;
        after_ha[slot(key, maps - 1)] += ha;
        // Project: from the start, each monitoring map's habitat over the years it closes.
        accounting::add_pixel_flows(
            m.flows, before, first, last,
            [&](int y) {
                for (std::size_t k = 1; k < maps; ++k) {
                    if (m.snapshot_years[k] > y)
                        return slot(key, k);
                }
                return slot(key, maps - 1);
            },
            ha, project);
        const std::size_t base = m.baseline_map ? slot(key, maps) : before;
        accounting::add_pixel_flows(
            m.flows, before, first, last, [&](int) { return base; }, ha, baseline);
    }
    total.habitat_before = largest(before_ha);
    total.habitat_project = largest(after_ha);
    const accounting::CreditParcel parcel{parcel_id, total.habitat_before, total.habitat_project, first,
                                          m.buffer_percent};

    std::vector<accounting::CreditRow> rows;
    if (m.vm0033) {
        std::vector<accounting::Vm0033Vintage> vs;
        for (std::size_t i = 0; i < m.vintages.size(); ++i) {
            const auto p = over(m, project, m.vintages[i]);
            const auto b = over(m, baseline, m.vintages[i]);
            accounting::Vm0033Vintage v;
            v.years = m.vintages[i];
            v.baseline_t_co2e = -b.total() * m.co2_per_c;
            v.project_t_co2e = -p.total() * m.co2_per_c;
            v.stock_change_t_co2e = v.baseline_t_co2e - v.project_t_co2e; // every flow here is a stock change
            for (std::size_t h = 0; h < k_flow_habitats; ++h) {
                const double d[2] = {p.biomass[h] - b.biomass[h], p.soil[h] - b.soil[h]};
                for (int pool = 0; pool < 2; ++pool) {
                    const double hw = std::fabs(d[pool]) * m.co2_per_c * m.rel90[static_cast<std::size_t>(pool)][h];
                    if (hw > 0)
                        v.ci90_half_widths_t_co2e.push_back(hw);
                }
            }
            v.price_per_t_co2e = m.vintage_price[i];
            vs.push_back(std::move(v));
        }
        rows = accounting::vm0033_credits(*m.vm0033, parcel, vs);
    } else {
        std::vector<accounting::Ccer14002Vintage> vs;
        for (std::size_t i = 0; i < m.vintages.size(); ++i) {
            const auto p = over(m, project, m.vintages[i]);
            accounting::Ccer14002Vintage v;
            v.years = m.vintages[i];
            double ss = 0;
            for (std::size_t h = 0; h < k_flow_habitats; ++h) {
                v.tree_biomass_c_change_t += p.biomass[h];
                v.soil_c_change_t += p.soil[h];
                const double hb = std::fabs(p.biomass[h]) * m.co2_per_c * m.rel90[0][h];
                const double hs = std::fabs(p.soil[h]) * m.co2_per_c * m.rel90[1][h];
                ss += hb * hb + hs * hs;
            }
            const double removal = std::fabs(p.total()) * m.co2_per_c;
            v.relative_precision_pct = removal > 0 ? 100.0 * std::sqrt(ss) / removal : 0.0;
            v.price_per_t_co2e = m.vintage_price[i];
            vs.push_back(std::move(v));
        }
        rows = accounting::ccer_14_002_credits(*m.ccer, parcel, vs, m.precision);
    }
    for (const auto& r : rows) {
        total.ner_t_co2e += r.ner_t_co2e;
        total.adjusted_ner_t_co2e += r.adjusted_ner_t_co2e;
        total.buffer_t_co2e += r.buffer_t_co2e;
        total.credits_t_co2e += r.credits_t_co2e;
        total.carried_t_co2e = r.carried_t_co2e;
        total.value += r.value;
        total.excluded_reason = r.excluded_reason;
    }
    return rows;
}

} // namespace bluecarbon::pipeline::credits
