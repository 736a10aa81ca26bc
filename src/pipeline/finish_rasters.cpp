#include "pipeline/finish_rasters.hpp"

#include "pipeline/phase.hpp"

#include <cstdint>

namespace bluecarbon::pipeline {

void finish_rasters(const RunContext& ctx, std::span<RasterSink* const> sinks, int threads) {
    constexpr std::int64_t k_steps = 1000;  // the observer sees the share done in thousandths
    Phase phase(ctx, "writing", k_steps);
    const auto cancelled = [&ctx] { return ctx.cancel != nullptr && ctx.cancel->load(std::memory_order_relaxed); };
    try {
        RasterSink::finish_all(sinks, threads, [&](double share_done) {
            if (cancelled()) return false;
            phase.advance_to(static_cast<std::int64_t>(share_done * k_steps));
            return true;
        });
    } catch (const Error&) {
        if (cancelled()) throw Cancelled();  // the copy GDAL abandoned at our request is not the error to report
        throw;
    }
    phase.check_cancel();
    phase.finish();
}

}  // namespace bluecarbon::pipeline
