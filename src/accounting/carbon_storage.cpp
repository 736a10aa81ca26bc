#include <bluecarbon/accounting/carbon_storage.hpp>

#include <string>

namespace bluecarbon::accounting {

CarbonStorageModel::CarbonStorageModel(const std::vector<CarbonPoolRow>& rows) {
    for (const auto& r : rows) {
        const CarbonPixel p{r.c_above, r.c_below, r.c_soil, r.c_dead, r.c_above + r.c_below + r.c_soil + r.c_dead};
        if (!m_by_code.emplace(r.lucode, p).second) {
            throw ConfigError("carbon pools table: lucode " + std::to_string(r.lucode) + " appears twice");
        }
    }
}

CarbonPixel CarbonStorageModel::pixel(std::int64_t lucode, const char* raster) const {
    const auto it = m_by_code.find(lucode);
    if (it == m_by_code.end()) {
        throw InputError(std::string(raster) + ": landcover code " + std::to_string(lucode) +
                         " is not in the carbon pools table's lucode column");
    }
    return it->second;
}

double invest_carbon_valuation_constant(double price, int bas_year, int alt_year, double discount_rate,
                                        double rate_change) {
    if (alt_year <= bas_year) {
        throw ConfigError("lulc_alt_year (" + std::to_string(alt_year) + ") must be greater than lulc_bas_year (" +
                          std::to_string(bas_year) + ")");
    }
    const int n = alt_year - bas_year;
    const double ratio = 1.0 / ((1.0 + discount_rate) * (1.0 + rate_change));
    // The sum as the user's guide writes it (InVEST folds it into a geometric series; same value).
    double sum = 0;
    double term = 1.0;
    for (int k = 0; k < n; ++k) {
        sum += term;
        term *= ratio;
    }
    return price / n * sum;
}

}  // namespace bluecarbon::accounting
