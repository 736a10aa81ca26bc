#include <bluecarbon/error.hpp>
#include <bluecarbon/science/pools.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bluecarbon::science {

namespace {
constexpr std::array<Pool, k_pool_count> k_pools = {Pool::agb, Pool::bgb, Pool::dead, Pool::soc, Pool::total};
constexpr std::array<std::string_view, k_pool_count> k_pool_names = {"agb", "bgb", "dead", "soc", "total"};
constexpr std::size_t ix(Pool p) { return static_cast<std::size_t>(p); }

// Variance of the product of two independent quantities.
double product_variance(double x, double sx, double y, double sy) noexcept {
    return x * x * sy * sy + y * y * sx * sx + sx * sx * sy * sy;
}
}  // namespace

std::span<const Pool> all_pools() noexcept { return k_pools; }
std::string_view pool_name(Pool p) noexcept { return k_pool_names[ix(p)]; }

void pool_densities(double agb_dm, double agb_dm_sigma, double cf, double cf_sigma, double r, double r_sigma,
                    double dead, double dead_sigma, double soc, double soc_sigma,
                    std::array<double, k_pool_count>& density, std::array<double, k_pool_count>& sigma) noexcept {
    const double agb = agb_dm * cf;
    const double var_agb = product_variance(agb_dm, agb_dm_sigma, cf, cf_sigma);
    const double bgb = agb * r;
    const double var_bgb = product_variance(agb, std::sqrt(var_agb), r, r_sigma);
    const double cov_agb_bgb = r * var_agb;  // BGB = AGB × R with R independent of AGB
    density[ix(Pool::agb)] = agb;
    density[ix(Pool::bgb)] = bgb;
    density[ix(Pool::dead)] = dead;
    density[ix(Pool::soc)] = soc;
    density[ix(Pool::total)] = agb + bgb + dead + soc;
    sigma[ix(Pool::agb)] = std::sqrt(var_agb);
    sigma[ix(Pool::bgb)] = std::sqrt(var_bgb);
    sigma[ix(Pool::dead)] = dead_sigma;
    sigma[ix(Pool::soc)] = soc_sigma;
    sigma[ix(Pool::total)] =
        std::sqrt(var_agb + var_bgb + 2.0 * cov_agb_bgb + dead_sigma * dead_sigma + soc_sigma * soc_sigma);
}

PoolModel::PoolModel(const Tier1Table& table, ClimateZone zone, SoilType soil, std::span<const Habitat> habitats,
                     const survey::BiomassModelFit* model) {
    if (model) {
        model->validate();
        m_model = *model;
    }
    for (Habitat h : habitats) {
        if (m_pools[habitat_index(h)]) continue;
        HabitatPools hp;
        hp.habitat = h;
        hp.from_model = m_model && m_model->applies_to(h);
        auto need = [&](Tier1Parameter p) -> const Tier1Row& {
            const Tier1Row* row = table.find(p, h, zone, soil);
            if (!row)
                throw ConfigError(fmt::format("{}: no Tier-1 row for {} in climate zone {} (soil {}): {}",
                                              table.file_name(), habitat_name(h), climate_zone_name(zone),
                                              soil_type_name(soil), tier1_parameter_name(p)));
            hp.rows.push_back(*row);
            return *row;
        };
        const auto& agb = need(Tier1Parameter::agb_t_dm_per_ha);
        const auto& wood = need(Tier1Parameter::dead_wood_mg_c_per_ha);
        const auto& litter = need(Tier1Parameter::litter_mg_c_per_ha);
        // SOC to 1 m; a habitat with only a 0–30 cm reference stock (IPCC 2006 forest rows) uses that and says so.
        const bool has_1m = table.find(Tier1Parameter::soc_1m_mg_c_per_ha, h, zone, soil) != nullptr;
        const bool has_30cm = table.find(Tier1Parameter::soc_30cm_mg_c_per_ha, h, zone, soil) != nullptr;
        hp.soc_parameter = !has_1m && has_30cm ? Tier1Parameter::soc_30cm_mg_c_per_ha : Tier1Parameter::soc_1m_mg_c_per_ha;
        hp.soc_depth_cm = hp.soc_parameter == Tier1Parameter::soc_30cm_mg_c_per_ha ? 30 : 100;
        const auto& socr = need(hp.soc_parameter);
        hp.agb_t_dm_per_ha = agb.value;
        hp.agb_sigma = agb.sigma();
        if (agb.value > 0 || hp.from_model) {
            const auto& cf = need(Tier1Parameter::carbon_fraction);
            const auto& rs = need(Tier1Parameter::root_shoot_ratio);
            hp.carbon_fraction = cf.value;
            hp.carbon_fraction_sigma = cf.sigma();
            hp.root_shoot = rs.value;
            hp.root_shoot_sigma = rs.sigma();
        }
        const double dead = wood.value + litter.value;
        const double dead_sigma = std::hypot(wood.sigma(), litter.sigma());
        pool_densities(hp.agb_t_dm_per_ha, hp.agb_sigma, hp.carbon_fraction, hp.carbon_fraction_sigma, hp.root_shoot,
                       hp.root_shoot_sigma, dead, dead_sigma, socr.value, socr.sigma(), hp.density, hp.sigma);
        m_pools[habitat_index(h)] = std::move(hp);
    }
}

