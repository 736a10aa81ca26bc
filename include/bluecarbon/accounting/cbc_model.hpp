#pragma once
/// The InVEST Coastal Blue Carbon 3.x model (coastal_blue_carbon.py, the timeseries rewrite) as a per-pixel
/// kernel: a pixel's landcover code at each snapshot in, its stocks, period sums and net present value out.
/// Plain C++ on numbers (no files, no GDAL); one pixel at a time in memory bounded by the number of snapshots,
/// whatever the number of years. Units are InVEST's: carbon density (e.g. Mg CO2e/ha) and per year; no
/// conversion happens here.
///
/// The rules, as InVEST 3.x computes them (SCIENCE.md §7; where this differs from the wording of issue 13 it is
/// InVEST that is followed, so `invest cbc` gives InVEST's numbers):
/// - Baseline period (first snapshot b until the first transition f, or the analysis year): every pool accumulates
///   at its baseline class's yearly rate, litter included: stock_p(y) = initial_p + rate_p × (y − b).
/// - A transition at snapshot year r (class a → class c) looks up the matrix cell (a, c): `accum` gives the pool
///   the yearly rate of c; `NCC` or an empty cell gives 0; `low/med/high-impact-disturb` gives the disturbed
///   volume D = fraction of a (for that impact level) × the pool's stock at the start of r.
/// - The stock does not drop by D at once: D is emitted year by year, in year t ≥ r
///   E(t) = D × (0.5^((t − r)/H) − 0.5^((t − r + 1)/H)), and the stock falls by what is emitted. H is the
///   half-life of the class the pixel left at its *latest* transition (for the disturbing transition itself that
///   is the disturbed class; after a later transition without disturbance the older emission goes on with the
///   half-life of the class left then). A half-life of 0 stops the emission (InVEST's rule).
/// - A newer disturbance replaces the older: its volume and year are tracked instead, the rest of the older
///   volume is never emitted.
/// - Yearly net sequestration per pool = −E when the pool emits (|E| > 1e-8, numpy.isclose's tolerance), else
///   the accumulation rate (InVEST: "emissions take precedence"). Litter counts only in the baseline period.
/// - Period sums cover years Y1 … Y2 − 1. The accumulation of a period is (biomass + soil + litter rate) × years,
///   the litter rate being that of the period's class (InVEST writes it so, also after transitions).
/// - Total stock at year Y = soil + biomass stock + the *yearly litter accumulation rate* of the class of the
///   period Y is in (InVEST sums the litter rate, not a litter stock; `litter-initial` never reaches an output).
/// - Nodata (NaN here): InVEST's rule per operation. Sums of several rasters (stock + net sequestration, period
///   sums, totals) are nodata only when all terms are; products and rate × years are nodata when any factor is.
/// - Net present value at the end Y of each period, two methods:
///   `invest`: InVEST's own, (Σ net sequestration of the periods ending ≤ Y) × Σ_{t=b}^{Y−1} p_t / (1 + d)^(t − b)
///             (nodata when any period sum is);
///   `yearly`: Σ_{t=b}^{Y−1} N_t × p_t / (1 + d)^(t − b), N_t the pixel's net sequestration in year t (the
///             formula of issue 13; nodata only when every N_t is).
///   Prices p_t come from a table or price × (1 + inflation)^(t − b).
#include <bluecarbon/error.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bluecarbon::accounting {

/// What a transition matrix cell does to the soil and biomass pools.
enum class CbcTransition : std::uint8_t { no_change, accumulate, low_impact, medium_impact, high_impact };

/// One row of InVEST's biophysical table (lucode, lulc-class and the carbon parameters of the class).
struct CbcClass {
    std::int64_t code{0};
    std::string name;
    double biomass_initial{0}, soil_initial{0}, litter_initial{0};
    double biomass_half_life{0}, soil_half_life{0};  ///< years
    std::array<double, 3> biomass_disturb{};         ///< fraction disturbed: low, medium, high impact
    std::array<double, 3> soil_disturb{};
    double biomass_accumulation{0}, soil_accumulation{0}, litter_accumulation{0};  ///< per year
};

/// One non-empty cell of the transition matrix, by class code.
struct CbcTransitionCell {
    std::int64_t from_code{0};
    std::int64_t to_code{0};
    CbcTransition kind{CbcTransition::no_change};
};

enum class NpvMethod : std::uint8_t { invest, yearly };

/// Valuation inputs: a price for every year from the baseline year up to the analysis year − 1, and the
/// discount rate as a fraction (InVEST's percent / 100).
struct CbcValuation {
    std::vector<double> price_by_year;  ///< [t − baseline year]
    double discount_rate{0};
    NpvMethod method{NpvMethod::invest};
};

