#pragma once
// Private to the pipeline: InVEST's input records (io) turned into accounting's models.
#include <bluecarbon/accounting/carbon_storage.hpp>
#include <bluecarbon/accounting/cbc_model.hpp>
#include <bluecarbon/io/invest_inputs.hpp>

#include <vector>

namespace bluecarbon::pipeline {

/// Reads the tables an argument file names and builds the CBC model (valuation when do_economic_analysis).
/// Model errors are prefixed with the argument file.
[[nodiscard]] accounting::CbcModel build_cbc_model(const InvestCbcArgs& args, const std::vector<InvestSnapshot>& snapshots,
                                                   int analysis_year, accounting::NpvMethod npv_method);

[[nodiscard]] accounting::CbcTransition cbc_transition(const std::string& keyword);

}  // namespace bluecarbon::pipeline
