#include "pipeline/stock/stock_kernel.hpp"

#include <bluecarbon/science/habitat_rules.hpp>

namespace bluecarbon::pipeline::stock {

namespace {
template <typename T>
void shape(Block<T>& b, const Window& w) {
    const auto n = static_cast<std::size_t>(w.size());
    b.window = w;
    b.px.resize(n);
    b.valid.resize(n);
}
}  // namespace

StockKernel::StockKernel(const StockInputs& inputs, const config::HabitatConfig& habitat, StockSinks sinks,
                         std::span<const double> row_area_m2)
    : m_in(inputs), m_habitat(habitat), m_sinks(sinks), m_row_area(row_area_m2) {
    if (m_in.pools) m_predictors = m_in.pools->model_predictors();
}

void StockKernel::run(const Window& w, StockWorker& worker) const {
    TileResult& res = worker.result;
    res.sums.reset(w.row_off, w.rows);
    res.unmapped.clear();
    auto& tv = worker.vars;
    tv.start(w);
    auto& hab = worker.habitat;
    shape(hab, w);
    const std::size_t n = hab.size();

    if (m_in.rules) {
        std::map<std::string, science::RuleVariable> rv;
        for (const auto& name : m_in.rules->pixel_variables()) {
            const auto& b = tv.get(name);
            rv[name] = science::RuleVariable{b.px, b.valid};
        }
        m_in.rules->classify(rv, tv.base_valid(), hab.px);
    } else {
        m_in.class_source->read(0, w, worker.codes);
        m_habitat.classes.apply(worker.codes.px, worker.codes.valid, hab.px, res.unmapped);
    }
    for (std::size_t i = 0; i < n; ++i) hab.valid[i] = hab.px[i] != science::k_habitat_nodata ? 1 : 0;
    if (!res.unmapped.empty()) return;  // the run fails at the end; skip the work
    m_sinks.habitat->write(hab);
    if (m_sinks.tidal) {
        // After the classification: reading the DEM here must not narrow the rules' valid pixels.
        const auto& frame = tv.get("intertidal");
        shape(worker.tidal, w);
        for (std::size_t i = 0; i < n; ++i) {
            worker.tidal.px[i] = frame.px[i] > 0.5F ? 1 : 0;
            worker.tidal.valid[i] = frame.valid[i];
        }
        m_sinks.tidal->write(worker.tidal);
    }
    if (m_sinks.elevation) {  // what the rules' elevation and tidal masks were, for a person to check
        m_sinks.elevation->write(tv.get("elevation"));
        const auto zones = tv.tidal_zones();
        shape(worker.zones, w);
        for (std::size_t i = 0; i < n; ++i) {
            worker.zones.px[i] = zones[i];
            worker.zones.valid[i] = zones[i] != 0 ? 1 : 0;
        }
        m_sinks.tidal_zones->write(worker.zones);
    }

    if (!m_in.pools) {
        for (std::int64_t r = 0; r < w.rows; ++r) {
            auto& counts = res.sums.counts[static_cast<std::size_t>(r)];
            const std::uint8_t* row = hab.px.data() + static_cast<std::size_t>(r * w.cols);
            for (std::int64_t c = 0; c < w.cols; ++c)
                if (row[c] != science::k_habitat_nodata) ++counts[row[c] - 1];
        }
        return;
    }
    auto& out = worker.pools;
    for (auto& b : out) shape(b, w);
    worker.pool_valid.resize(n);
    science::PoolSpans ps;
    for (std::size_t k = 0; k < science::k_pool_count; ++k) ps.density[k] = out[k].px;
    ps.uncertainty_90 = out[k_uncertainty_raster].px;
    for (std::size_t k = 0; k < ps.pool_uncertainty_90.size(); ++k)
        ps.pool_uncertainty_90[k] = out[k_pool_uncertainty_raster + k].px;
    ps.valid = worker.pool_valid;
    std::vector<std::span<const float>> pv;
    std::vector<std::span<const std::uint8_t>> pm;
    for (const auto& name : m_predictors) {
        const auto& b = tv.get(name);
        pv.emplace_back(b.px);
        pm.emplace_back(b.valid);
    }
    const std::span<const double> areas = m_row_area.subspan(static_cast<std::size_t>(w.row_off),
                                                             static_cast<std::size_t>(w.rows));
    m_in.pools->compute(hab.px, w.cols, pv, pm, ps, &res.sums, areas);
    for (std::size_t k = 0; k < out.size(); ++k) {
        std::copy(worker.pool_valid.begin(), worker.pool_valid.end(), out[k].valid.begin());
        m_sinks.pools[k]->write(out[k]);
    }
}

}  // namespace bluecarbon::pipeline::stock
