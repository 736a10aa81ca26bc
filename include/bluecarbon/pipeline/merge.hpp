#pragma once
/// `bluecarbon merge DIR`: the outputs of a run split into shards (`--shard i/n`, MPI ranks), written into DIR
/// from its shard-<i>-of-<n>/ folders, byte-identical to what one process writes (rasters with their COG
/// overviews, CSVs, totals). The shards' manifests must agree (command, project, plan, inputs' SHA-256,
/// parameters, scene statistics, tool version) and cover the plan exactly once; every shard must be finished.
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <cstddef>
#include <filesystem>
#include <string>

namespace bluecarbon::pipeline {

struct MergeRequest {
    std::filesystem::path dir;  ///< the output folder holding the shard folders
};

struct MergeResult {
    std::string command;   ///< the sharded command ("stock", "habitat", "indices", "zonal", "invest cbc")
    std::size_t shards{0};
    std::filesystem::path dir;
    StockResult run;       ///< stock, habitat: what run_stock / run_habitat would have returned
    std::string json;      ///< the merged run's --json text (what the command prints)
    std::string text;      ///< the merged run's summary text
    /// False on an MPI rank other than 0 (RunContext::ranks): it wrote only its share of the outputs, and the
    /// fields above are rank 0's to report.
    bool complete{true};
};

/// Checks the shard folders in req.dir and writes the outputs there through one OutputTransaction (under MPI,
/// one per rank, each committed once every rank has staged its share). Throws
/// InputError naming the shard folder and what is wrong (missing, duplicated, of another plan, input, parameter
/// or tool version, unfinished), before any output exists.
[[nodiscard]] MergeResult run_merge(const MergeRequest& req, const RunContext& ctx = {});

/// The --json text: the merged run's record.
[[nodiscard]] inline const std::string& to_json(const MergeResult& r) { return r.json; }
[[nodiscard]] inline std::string summary_text(const MergeResult& r) {
    return "merge: " + std::to_string(r.shards) + " shards of " + r.command + " -> " + r.dir.string() +
           (r.text.empty() ? "" : "\n" + r.text);
}

}  // namespace bluecarbon::pipeline
