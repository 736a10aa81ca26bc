// The CBC tile kernel: InVEST's output list, and a tile equals its pixels run one by one.
#include <bluecarbon/accounting/cbc_block.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace bluecarbon;
using namespace bluecarbon::accounting;

namespace {
std::vector<CbcClass> two_classes() {
    return {{1, "mangrove", 100, 200, 5, 10, 20, {0.1, 0.5, 0.8}, {0.1, 0.3, 0.5}, 2, 1, 0.5},
            {2, "pond", 0, 50, 0, 2, 4, {0.2, 0.5, 0.9}, {0.1, 0.25, 0.6}, 0, 0, 0}};
}
std::vector<CbcTransitionCell> two_class_transitions() {
    return {{1, 1, CbcTransition::accumulate}, {1, 2, CbcTransition::high_impact}, {2, 1, CbcTransition::accumulate}};
}
std::vector<std::string> names(const std::vector<CbcOutput>& outs) {
    std::vector<std::string> v;
    for (const auto& o : outs) v.push_back(o.name);
    return v;
}
}  // namespace

TEST_CASE("InVEST's output names for three snapshots and an analysis year", "[cbc][outputs]") {
    const CbcModel model(two_classes(), two_class_transitions(), {2000, 2010, 2020}, 2030,
                         CbcValuation{std::vector<double>(30, 1.0), 0.0, NpvMethod::invest});
    CHECK(names(cbc_outputs(model)) ==
          std::vector<std::string>{"carbon-stock-at-2000",
                                   "carbon-stock-at-2010",
                                   "carbon-stock-at-2020",
                                   "carbon-stock-at-2030",
                                   "carbon-accumulation-between-2000-and-2010",
                                   "total-net-carbon-sequestration-between-2000-and-2010",
                                   "carbon-accumulation-between-2010-and-2020",
                                   "carbon-emissions-between-2010-and-2020",
                                   "total-net-carbon-sequestration-between-2010-and-2020",
                                   "carbon-accumulation-between-2020-and-2030",
                                   "carbon-emissions-between-2020-and-2030",
                                   "total-net-carbon-sequestration-between-2020-and-2030",
                                   "total-net-carbon-sequestration",
                                   "net-present-value-at-2010",
                                   "net-present-value-at-2020",
                                   "net-present-value-at-2030"});
    // Without an analysis year InVEST stops at the last snapshot: no empty period, no repeated stock year.
    const CbcModel to_last(two_classes(), two_class_transitions(), {2000, 2010}, 2010);
    CHECK(names(cbc_outputs(to_last)) == std::vector<std::string>{"carbon-stock-at-2000", "carbon-stock-at-2010",
                                                                  "carbon-accumulation-between-2000-and-2010",
                                                                  "total-net-carbon-sequestration-between-2000-and-2010",
                                                                  "total-net-carbon-sequestration"});
    // One snapshot: no transition, so InVEST writes no all-years total.
    const CbcModel single(two_classes(), two_class_transitions(), {2000}, 2005);
    CHECK(names(cbc_outputs(single)) == std::vector<std::string>{"carbon-stock-at-2000", "carbon-stock-at-2005",
                                                                 "carbon-accumulation-between-2000-and-2005",
                                                                 "total-net-carbon-sequestration-between-2000-and-2005"});
}

TEST_CASE("a tile gives what its pixels give one by one", "[cbc][block]") {
    const CbcModel model(two_classes(), two_class_transitions(), {2000, 2010}, 2015);
    const auto outs = cbc_outputs(model);
    const Window w{0, 0, 3, 2};
    Block<float> a(w), b(w);
    a.px = {1, 1, 2, 1, 0, 2};
    b.px = {1, 2, 1, 2, 1, 2};
    a.valid = {1, 1, 1, 1, 0, 1};  // pixel 4 is nodata in 2000
    const std::array<const Block<float>*, 2> snaps{&a, &b};
    std::vector<Block<float>> out(outs.size());
    CbcScratch scratch;
    run_cbc_block(model, outs, snaps, out, scratch);
    for (std::size_t i = 0; i < 6; ++i) {
        CbcPixelResult r;
        model.resize(r);
        const std::vector<std::int64_t> codes{a.valid[i] ? static_cast<std::int64_t>(a.px[i]) : CbcModel::k_no_class,
                                              static_cast<std::int64_t>(b.px[i])};
        model.run_pixel(codes, r);
        for (std::size_t o = 0; o < outs.size(); ++o) {
            double v = 0;
            switch (outs[o].kind) {
                case CbcOutputKind::stock: v = r.stock[outs[o].index]; break;
                case CbcOutputKind::accumulation: v = r.accumulation[outs[o].index]; break;
                case CbcOutputKind::emissions: v = r.emissions[outs[o].index]; break;
                case CbcOutputKind::net_sequestration: v = r.net_sequestration[outs[o].index]; break;
                case CbcOutputKind::total: v = r.total_net_sequestration; break;
                case CbcOutputKind::npv: v = r.npv[outs[o].index]; break;
            }
            CHECK(out[o].valid[i] == (std::isnan(v) ? 0 : 1));
            if (!std::isnan(v)) CHECK(out[o].px[i] == static_cast<float>(v));
        }
    }
    // Pixel 0 (mangrove kept): stock in 2015 = 130 + 215 + 0.5.
    CHECK(out[2].px[0] == Approx(345.5));
    // A code that is not whole is refused.
    a.px[0] = 1.5f;
    CHECK_THROWS_WITH(run_cbc_block(model, outs, snaps, out, scratch),
                      Catch::Contains("pixel value 1.500000 is not a whole landcover code"));
}
