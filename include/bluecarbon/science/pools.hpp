#pragma once
/// Carbon pools per pixel (SCIENCE.md §3) and their uncertainty (§6).
///
/// Pools, all in Mg C/ha: AGB = AGB_dm × CF; BGB = AGB × R (root:shoot); dead = dead wood + litter;
/// SOC = soil organic carbon to 1 m; total = the sum. Values come from the Tier-1 table for the pixel's
/// habitat, climate zone and soil type, or — for the habitats a calibrated biomass model was fitted for — AGB_dm
/// from that model (survey::BiomassModelFit, log or linear form, as `survey calibrate` writes it), whose
/// cross-validated RMSE is the per-pixel σ of AGB_dm — but never less than the Tier-1 AGB σ of the habitat: the
/// model's error must never lower σ (a model with CV R² ≤ 0 can have a small RMSE when the plots vary little).
///
/// Uncertainty: every parameter with a published range contributes its 95 % interval as ±1.96 σ. Products of
/// independent quantities use var(XY) = X²σY² + Y²σX² + σX²σY²; BGB is correlated with AGB through the shared AGB
/// (cov = R σ²_AGB); the other pools are independent. The 90 % half-width is 1.6449 × σ.
#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/survey/calibration.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bluecarbon::science {

enum class Pool : std::uint8_t { agb, bgb, dead, soc, total };
inline constexpr std::size_t k_pool_count = 5;
[[nodiscard]] std::span<const Pool> all_pools() noexcept;
/// "agb", "bgb", "dead", "soc", "total" (file stems: stock_<name>.tif).
[[nodiscard]] std::string_view pool_name(Pool p) noexcept;

/// z of a two-sided 90 % interval.
inline constexpr double k_z90 = 1.6448536269514722;
/// z of a two-sided 95 % interval.
inline constexpr double k_z95 = 1.959963984540054;

/// The resolved parameters and pool densities of one habitat.
struct HabitatPools {
    Habitat habitat{Habitat::other};
    bool from_model{false};  ///< AGB from the calibrated model (else Tier-1)
    double agb_t_dm_per_ha{0}, agb_sigma{0};
    double carbon_fraction{0}, carbon_fraction_sigma{0};
    double root_shoot{0}, root_shoot_sigma{0};
    /// The SOC row used: soc_1m_mg_c_per_ha, or soc_30cm_mg_c_per_ha (depth 30) where the table has only IPCC
    /// 2006's 0–30 cm reference stock (forest). Differencing two habitats of different depths is refused by
    /// soc_depth_mismatch().
    Tier1Parameter soc_parameter{Tier1Parameter::soc_1m_mg_c_per_ha};
    int soc_depth_cm{100};
    /// Tier-1 densities and their σ, Mg C/ha, indexed by Pool (total included).
    std::array<double, k_pool_count> density{};
    std::array<double, k_pool_count> sigma{};
    /// The table rows used (copies, for provenance).
    std::vector<Tier1Row> rows;
};

/// Per-pixel pool rasters of one tile (each the tile's length).
struct PoolSpans {
    std::array<std::span<float>, k_pool_count> density;  ///< Mg C/ha, by Pool
    std::span<float> uncertainty_90;                      ///< 90 % half-width of the total, Mg C/ha
    /// 90 % half-width of each pool but the total (agb, bgb, dead, soc: 1.6449 × that pool's σ), Mg C/ha; each
    /// either the tile's length or empty (not computed).
    std::array<std::span<float>, k_pool_count - 1> pool_uncertainty_90;
    std::span<std::uint8_t> valid;                        ///< 1 where the habitat is known
};

/// Per-habitat sums of one tile, for the scene summary. Pixels valued from the Tier-1 table are counted per grid
/// row (integers), pixels valued by the biomass model are summed exactly (ExactSum of value × cell area), so the
/// scene totals do not depend on tile size, thread count or merge order.
struct TileStockSums {
    std::int64_t first_row{0};
    std::int64_t rows{0};
    /// Tier-1-valued pixel counts, [row - first_row][habitat_index].
    std::vector<std::array<std::int64_t, k_habitat_count>> counts;
    /// Model-valued pixels: area (m²), Σ density × area (Mg C/ha × m²) and Σ σ × area, by habitat and pool.
    std::array<ExactSum, k_habitat_count> model_area_m2;
    std::array<std::array<ExactSum, k_pool_count>, k_habitat_count> model_sum;
    std::array<std::array<ExactSum, k_pool_count>, k_habitat_count> model_sigma_sum;
    std::array<std::int64_t, k_habitat_count> model_pixels{};
    std::int64_t model_fallback_pixels{0};

    void reset(std::int64_t first_row_, std::int64_t rows_);
};

