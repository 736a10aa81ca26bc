#include <bluecarbon/accounting/cbc_block.hpp>

#include <cmath>

namespace bluecarbon::accounting {

namespace {
std::string between(const CbcModel& m, std::size_t k) {
    return "between-" + std::to_string(m.period_start(k)) + "-and-" + std::to_string(m.period_end(k));
}
}  // namespace

std::vector<CbcOutput> cbc_outputs(const CbcModel& model) {
    std::vector<CbcOutput> out;
    const auto years = model.stock_years();
    for (std::size_t i = 0; i < years.size(); ++i) {
        if (i > 0 && years[i] == years[i - 1]) continue;  // analysis year = last snapshot
        out.push_back({CbcOutputKind::stock, i, "carbon-stock-at-" + std::to_string(years[i])});
    }
    for (std::size_t k = 0; k < model.period_count(); ++k) {
        if (model.period_start(k) == model.period_end(k)) continue;
        out.push_back({CbcOutputKind::accumulation, k, "carbon-accumulation-" + between(model, k)});
        if (k > 0) out.push_back({CbcOutputKind::emissions, k, "carbon-emissions-" + between(model, k)});
        out.push_back({CbcOutputKind::net_sequestration, k, "total-net-carbon-sequestration-" + between(model, k)});
    }
    // InVEST writes the all-years total only when there is a transition (execute_transition_analysis).
    if (model.period_count() > 1) out.push_back({CbcOutputKind::total, 0, "total-net-carbon-sequestration"});
    if (model.has_valuation()) {
        for (std::size_t k = 0; k < model.period_count(); ++k) {
            if (model.period_start(k) == model.period_end(k)) continue;
            out.push_back({CbcOutputKind::npv, k, "net-present-value-at-" + std::to_string(model.period_end(k))});
        }
    }
    return out;
}

void run_cbc_block(const CbcModel& model, std::span<const CbcOutput> outputs,
                   std::span<const Block<float>* const> snapshots, std::span<Block<float>> out, CbcScratch& scratch) {
    const std::size_t n = model.snapshot_count();
    if (snapshots.size() != n || out.size() != outputs.size()) throw Error("run_cbc_block: wrong number of blocks");
    const Window& w = snapshots[0]->window;
    const std::size_t size = static_cast<std::size_t>(w.size());
    for (auto& b : out) {
        b.window = w;
        b.px.resize(size);
        b.valid.resize(size);
    }
    scratch.codes.resize(n);
    model.resize(scratch.result);
    const auto& r = scratch.result;
    for (std::size_t i = 0; i < size; ++i) {
        for (std::size_t k = 0; k < n; ++k) {
            const Block<float>& b = *snapshots[k];
            if (!b.valid[i]) {
                scratch.codes[k] = CbcModel::k_no_class;
                continue;
            }
            const float v = b.px[i];
            if (v != std::floor(v)) {
                throw InputError("landcover snapshot of " + std::to_string(model.snapshot_years()[k]) +
                                 ": pixel value " + std::to_string(v) + " is not a whole landcover code");
            }
            scratch.codes[k] = static_cast<std::int64_t>(v);
        }
        model.run_pixel(scratch.codes, scratch.result);
        for (std::size_t o = 0; o < outputs.size(); ++o) {
            double v = 0;
            switch (outputs[o].kind) {
                case CbcOutputKind::stock: v = r.stock[outputs[o].index]; break;
                case CbcOutputKind::accumulation: v = r.accumulation[outputs[o].index]; break;
                case CbcOutputKind::emissions: v = r.emissions[outputs[o].index]; break;
                case CbcOutputKind::net_sequestration: v = r.net_sequestration[outputs[o].index]; break;
                case CbcOutputKind::total: v = r.total_net_sequestration; break;
                case CbcOutputKind::npv: v = r.npv[outputs[o].index]; break;
            }
            const bool ok = !std::isnan(v);
            out[o].px[i] = ok ? static_cast<float>(v) : 0.0f;
            out[o].valid[i] = ok ? 1 : 0;
        }
    }
}

}  // namespace bluecarbon::accounting
