// Yearly flows of one pixel under a habitat trajectory: growth to the cap, soil accumulation after a change into a
// wetland, and the emissions of a loss, worked by hand.
#include <bluecarbon/accounting/scenario_flows.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace bluecarbon::accounting;

namespace {
constexpr std::size_t k_flat = 2, k_mangrove = 4, k_pond = 5; // science::Habitat code − 1

FlowParameters parameters() {
    FlowParameters p{};
    auto& m = p[k_mangrove];
    m = FlowHabitat{75, 18.1, 0.96, 0.45, 11.4, 286, 1.62, true}; // dead wood 10.7 + litter 0.7
    p[1].wetland = true;                                          // seagrass
    p[3].wetland = true;                                          // salt marsh
    return p;
}
} // namespace

TEST_CASE("a bare flat planted with mangrove grows to the cap and accumulates soil", "[flows]") {
    const auto p = parameters();
    std::vector<YearFlows> years(6);
    // Flat before the project, mangrove from 2020 on, 2 ha.
    add_pixel_flows(
        p, k_flat, 2020, 2026, [](int) { return k_mangrove; }, 2.0, years);
    // AGB 0 -> 18.1 -> 36.2 -> 54.3 -> 72.4 -> 75 (cap) -> 75: biomass C per ha = AGB x 1.96 x 0.45 = AGB x 0.882.
    CHECK(years[0].biomass_removal_c[k_mangrove] == Approx(2 * 18.1 * 0.882).epsilon(1e-12));
    CHECK(years[3].biomass_removal_c[k_mangrove] == Approx(2 * 18.1 * 0.882).epsilon(1e-12));
    CHECK(years[4].biomass_removal_c[k_mangrove] == Approx(2 * 2.6 * 0.882).epsilon(1e-9));
    CHECK(years[5].biomass_removal_c[k_mangrove] == 0.0);
    for (const auto& y : years) {
        CHECK(y.soil_accum_ha[k_mangrove] == 2.0); // the caller applies the rate
        CHECK(y.present_ha[k_mangrove] == 2.0);
        CHECK(y.biomass_emission_c[k_flat] == 0.0); // a bare flat holds no biomass
        CHECK(y.soil_emission_c[k_flat] == 0.0);    // nor counted soil
    }
}

TEST_CASE("a mature mangrove stand dug into a pond emits its stocks at once", "[flows]") {
    const auto p = parameters();
    std::vector<YearFlows> years(3);
    add_pixel_flows(
        p, k_mangrove, 2020, 2023, [](int y) { return y < 2021 ? k_mangrove : k_pond; }, 1.0, years);
    // 2020: unchanged, in equilibrium (Tier 1): no flow.
    CHECK(years[0].biomass_removal_c[k_mangrove] == 0.0);
    CHECK(years[0].soil_accum_ha[k_mangrove] == 0.0);
    // 2021: biomass 75 x 0.882 = 66.15 + dead wood and litter 11.4; soil stock 286 (not a wetland any more).
    CHECK(years[1].biomass_emission_c[k_mangrove] == Approx(66.15 + 11.4).epsilon(1e-12));
    CHECK(years[1].soil_emission_c[k_mangrove] == 286.0);
    CHECK(years[2].biomass_emission_c[k_mangrove] == 0.0);
    CHECK(years[2].present_ha[k_pond] == 1.0);
}

TEST_CASE("a restored stand lost again emits what it built", "[flows]") {
    const auto p = parameters();
    std::vector<YearFlows> years(3);
    // Pond -> mangrove (2020, 2021) -> pond (2022): biomass 36.2 x 0.882, soil 2 x 1.62 (ungated) are emitted.
    add_pixel_flows(
        p, k_pond, 2020, 2023, [](int y) { return y < 2022 ? k_mangrove : k_pond; }, 1.0, years);
    CHECK(years[2].biomass_emission_c[k_mangrove] == Approx(36.2 * 0.882).epsilon(1e-12));
    CHECK(years[2].soil_emission_c[k_mangrove] == Approx(3.24).epsilon(1e-12));
    CHECK_THROWS_AS(add_pixel_flows(
                        p, 9, 2020, 2021, [](int) { return k_pond; }, 1.0, years),
                    std::invalid_argument);
}
