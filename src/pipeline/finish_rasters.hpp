#pragma once
// Private to the pipeline: the last phase of a raster step, its sinks' overviews and COG copies, as phase
// "writing" (on a 10000^2 stock run about half the wall time, so it gets a progress bar of its own).
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <span>

namespace bluecarbon::pipeline {

/// RasterSink::finish_all(sinks, threads) reported to ctx's observer as phase "writing". When ctx's cancel flag is
/// set meanwhile, the copies stop, every sink is cleaned up and Cancelled is thrown.
void finish_rasters(const RunContext& ctx, std::span<RasterSink* const> sinks, int threads);

}  // namespace bluecarbon::pipeline