/// One habitat's line of the summary: area and pool totals with their 90 % interval half-widths. Errors of a
/// default value are shared by every pixel it applies to, so they add linearly over pixels (full correlation),
/// the conservative choice.
struct HabitatSummary {
    Habitat habitat{Habitat::other};
    std::int64_t pixels{0};
    std::int64_t model_pixels{0};
    double area_ha{0};
    std::array<double, k_pool_count> total_mg_c{};
    std::array<double, k_pool_count> half_width_90_mg_c{};
};

class PoolModel;

/// The scene's sums, merged from tiles (in any order: the result is the same).
class SceneStockSums {
public:
    explicit SceneStockSums(std::int64_t grid_height);
    void merge(const TileStockSums& tile);
    /// The summary per habitat (every habitat the model resolved, in code order). `row_area_m2[r]` is the
    /// area of one cell in grid row r.
    [[nodiscard]] std::vector<HabitatSummary> summarize(const PoolModel& pools,
                                                        std::span<const double> row_area_m2) const;
    /// Pixel counts and areas only (pools left at 0), for every habitat with pixels, in code order.
    [[nodiscard]] std::vector<HabitatSummary> areas(std::span<const double> row_area_m2) const;
    [[nodiscard]] std::int64_t model_fallback_pixels() const noexcept { return m_fallbacks; }

private:
    std::vector<std::array<std::int64_t, k_habitat_count>> m_counts;  // by grid row
    std::array<ExactSum, k_habitat_count> m_model_area_m2;
    std::array<std::array<ExactSum, k_pool_count>, k_habitat_count> m_model_sum;
    std::array<std::array<ExactSum, k_pool_count>, k_habitat_count> m_model_sigma_sum;
    std::array<std::int64_t, k_habitat_count> m_model_pixels{};
    std::int64_t m_fallbacks{0};
};

class PoolModel {
public:
    /// Resolves every habitat in `habitats` against `table` for `zone` and `soil`. The AGB, dead wood, litter and
    /// SOC rows are required for every habitat; carbon fraction and root:shoot where AGB > 0 or the model applies.
    /// Throws ConfigError naming the habitat, zone and parameter when a row is missing ("no Tier-1 row for
    /// mangrove in climate zone temperate: agb_t_dm_per_ha"). `model` may be null.
    /// The model, when given, is validated (std::invalid_argument) and copied.
    PoolModel(const Tier1Table& table, ClimateZone zone, SoilType soil, std::span<const Habitat> habitats,
              const survey::BiomassModelFit* model = nullptr);

    [[nodiscard]] const HabitatPools& habitat(Habitat h) const;
    [[nodiscard]] bool has(Habitat h) const noexcept;
    [[nodiscard]] const survey::BiomassModelFit* model() const noexcept { return m_model ? &*m_model : nullptr; }
    /// Predictor names the model needs per pixel (empty without a model).
    [[nodiscard]] std::vector<std::string> model_predictors() const;

    /// Fills the pool spans for one tile (`cols` wide) from habitat codes (k_habitat_nodata or an unresolved
    /// habitat → invalid). `predictor_values`/`predictor_valid` (in model_predictors() order) are read only for
    /// model habitats, where AGB_dm = model()->predict_t_dm_per_ha(predictors at the pixel, as double); a pixel
    /// whose predictors are invalid falls back to the Tier-1 AGB (counted in
    /// sums->model_fallback_pixels). When `sums` is given (reset to the tile's rows), the pixels are added to it
    /// with cell areas `row_area_m2[r]` for the tile's row r. Thread-safe.
    void compute(std::span<const std::uint8_t> habitat_codes, std::int64_t cols,
                 std::span<const std::span<const float>> predictor_values,
                 std::span<const std::span<const std::uint8_t>> predictor_valid, const PoolSpans& out,
                 TileStockSums* sums = nullptr, std::span<const double> row_area_m2 = {}) const;

    /// Pool densities (Mg C/ha, by Pool) and σ of one pixel of model habitat `h` with model AGB `agb_t_dm_per_ha`;
    /// σ(AGB_dm) = max(CV RMSE, Tier-1 σ of the habitat's AGB).
    void model_pixel(Habitat h, double agb_t_dm_per_ha, std::array<double, k_pool_count>& density,
                     std::array<double, k_pool_count>& sigma) const;

private:
    std::array<std::optional<HabitatPools>, k_habitat_count> m_pools;
    std::optional<survey::BiomassModelFit> m_model;
};

/// σ of the pools for AGB_dm (σ), CF (σ), R (σ), dead wood + litter (σ) and SOC (σ), as the header describes;
/// exposed for tests. `density`/`sigma` are indexed by Pool.
void pool_densities(double agb_dm, double agb_dm_sigma, double cf, double cf_sigma, double r, double r_sigma,
                    double dead, double dead_sigma, double soc, double soc_sigma,
                    std::array<double, k_pool_count>& density, std::array<double, k_pool_count>& sigma) noexcept;

}  // namespace bluecarbon::science
