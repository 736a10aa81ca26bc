#pragma once
// Private to the pipeline: run_zonal with RunContext::shard or resume (see zonal_shard.cpp).
#include <bluecarbon/parcels/zonal_job.hpp>
#include <bluecarbon/pipeline/zonal.hpp>

namespace bluecarbon::pipeline {

/// `job` with threads and tile resolved. ctx.shard: that shard's tiles; else shard 0 of 1, then merged.
[[nodiscard]] ZonalResult run_zonal_sharded(const parcels::ZonalRequest& job, const RunContext& ctx);

}  // namespace bluecarbon::pipeline