bool PoolModel::has(Habitat h) const noexcept { return m_pools[habitat_index(h)].has_value(); }

const HabitatPools& PoolModel::habitat(Habitat h) const {
    const auto& p = m_pools[habitat_index(h)];
    if (!p) throw std::out_of_range(fmt::format("PoolModel: habitat {} was not resolved", habitat_name(h)));
    return *p;
}

std::vector<std::string> PoolModel::model_predictors() const {
    return m_model ? m_model->predictors : std::vector<std::string>{};
}

void PoolModel::model_pixel(Habitat h, double agb_t_dm_per_ha, std::array<double, k_pool_count>& density,
                            std::array<double, k_pool_count>& sigma) const {
    const auto& hp = habitat(h);
    // The model's error never lowers σ below the Tier-1 AGB σ it replaces: a model with no skill (CV R² ≤ 0) has a
    // small RMSE when the plots vary little, and must not make a pixel look better known than the default.
    const double model_sigma = m_model ? std::max(m_model->cv_rmse_t_dm_per_ha, hp.agb_sigma) : hp.agb_sigma;
    pool_densities(agb_t_dm_per_ha, model_sigma, hp.carbon_fraction,
                   hp.carbon_fraction_sigma, hp.root_shoot, hp.root_shoot_sigma, hp.density[ix(Pool::dead)],
                   hp.sigma[ix(Pool::dead)], hp.density[ix(Pool::soc)], hp.sigma[ix(Pool::soc)], density, sigma);
}