/// Prices price × (1 + inflation)^(t − b) for t = b … last_year (inflation as a fraction).
[[nodiscard]] std::vector<double> prices_with_inflation(double price, double inflation_rate, int baseline_year,
                                                        int last_year);

/// Raised when a pixel holds a landcover code that the biophysical table does not list.
class UnknownClassError : public InputError {
  public:
    UnknownClassError(std::int64_t code, int snapshot_year);
    [[nodiscard]] std::int64_t code() const noexcept { return m_code; }
    [[nodiscard]] int snapshot_year() const noexcept { return m_year; }

  private:
    std::int64_t m_code;
    int m_year;
};

/// A pixel's results. Vectors are sized by CbcModel::resize; NaN is nodata.
struct CbcPixelResult {
    std::vector<double> stock;              ///< total stock at each of CbcModel::stock_years()
    std::vector<double> accumulation;       ///< per period
    std::vector<double> emissions;          ///< per period; the baseline period (0) has none: always NaN
    std::vector<double> net_sequestration;  ///< per period
    double total_net_sequestration{0};
    std::vector<double> npv;  ///< at each period's end (empty without valuation)
};

class CbcModel {
  public:
    /// The code of a nodata pixel.
    static constexpr std::int64_t k_no_class = std::numeric_limits<std::int64_t>::min();

    /// Validates and indexes the inputs. Throws ConfigError for duplicate class codes or names, a transition
    /// naming a class that is not in the table, snapshot years that repeat, an analysis year not after the last
    /// snapshot (equal is allowed with two or more snapshots: the last period is then empty, as when InVEST runs
    /// without an analysis year), negative half-lives or disturbance fractions outside 0–1, or valuation prices that do not cover
    /// the years before the analysis year.
    CbcModel(std::vector<CbcClass> classes, const std::vector<CbcTransitionCell>& transitions,
             std::vector<int> snapshot_years, int analysis_year, std::optional<CbcValuation> valuation = {});

    [[nodiscard]] const std::vector<int>& snapshot_years() const noexcept { return m_years; }
    [[nodiscard]] int analysis_year() const noexcept { return m_analysis_year; }
    [[nodiscard]] std::size_t snapshot_count() const noexcept { return m_years.size(); }
    /// Period k runs from period_start(k) to period_end(k) − 1; there is one per snapshot.
    [[nodiscard]] std::size_t period_count() const noexcept { return m_years.size(); }
    [[nodiscard]] int period_start(std::size_t k) const { return m_years.at(k); }
    [[nodiscard]] int period_end(std::size_t k) const {
        return k + 1 < m_years.size() ? m_years.at(k + 1) : m_analysis_year;
    }
    /// The years of the stock outputs: every snapshot year, then the analysis year.
    [[nodiscard]] std::vector<int> stock_years() const;
    [[nodiscard]] bool has_valuation() const noexcept { return m_valuation.has_value(); }
    [[nodiscard]] const std::vector<CbcClass>& classes() const noexcept { return m_classes; }

    /// Sizes `out` for this model (call once per thread, then reuse it for every pixel).
    void resize(CbcPixelResult& out) const;

    /// Runs one pixel: `codes[k]` is its class at snapshot k (k_no_class for nodata). Allocation-free when `out`
    /// was sized by resize(). Throws UnknownClassError for a code missing from the table. Thread-safe (const).
    void run_pixel(std::span<const std::int64_t> codes, CbcPixelResult& out) const;

    /// InVEST's valuation factor for NPV at `year`: Σ_{t=b}^{year−1} p_t / (1 + d)^(t − b).
    [[nodiscard]] double invest_valuation_factor(int year) const;

  private:
    [[nodiscard]] std::optional<std::size_t> class_index(std::int64_t code) const noexcept;
    [[nodiscard]] std::size_t require_class(std::int64_t code, std::size_t snapshot) const;
    [[nodiscard]] double decay(std::size_t pool, std::size_t cls, int age) const noexcept;

    std::vector<CbcClass> m_classes;
    std::vector<int> m_years;
    int m_analysis_year{0};
    std::optional<CbcValuation> m_valuation;
    // Code → class index: a dense table over [m_code_min, m_code_min + size) (codes are small in practice).
    std::int64_t m_code_min{0};
    std::vector<std::int32_t> m_code_to_index;
    std::vector<CbcTransition> m_matrix;  // [from × n + to]
    // Emission fraction by pool (0 biomass, 1 soil), class left and years since the disturbance, precomputed so
    // the yearly loop needs no pow(): 0.5^(age/H) − 0.5^((age+1)/H).
    std::size_t m_ages{0};
    std::array<std::vector<double>, 2> m_decay;
    std::vector<double> m_npv_factor;  // invest method, per period end
    std::vector<double> m_yearly_weight;  // p_t / (1+d)^(t−b), per year from b
};

}  // namespace bluecarbon::accounting
