#include "pipeline/invest/invest_models.hpp"

namespace bluecarbon::pipeline {

accounting::CbcTransition cbc_transition(const std::string& keyword) {
    using accounting::CbcTransition;
    if (keyword == "accum") return CbcTransition::accumulate;
    if (keyword == "low-impact-disturb") return CbcTransition::low_impact;
    if (keyword == "med-impact-disturb") return CbcTransition::medium_impact;
    if (keyword == "high-impact-disturb") return CbcTransition::high_impact;
    if (keyword == "NCC") return CbcTransition::no_change;
    throw ConfigError("unknown transition '" + keyword + "'");  // io's reader lets no other keyword through
}

accounting::CbcModel build_cbc_model(const InvestCbcArgs& args, const std::vector<InvestSnapshot>& snapshots,
                                     int analysis_year, accounting::NpvMethod npv_method) {
    const auto rows = read_invest_biophysical_table(args.biophysical_table_path);
    const auto cells = read_invest_transition_matrix(args.landcover_transitions_table, rows);
    std::vector<accounting::CbcClass> classes;
    for (const auto& r : rows) {
        classes.push_back({r.lucode, r.lulc_class, r.biomass_initial, r.soil_initial, r.litter_initial,
                           r.biomass_half_life, r.soil_half_life,
                           {r.biomass_low_impact_disturb, r.biomass_med_impact_disturb, r.biomass_high_impact_disturb},
                           {r.soil_low_impact_disturb, r.soil_med_impact_disturb, r.soil_high_impact_disturb},
                           r.biomass_yearly_accumulation, r.soil_yearly_accumulation, r.litter_yearly_accumulation});
    }
    std::vector<accounting::CbcTransitionCell> transitions;
    for (const auto& c : cells) transitions.push_back({c.from_lucode, c.to_lucode, cbc_transition(c.keyword)});
    std::vector<int> years;
    for (const auto& s : snapshots) years.push_back(s.year);

    std::optional<accounting::CbcValuation> valuation;
    if (args.do_economic_analysis) {
        accounting::CbcValuation v;
        const int first = years.front();
        if (args.use_price_table) {
            v.price_by_year = invest_prices_for_years(read_invest_price_table(*args.price_table_path),
                                                      *args.price_table_path, first, analysis_year - 1);
        } else {
            v.price_by_year =
                accounting::prices_with_inflation(*args.price, *args.inflation_rate_pct / 100.0, first, analysis_year);
        }
        v.discount_rate = *args.discount_rate_pct / 100.0;
        v.method = npv_method;
        valuation = std::move(v);
    }
    try {
        return accounting::CbcModel(std::move(classes), transitions, std::move(years), analysis_year,
                                    std::move(valuation));
    } catch (const ConfigError& e) {
        throw ConfigError(args.source.string() + ": " + e.what());
    }
}

}  // namespace bluecarbon::pipeline