void PoolModel::compute(std::span<const std::uint8_t> habitat_codes, std::int64_t cols,
                        std::span<const std::span<const float>> predictor_values,
                        std::span<const std::span<const std::uint8_t>> predictor_valid, const PoolSpans& out,
                        TileStockSums* sums, std::span<const double> row_area_m2) const {
    const std::size_t n = habitat_codes.size();
    if (cols <= 0 || n % static_cast<std::size_t>(cols) != 0)
        throw std::invalid_argument("PoolModel::compute: the tile length is not a multiple of its width");
    const auto width = static_cast<std::size_t>(cols);
    if (sums && (static_cast<std::size_t>(sums->rows) * width != n || row_area_m2.size() != n / width))
        throw std::invalid_argument("PoolModel::compute: sums or row areas do not match the tile");
    for (const auto& s : out.density)
        if (s.size() != n) throw std::invalid_argument("PoolModel::compute: output of the wrong length");
    if (out.uncertainty_90.size() != n || out.valid.size() != n)
        throw std::invalid_argument("PoolModel::compute: output of the wrong length");
    const bool per_pool = !out.pool_uncertainty_90[0].empty();
    for (const auto& s : out.pool_uncertainty_90)
        if (s.size() != (per_pool ? n : 0))
            throw std::invalid_argument("PoolModel::compute: per-pool uncertainty of the wrong length");
    constexpr std::size_t k_parts = k_pool_count - 1;  // the pools summed into the total
    const std::size_t npred = m_model ? m_model->predictors.size() : 0;
    if (predictor_values.size() != predictor_valid.size() ||
        (npred > 0 && predictor_values.size() != npred && predictor_values.size() != 0))
        throw std::invalid_argument("PoolModel::compute: predictor spans do not match the model");

    // Lookup tables by habitat code: the Tier-1 case is a gather per pixel.
    std::array<std::array<float, 256>, k_pool_count> lut{};
    std::array<float, 256> unc{};
    std::array<std::array<float, 256>, k_parts> pool_unc{};
    std::array<std::uint8_t, 256> ok{};
    std::array<std::uint8_t, 256> model_code{};
    for (Habitat h : all_habitats()) {
        const auto& p = m_pools[habitat_index(h)];
        if (!p) continue;
        const auto c = static_cast<std::size_t>(h);
        ok[c] = 1;
        for (std::size_t k = 0; k < k_pool_count; ++k) lut[k][c] = static_cast<float>(p->density[k]);
        unc[c] = static_cast<float>(k_z90 * p->sigma[ix(Pool::total)]);
        for (std::size_t k = 0; k < k_parts; ++k) pool_unc[k][c] = static_cast<float>(k_z90 * p->sigma[k]);
        model_code[c] = p->from_model && !predictor_values.empty() ? 1 : 0;
    }
    std::array<double, k_pool_count> d{}, s{};
    std::vector<double> x(npred);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = habitat_codes[i];
        const std::size_t row = i / width;
        if (!ok[c]) {
            for (std::size_t k = 0; k < k_pool_count; ++k) out.density[k][i] = 0.0F;
            out.uncertainty_90[i] = 0.0F;
            if (per_pool)
                for (std::size_t k = 0; k < k_parts; ++k) out.pool_uncertainty_90[k][i] = 0.0F;
            out.valid[i] = 0;
            continue;
        }
        out.valid[i] = 1;
        if (model_code[c]) {
            bool all_valid = true;
            for (std::size_t j = 0; j < npred; ++j) {
                all_valid = all_valid && predictor_valid[j][i] != 0;
                x[j] = static_cast<double>(predictor_values[j][i]);
            }
            if (all_valid) {
                model_pixel(static_cast<Habitat>(c), m_model->predict_t_dm_per_ha(x), d, s);
                for (std::size_t k = 0; k < k_pool_count; ++k) out.density[k][i] = static_cast<float>(d[k]);
                out.uncertainty_90[i] = static_cast<float>(k_z90 * s[ix(Pool::total)]);
                if (per_pool)
                    for (std::size_t k = 0; k < k_parts; ++k)
                        out.pool_uncertainty_90[k][i] = static_cast<float>(k_z90 * s[k]);
                if (sums) {
                    const std::size_t h = c - 1;
                    const double a = row_area_m2[row];
                    sums->model_area_m2[h].add(a);
                    for (std::size_t k = 0; k < k_pool_count; ++k) {
                        sums->model_sum[h][k].add(d[k] * a);
                        sums->model_sigma_sum[h][k].add(s[k] * a);
                    }
                    ++sums->model_pixels[h];
                }
                continue;
            }
            if (sums) ++sums->model_fallback_pixels;
        }
        for (std::size_t k = 0; k < k_pool_count; ++k) out.density[k][i] = lut[k][c];
        out.uncertainty_90[i] = unc[c];
        if (per_pool)
            for (std::size_t k = 0; k < k_parts; ++k) out.pool_uncertainty_90[k][i] = pool_unc[k][c];
        if (sums) ++sums->counts[row][c - 1];
    }
}

void TileStockSums::reset(std::int64_t first_row_, std::int64_t rows_) {
    first_row = first_row_;
    rows = rows_;
    counts.assign(static_cast<std::size_t>(rows_), std::array<std::int64_t, k_habitat_count>{});
    model_area_m2 = {};
    model_sum = {};
    model_sigma_sum = {};
    model_pixels = {};
    model_fallback_pixels = 0;
}

