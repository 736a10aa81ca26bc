#include <bluecarbon/accounting/cbc_model.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <unordered_set>

namespace bluecarbon::accounting {

namespace {
constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
// numpy.isclose(x, 0) with its default tolerances (atol 1e-8): InVEST's test for "no emission" and "no
// disturbance" and "half-life 0".
constexpr double k_zero_tolerance = 1e-8;
constexpr std::size_t k_biomass = 0;
constexpr std::size_t k_soil = 1;
// The dense code table is used while the codes span at most this many values (landcover codes are small).
constexpr std::int64_t k_max_dense_span = 1 << 20;

bool near_zero(double x) noexcept { return std::fabs(x) <= k_zero_tolerance; }

// A sum that is nodata (NaN) only when every term is (InVEST's _sum_n_rasters).
struct NodataSum {
    double sum{0};
    bool any{false};
    void add(double x) noexcept {
        if (!std::isnan(x)) {
            sum += x;
            any = true;
        }
    }
    [[nodiscard]] double value() const noexcept { return any ? sum : k_nan; }
};

double sum_valid(double a, double b) noexcept {
    NodataSum s;
    s.add(a);
    s.add(b);
    return s.value();
}
double sum_valid(double a, double b, double c) noexcept {
    NodataSum s;
    s.add(a);
    s.add(b);
    s.add(c);
    return s.value();
}

std::size_t impact_index(CbcTransition t) noexcept {
    return t == CbcTransition::low_impact ? 0 : t == CbcTransition::medium_impact ? 1 : 2;
}
bool is_disturbance(CbcTransition t) noexcept {
    return t == CbcTransition::low_impact || t == CbcTransition::medium_impact || t == CbcTransition::high_impact;
}

void check_fraction(const CbcClass& c, const std::array<double, 3>& f, const char* pool) {
    static constexpr std::array<const char*, 3> levels = {"low", "med", "high"};
    for (std::size_t i = 0; i < 3; ++i) {
        if (!(f[i] >= 0.0 && f[i] <= 1.0)) {
            throw ConfigError("biophysical table: class '" + c.name + "' (lucode " + std::to_string(c.code) + "): " +
                              pool + "-" + levels[i] + "-impact-disturb must be between 0 and 1 (got " +
                              std::to_string(f[i]) + ")");
        }
    }
}
}  // namespace

std::vector<double> prices_with_inflation(double price, double inflation_rate, int baseline_year, int last_year) {
    std::vector<double> prices;
    for (int t = baseline_year; t <= last_year; ++t) {
        prices.push_back(price * std::pow(1.0 + inflation_rate, t - baseline_year));
    }
    return prices;
}

UnknownClassError::UnknownClassError(std::int64_t code, int snapshot_year)
    : InputError("landcover code " + std::to_string(code) + " in the snapshot of " + std::to_string(snapshot_year) +
                 " is not in the biophysical table's lucode column"),
      m_code(code), m_year(snapshot_year) {}

CbcModel::CbcModel(std::vector<CbcClass> classes, const std::vector<CbcTransitionCell>& transitions,
                   std::vector<int> snapshot_years, int analysis_year, std::optional<CbcValuation> valuation)
    : m_classes(std::move(classes)), m_years(std::move(snapshot_years)), m_analysis_year(analysis_year),
      m_valuation(std::move(valuation)) {
    if (m_classes.empty()) throw ConfigError("biophysical table: no landcover classes");
    if (m_years.empty()) throw ConfigError("landcover snapshots: no snapshot");
    std::sort(m_years.begin(), m_years.end());
    if (std::adjacent_find(m_years.begin(), m_years.end()) != m_years.end()) {
        throw ConfigError("landcover snapshots: snapshot year " +
                          std::to_string(*std::adjacent_find(m_years.begin(), m_years.end())) + " appears twice");
    }
    // InVEST runs without an analysis year up to the last snapshot (the last period is then empty); a single
    // snapshot needs a later analysis year.
    if (m_analysis_year < m_years.back() || (m_analysis_year == m_years.back() && m_years.size() == 1)) {
        throw ConfigError("analysis_year: analysis year " + std::to_string(m_analysis_year) +
                          " must be after the latest snapshot year (" + std::to_string(m_years.back()) + ")");
    }

    std::set<std::int64_t> codes;
    std::unordered_set<std::string> names;
    for (const auto& c : m_classes) {
        if (!codes.insert(c.code).second) {
            throw ConfigError("biophysical table: lucode " + std::to_string(c.code) + " appears twice");
        }
        std::string lower = c.name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (!names.insert(lower).second) {
            throw ConfigError("biophysical table: all values in the lulc-class column must be unique, but '" + c.name +
                              "' appears twice");
        }
        if (!(c.biomass_half_life >= 0.0) || !(c.soil_half_life >= 0.0)) {
            throw ConfigError("biophysical table: class '" + c.name + "': half-lives must not be negative");
        }
        check_fraction(c, c.biomass_disturb, "biomass");
        check_fraction(c, c.soil_disturb, "soil");
    }
    m_code_min = *codes.begin();
    const std::int64_t span = *codes.rbegin() - m_code_min + 1;
    if (span > k_max_dense_span) {
        throw ConfigError("biophysical table: lucodes span " + std::to_string(span) + " values (at most " +
                          std::to_string(k_max_dense_span) + " supported)");
    }
    m_code_to_index.assign(static_cast<std::size_t>(span), -1);
    for (std::size_t i = 0; i < m_classes.size(); ++i) {
        m_code_to_index[static_cast<std::size_t>(m_classes[i].code - m_code_min)] = static_cast<std::int32_t>(i);
    }

    const std::size_t n = m_classes.size();
    m_matrix.assign(n * n, CbcTransition::no_change);
    for (const auto& t : transitions) {
        const auto from = class_index(t.from_code);
        const auto to = class_index(t.to_code);
        if (!from || !to) {
            throw ConfigError("landcover transitions table: class code " +
                              std::to_string(!from ? t.from_code : t.to_code) + " is not in the biophysical table");
        }
        m_matrix[*from * n + *to] = t.kind;
    }

    // Ages from 0 to the last year an emission can happen in (analysis − 1 − first transition).
    m_ages = m_years.size() > 1 ? static_cast<std::size_t>(m_analysis_year - m_years[1]) : 0;
    for (std::size_t pool = 0; pool < 2; ++pool) {
        m_decay[pool].assign(n * m_ages, 0.0);
        for (std::size_t c = 0; c < n; ++c) {
            const double h = pool == k_biomass ? m_classes[c].biomass_half_life : m_classes[c].soil_half_life;
            if (near_zero(h)) continue;  // a half-life of 0 emits nothing
            for (std::size_t age = 0; age < m_ages; ++age) {
                const auto a = static_cast<double>(age);
                m_decay[pool][c * m_ages + age] = std::pow(0.5, a / h) - std::pow(0.5, (a + 1.0) / h);
            }
        }
    }

    if (m_valuation) {
        const auto needed = static_cast<std::size_t>(m_analysis_year - m_years.front());
        if (m_valuation->price_by_year.size() < needed) {
            throw ConfigError("valuation: prices are given for " + std::to_string(m_valuation->price_by_year.size()) +
                              " years from " + std::to_string(m_years.front()) + " but the analysis needs every year to " +
                              std::to_string(m_analysis_year - 1));
        }
        if (!(m_valuation->discount_rate > -1.0)) throw ConfigError("valuation: discount rate must be above -100 %");
        m_yearly_weight.resize(needed);
        for (std::size_t i = 0; i < needed; ++i) {
            m_yearly_weight[i] =
                m_valuation->price_by_year[i] / std::pow(1.0 + m_valuation->discount_rate, static_cast<double>(i));
        }
        for (std::size_t k = 0; k < period_count(); ++k) m_npv_factor.push_back(invest_valuation_factor(period_end(k)));
    }
}

std::vector<int> CbcModel::stock_years() const {
    std::vector<int> years = m_years;
    years.push_back(m_analysis_year);
    return years;
}

double CbcModel::invest_valuation_factor(int year) const {
    if (!m_valuation) return k_nan;
    // Summed in year order, as InVEST does.
    double factor = 0;
    for (int t = m_years.front(); t < year; ++t) factor += m_yearly_weight.at(static_cast<std::size_t>(t - m_years.front()));
    return factor;
}

std::optional<std::size_t> CbcModel::class_index(std::int64_t code) const noexcept {
    if (code < m_code_min || code - m_code_min >= static_cast<std::int64_t>(m_code_to_index.size())) return std::nullopt;
    const std::int32_t i = m_code_to_index[static_cast<std::size_t>(code - m_code_min)];
    if (i < 0) return std::nullopt;
    return static_cast<std::size_t>(i);
}

std::size_t CbcModel::require_class(std::int64_t code, std::size_t snapshot) const {
    const auto i = class_index(code);
    if (!i) throw UnknownClassError(code, m_years[snapshot]);
    return *i;
}

double CbcModel::decay(std::size_t pool, std::size_t cls, int age) const noexcept {
    return m_decay[pool][cls * m_ages + static_cast<std::size_t>(age)];
}

void CbcModel::resize(CbcPixelResult& out) const {
    const std::size_t n = period_count();
    out.stock.assign(n + 1, k_nan);
    out.accumulation.assign(n, k_nan);
    out.emissions.assign(n, k_nan);
    out.net_sequestration.assign(n, k_nan);
    out.npv.assign(m_valuation ? n : 0, k_nan);
    out.total_net_sequestration = k_nan;
}

void CbcModel::run_pixel(std::span<const std::int64_t> codes, CbcPixelResult& out) const {
    const std::size_t n = period_count();
    if (codes.size() != n) throw Error("CbcModel::run_pixel: expected one code per snapshot");
    if (out.stock.size() != n + 1) resize(out);
    const int base_year = m_years.front();
    const bool yearly_npv = m_valuation && m_valuation->method == NpvMethod::yearly;
    NodataSum discounted;  // the yearly method's running Σ N_t × weight_t
    auto add_discounted = [&](int year, double net) {
        if (yearly_npv && !std::isnan(net)) discounted.add(net * m_yearly_weight[static_cast<std::size_t>(year - base_year)]);
    };

    // Baseline period: stocks grow at the baseline class's rates (litter included).
    const CbcClass* c0 = codes[0] == k_no_class ? nullptr : &m_classes[require_class(codes[0], 0)];
    const int first_end = period_end(0);
    std::array<double, 2> stock{k_nan, k_nan};
    std::array<double, 2> rate{k_nan, k_nan};
    double litter_rate = k_nan;
    if (c0) {
        stock = {c0->biomass_initial, c0->soil_initial};
        rate = {c0->biomass_accumulation, c0->soil_accumulation};
        litter_rate = c0->litter_accumulation;
    }
    out.stock[0] = sum_valid(stock[k_soil], stock[k_biomass], litter_rate);
    const double base_yearly = c0 ? rate[k_biomass] + rate[k_soil] + litter_rate : k_nan;
    out.accumulation[0] = c0 ? base_yearly * (first_end - base_year) : k_nan;
    out.emissions[0] = k_nan;
    out.net_sequestration[0] = out.accumulation[0];
    for (int t = base_year; t < first_end; ++t) add_discounted(t, base_yearly);
    std::vector<double>* npv = m_valuation ? &out.npv : nullptr;
    if (yearly_npv) (*npv)[0] = discounted.value();

    // Stocks at the start of the first transition year (or the analysis year): InVEST takes the stock of the
    // year before and adds that year's net sequestration (the baseline rate).
    for (std::size_t p = 0; p < 2; ++p) {
        if (c0) stock[p] = stock[p] + rate[p] * (first_end - 1 - base_year) + rate[p];
    }

    std::array<double, 2> volume{k_nan, k_nan};  // disturbed volume of the latest disturbance
    std::array<int, 2> disturbed_in{-1, -1};      // its year; −1: never disturbed
    for (std::size_t k = 1; k < n; ++k) {
        const int year0 = m_years[k];
        const int year1 = period_end(k);
        const bool from_ok = codes[k - 1] != k_no_class;
        const bool to_ok = codes[k] != k_no_class;
        const std::size_t from = from_ok ? require_class(codes[k - 1], k - 1) : 0;
        const std::size_t to = to_ok ? require_class(codes[k], k) : 0;
        litter_rate = to_ok ? m_classes[to].litter_accumulation : k_nan;
        out.stock[k] = sum_valid(stock[k_soil], stock[k_biomass], litter_rate);

        const CbcTransition kind = m_matrix[from * m_classes.size() + to];
        for (std::size_t p = 0; p < 2; ++p) {
            double magnitude = k_nan;
            rate[p] = k_nan;
            if (from_ok && to_ok) {
                const auto& fc = m_classes[from];
                magnitude = is_disturbance(kind)
                                ? (p == k_biomass ? fc.biomass_disturb : fc.soil_disturb)[impact_index(kind)]
                                : 0.0;
                const auto& tc = m_classes[to];
                rate[p] = kind == CbcTransition::accumulate
                              ? (p == k_biomass ? tc.biomass_accumulation : tc.soil_accumulation)
                              : 0.0;
            }
            // InVEST's _track_disturbance: keep the older disturbance unless this transition disturbs.
            if (disturbed_in[p] < 0) volume[p] = std::isnan(magnitude) ? k_nan : 0.0;
            if (!std::isnan(magnitude) && !near_zero(magnitude) && !std::isnan(stock[p])) {
                volume[p] = magnitude * stock[p];
                disturbed_in[p] = year0;
            }
        }

        NodataSum emitted, net_total;
        for (int t = year0; t < year1; ++t) {
            NodataSum net_year;
            for (std::size_t p = 0; p < 2; ++p) {
                double e = k_nan;
                const bool tracked = disturbed_in[p] >= 0 && !std::isnan(volume[p]);
                if (!from_ok) {
                    e = tracked ? 0.0 : k_nan;  // InVEST's nodata half-life (float32 min) emits 0.5^0 − 0.5^0
                } else {
                    const double h = p == k_biomass ? m_classes[from].biomass_half_life : m_classes[from].soil_half_life;
                    if (near_zero(h)) {
                        e = 0.0;
                    } else if (tracked) {
                        e = volume[p] * decay(p, from, t - disturbed_in[p]);
                    }
                }
                const bool emits = !std::isnan(e) && !near_zero(e);
                const double net = emits ? -e : rate[p];  // NaN when neither is known
                emitted.add(e);
                net_year.add(net);
                stock[p] = sum_valid(stock[p], net);
            }
            net_total.add(net_year.value());
            add_discounted(t, net_year.value());
        }
        out.emissions[k] = emitted.value();
        out.net_sequestration[k] = net_total.value();
        const bool rates_ok = !std::isnan(rate[0]) && !std::isnan(rate[1]) && !std::isnan(litter_rate);
        out.accumulation[k] = rates_ok ? (rate[k_biomass] + rate[k_soil] + litter_rate) * (year1 - year0) : k_nan;
        if (yearly_npv) (*npv)[k] = discounted.value();
    }
    out.stock[n] = sum_valid(stock[k_soil], stock[k_biomass], litter_rate);

    NodataSum total;
    for (double v : out.net_sequestration) total.add(v);
    out.total_net_sequestration = total.value();

    if (m_valuation && m_valuation->method == NpvMethod::invest) {
        // InVEST: valuation factor × the sum of the period totals so far; nodata once any period is nodata.
        double sum = 0;
        bool valid = true;
        for (std::size_t k = 0; k < n; ++k) {
            valid = valid && !std::isnan(out.net_sequestration[k]);
            if (valid) sum += out.net_sequestration[k];
            (*npv)[k] = valid ? sum * m_npv_factor[k] : k_nan;
        }
    }
}

}  // namespace bluecarbon::accounting
