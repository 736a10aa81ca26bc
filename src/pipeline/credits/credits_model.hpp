#pragma once
// Private to run_credits: everything a parcel's rows follow from (profile, Tier-1 flow parameters, soil rates,
// uncertainties, vintages, prices), and the rows of one parcel from its trajectory areas.
#include "pipeline/credits/trajectories.hpp"

#include <bluecarbon/accounting/ccer_14_002.hpp>
#include <bluecarbon/accounting/scenario_flows.hpp>
#include <bluecarbon/accounting/vm0033.hpp>
#include <bluecarbon/pipeline/credits.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::credits {

struct CreditsModel {
    std::optional<accounting::Vm0033Profile> vm0033;
    std::optional<accounting::Ccer14002Profile> ccer;
    accounting::FlowParameters flows{};
    std::array<double, accounting::k_flow_habitats> soil_rate{}; ///< t C/ha/yr (VM0033 mangrove/marsh: full rate)
    std::array<bool, accounting::k_flow_habitats> cover_gated{}; ///< VM0033's default rate, gated by cover
    /// Relative 90 % half-width per pool (0 biomass, 1 soil) and habitat.
    std::array<std::array<double, accounting::k_flow_habitats>, 2> rel90{};
    double co2_per_c{44.0 / 12.0};
    int start_year{0};
    std::vector<int> snapshot_years; ///< maps 0..n-1 of a trajectory key; map n is the baseline map
    bool baseline_map{false};
    std::vector<accounting::VintageYears> vintages;
    std::vector<double> vintage_price;
    std::optional<std::vector<accounting::PrecisionDiscountRow>> precision;
    double buffer_percent{0};
};

/// The rows of one parcel (one per vintage) and its totals.
[[nodiscard]] std::vector<accounting::CreditRow> parcel_rows(const CreditsModel& m, const std::string& parcel_id,
                                                             const std::map<std::uint64_t, ExactSum>& areas_m2,
                                                             CreditsParcelTotal& total);

} // namespace bluecarbon::pipeline::credits
