#include "pipeline/finish_rasters.hpp"

#include "pipeline/phase.hpp"

#include <cstdint>

namespace bluecarbon::pipeline {

void finish_rasters(const RunContext& ctx, std::span<RasterSink* const> sinks, int threads) {
    constexpr std::int64_t k_steps = 1000;  // the observer sees the share done in thousandths
    Phase phase(ctx, "writing", k_steps);
    try {
        RasterSink::finish_all(sinks, threads, [&](double share_done) {
            if (phase.cancel_requested()) return false;
            phase.advance_to(static_cast<std::int64_t>(share_done * k_steps));
            return true;
        });
    } catch (const Error&) {
        // The copy GDAL abandoned at our request is not the error to report.
        if (phase.cancel_requested()) throw Cancelled();
        throw;
    }
    phase.check_cancel();
    phase.finish();
}

}  // namespace bluecarbon::pipeline
