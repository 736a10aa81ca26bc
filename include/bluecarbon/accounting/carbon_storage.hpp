#pragma once
/// The InVEST Carbon Storage and Sequestration model per pixel (carbon.py): four pools per landcover class,
/// storage = their sum, change = alternate − baseline, NPV = K × change. Plain C++ on numbers.
#include <bluecarbon/error.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <vector>

namespace bluecarbon::accounting {

/// One row of InVEST's carbon pools table (Mg C/ha).
struct CarbonPoolRow {
    std::int64_t lucode{0};
    double c_above{0}, c_below{0}, c_soil{0}, c_dead{0};
};

/// A pixel's pools and their sum (Mg C/ha).
struct CarbonPixel {
    double above{0}, below{0}, soil{0}, dead{0}, total{0};
};

class CarbonStorageModel {
  public:
    /// Throws ConfigError for a lucode listed twice.
    explicit CarbonStorageModel(const std::vector<CarbonPoolRow>& rows);
    /// The pools of a pixel of class `lucode`. Throws InputError naming the code (and `raster` in the message) when
    /// the table does not list it. Thread-safe.
    [[nodiscard]] CarbonPixel pixel(std::int64_t lucode, const char* raster) const;

  private:
    std::unordered_map<std::int64_t, CarbonPixel> m_by_code;
};

/// InVEST's valuation constant K = price / n × Σ_{k=0}^{n−1} 1 / ((1 + d)(1 + r))^k with n = alt_year − bas_year,
/// d the discount rate and r the yearly price change (fractions); K = price when both rates are 0. Throws
/// ConfigError when alt_year ≤ bas_year.
[[nodiscard]] double invest_carbon_valuation_constant(double price, int bas_year, int alt_year, double discount_rate,
                                                      double rate_change);

}  // namespace bluecarbon::accounting