SceneStockSums::SceneStockSums(std::int64_t grid_height)
    : m_counts(static_cast<std::size_t>(grid_height), std::array<std::int64_t, k_habitat_count>{}) {}

void SceneStockSums::merge(const TileStockSums& tile) {
    if (tile.first_row < 0 || tile.first_row + tile.rows > static_cast<std::int64_t>(m_counts.size()))
        throw std::out_of_range("SceneStockSums::merge: tile rows outside the grid");
    for (std::int64_t r = 0; r < tile.rows; ++r) {
        auto& dst = m_counts[static_cast<std::size_t>(tile.first_row + r)];
        const auto& src = tile.counts[static_cast<std::size_t>(r)];
        for (std::size_t h = 0; h < k_habitat_count; ++h) dst[h] += src[h];
    }
    for (std::size_t h = 0; h < k_habitat_count; ++h) {
        m_model_area_m2[h].merge(tile.model_area_m2[h]);
        for (std::size_t k = 0; k < k_pool_count; ++k) {
            m_model_sum[h][k].merge(tile.model_sum[h][k]);
            m_model_sigma_sum[h][k].merge(tile.model_sigma_sum[h][k]);
        }
        m_model_pixels[h] += tile.model_pixels[h];
    }
    m_fallbacks += tile.model_fallback_pixels;
}

std::vector<HabitatSummary> SceneStockSums::summarize(const PoolModel& pools,
                                                      std::span<const double> row_area_m2) const {
    if (row_area_m2.size() != m_counts.size())
        throw std::invalid_argument("SceneStockSums::summarize: one cell area per grid row is needed");
    std::vector<HabitatSummary> out;
    for (Habitat h : all_habitats()) {
        if (!pools.has(h)) continue;
        const std::size_t hi = habitat_index(h);
        const auto& hp = pools.habitat(h);
        HabitatSummary s;
        s.habitat = h;
        // Tier-1-valued area: integer counts per row times that row's cell area, summed exactly.
        ExactSum tier1_area_m2;
        std::int64_t tier1_pixels = 0;
        for (std::size_t r = 0; r < m_counts.size(); ++r) {
            const auto c = m_counts[r][hi];
            if (c == 0) continue;
            tier1_pixels += c;
            tier1_area_m2.add(static_cast<double>(c) * row_area_m2[r]);
        }
        const double tier1_ha = tier1_area_m2.value() / 1e4;
        ExactSum area = tier1_area_m2;
        area.merge(m_model_area_m2[hi]);
        s.area_ha = area.value() / 1e4;
        s.pixels = tier1_pixels + m_model_pixels[hi];
        s.model_pixels = m_model_pixels[hi];
        for (std::size_t k = 0; k < k_pool_count; ++k) {
            s.total_mg_c[k] = hp.density[k] * tier1_ha + m_model_sum[hi][k].value() / 1e4;
            s.half_width_90_mg_c[k] = k_z90 * (hp.sigma[k] * tier1_ha + m_model_sigma_sum[hi][k].value() / 1e4);
        }
        out.push_back(s);
    }
    return out;
}

std::vector<HabitatSummary> SceneStockSums::areas(std::span<const double> row_area_m2) const {
    if (row_area_m2.size() != m_counts.size())
        throw std::invalid_argument("SceneStockSums::areas: one cell area per grid row is needed");
    std::vector<HabitatSummary> out;
    for (Habitat h : all_habitats()) {
        const std::size_t hi = habitat_index(h);
        ExactSum area_m2 = m_model_area_m2[hi];
        std::int64_t pixels = m_model_pixels[hi];
        for (std::size_t r = 0; r < m_counts.size(); ++r) {
            if (m_counts[r][hi] == 0) continue;
            pixels += m_counts[r][hi];
            area_m2.add(static_cast<double>(m_counts[r][hi]) * row_area_m2[r]);
        }
        if (pixels == 0) continue;
        HabitatSummary s;
        s.habitat = h;
        s.pixels = pixels;
        s.model_pixels = m_model_pixels[hi];
        s.area_ha = area_m2.value() / 1e4;
        out.push_back(s);
    }
    return out;
}

}  // namespace bluecarbon::science
