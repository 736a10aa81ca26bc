#pragma once
/// The Coastal Blue Carbon kernel over one tile: snapshot blocks of landcover codes in, one float block per output
/// raster out. Plain C++ on numbers (core's Block, no files); each pixel is independent, so results do not depend
/// on tiling or threads.
#include <bluecarbon/accounting/cbc_model.hpp>
#include <bluecarbon/core/block.hpp>

#include <span>
#include <string>
#include <vector>

namespace bluecarbon::accounting {

/// What an output raster holds.
enum class CbcOutputKind : std::uint8_t { stock, accumulation, emissions, net_sequestration, total, npv };

/// One output raster: its kind, its index (stock year, or period), and the InVEST file name without suffix and
/// extension ("carbon-stock-at-2000").
struct CbcOutput {
    CbcOutputKind kind{CbcOutputKind::stock};
    std::size_t index{0};
    std::string name;
};

/// The outputs InVEST 3.x writes for this model, in a fixed order: carbon-stock-at-Y for every snapshot year and
/// the analysis year; per non-empty period carbon-accumulation-between-Y1-and-Y2, carbon-emissions-between-…
/// (transition periods only: InVEST writes none for the baseline period), total-net-carbon-sequestration-between-…;
/// total-net-carbon-sequestration (only with a transition, as InVEST); net-present-value-at-Y at every period end
/// (with valuation).
[[nodiscard]] std::vector<CbcOutput> cbc_outputs(const CbcModel& model);

/// Per-thread scratch for run_cbc_block.
struct CbcScratch {
    std::vector<std::int64_t> codes;
    CbcPixelResult result;
};

/// Runs every pixel of the tile. `snapshots[k]` is snapshot k's block (all of one window); a pixel is nodata at
/// k where the block is invalid. `out[i]` receives output `outputs[i]` over the same window (resized here; nodata
/// as valid = 0). Throws InputError for a code that is not a whole number, UnknownClassError for one missing from
/// the table.
void run_cbc_block(const CbcModel& model, std::span<const CbcOutput> outputs,
                   std::span<const Block<float>* const> snapshots, std::span<Block<float>> out, CbcScratch& scratch);

}  // namespace bluecarbon::accounting
