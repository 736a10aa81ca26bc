#include <bluecarbon/science/survey/soil_cores.hpp>

#include <bluecarbon/error.hpp>
#include <bluecarbon/science/survey/taxon.hpp>

#include "science/survey/least_squares.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace bluecarbon::science::survey {

namespace {

// 1 g C/cm² = 1e-6 Mg / 1e-8 ha = 100 Mg C/ha.
constexpr double k_g_cm2_to_mg_ha = 100.0;

constexpr std::uint32_t k_var_bulk_density = 0;
constexpr std::uint32_t k_var_oc = 1;

std::vector<CoreLayer> layers_from(std::span<const CoreSample> samples, double compaction_percent,
                                   std::span<const double> bulk_density, std::span<const double> oc_fraction) {
    if (samples.empty()) throw std::invalid_argument("a core has no samples");
    if (!(compaction_percent >= 0.0 && compaction_percent < 100.0))
        throw std::invalid_argument("compaction_percent must be in [0, 100)");
    const double keep = 1.0 - compaction_percent / 100.0;
    const std::size_t n = samples.size();
    std::vector<double> top(n), bottom(n);
    for (std::size_t i = 0; i < n; ++i) {
        top[i] = samples[i].min_depth_cm / keep;
        bottom[i] = samples[i].max_depth_cm / keep;
        if (!(samples[i].min_depth_cm < samples[i].max_depth_cm))
            throw std::invalid_argument("sample min_depth_cm must be below max_depth_cm");
        if (i > 0 && samples[i].min_depth_cm < samples[i - 1].max_depth_cm)
            throw std::invalid_argument("samples overlap");
    }
    std::vector<CoreLayer> layers(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto& L = layers[i];
        L.top_cm = i == 0 ? 0.0 : 0.5 * (bottom[i - 1] + top[i]);
        L.bottom_cm = i + 1 == n ? bottom[i] : 0.5 * (bottom[i] + top[i + 1]);
        L.stock_mg_c_ha = bulk_density[i] * keep * oc_fraction[i] * (L.bottom_cm - L.top_cm) * k_g_cm2_to_mg_ha;
    }
    return layers;
}

}  // namespace

std::optional<double> oc_percent_from_loi(double loi_percent, std::string_view habitat, std::string* source) {
    const std::string h = normalize_name(habitat);
    const double om = loi_percent;
    double oc = 0;
    std::string cite;
    if (h == "mangrove") {
        oc = om < 20 ? 0.37 * om - 0.2 : 0.52 * om - 2.0;
        cite = "Pineiro-Juncal et al. (in prep.), BlueCarbon estimate_oc";
    } else if (h == "salt_marsh") {
        oc = 0.000683 * om * om + 0.41 * om;
        cite = "Maxwell et al. 2023, BlueCarbon estimate_oc";
    } else if (h == "seagrass") {
        oc = om < 20 ? -0.21 + 0.40 * om : -0.33 + 0.43 * om;
        cite = "Fourqurean et al. 2012, BlueCarbon estimate_oc";
    } else {
        return std::nullopt;
    }
    if (source) *source = "LOI " + h + ": " + cite;
    return std::max(0.0, oc);
}

std::vector<CoreLayer> core_layers(std::span<const CoreSample> samples, double compaction_percent) {
    std::vector<double> bd(samples.size()), oc(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        bd[i] = samples[i].bulk_density_g_cm3;
        oc[i] = samples[i].oc_fraction;
    }
    return layers_from(samples, compaction_percent, bd, oc);
}

StockAtDepth stock_to_depth(std::span<const CoreLayer> layers, double depth_cm) {
    StockAtDepth out;
    if (layers.empty()) return out;
    const double bottom = layers.back().bottom_cm;
    if (bottom >= depth_cm) {
        double sum = 0;
        for (const auto& L : layers) {
            if (L.bottom_cm <= depth_cm) {
                sum += L.stock_mg_c_ha;
            } else if (L.top_cm < depth_cm) {
                sum += L.stock_mg_c_ha * (depth_cm - L.top_cm) / (L.bottom_cm - L.top_cm);
            }
        }
        out.stock_mg_c_ha = sum;
        return out;
    }
    out.extrapolated = true;
    if (layers.size() == 1) {
        out.stock_mg_c_ha = layers[0].stock_mg_c_ha * depth_cm / bottom;
        return out;
    }
    std::vector<double> design, y;
    double cum = 0;
    for (const auto& L : layers) {
        cum += L.stock_mg_c_ha;
        design.insert(design.end(), {1.0, L.bottom_cm});
        y.push_back(cum);
    }
    const auto fit = detail::ols(design, y, 2);
    if (!fit) {  // cannot happen for distinct bottoms, which contiguous layers guarantee; keep a safe answer
        out.stock_mg_c_ha = cum * depth_cm / bottom;
        return out;
    }
    const std::vector<double> x0{1.0, depth_cm};
    out.stock_mg_c_ha = fit->predict(x0);
    // A new observation's error (prediction interval): s² + se_fit² (see the header).
    if (layers.size() >= 3) {
        const double s = fit->rse(), se_mean = fit->se_fit(x0);
        out.se_mg_c_ha = std::sqrt(s * s + se_mean * se_mean);
    }
    return out;
}

std::optional<SequestrationRate> sequestration_rate(std::span<const CoreSample> samples,
                                                    std::span<const CoreLayer> layers, double compaction_percent,
                                                    double timeframe_yr, std::string* why) {
    const double keep = 1.0 - compaction_percent / 100.0;
    // (depth, age) points, deepest depth kept for a repeated age.
    std::vector<std::pair<double, double>> pts{{0.0, 0.0}};
    for (const auto& s : samples) {
        if (!s.age_yr) continue;
        const double age = *s.age_yr;
        const double depth = s.max_depth_cm / keep;
        if (age < 0) throw std::invalid_argument("age_yr must be ≥ 0");
        if (age < pts.back().second) throw std::invalid_argument("age_yr decreases with depth");
        if (age == pts.back().second && pts.size() > 1) pts.back().first = depth;
        else if (age == pts.back().second) continue;  // age 0 at depth: the surface point already says so
        else pts.emplace_back(depth, age);
    }
    if (pts.size() < 2) return std::nullopt;
    const double max_age = pts.back().second;
    const double t = timeframe_yr;
    if (!(t > 0)) return std::nullopt;
    // BlueCarbon's rules: the dated column must span the time frame, from a first sample younger than it.
    if (max_age < t) {
        if (why)
            *why = fmt::format("core younger than the time frame (oldest dated sample {:g} yr < {:g} yr)", max_age, t);
        return std::nullopt;
    }
    if (pts[1].second > t) {
        if (why)
            *why = fmt::format("first dated sample older than the time frame ({:g} yr > {:g} yr)", pts[1].second, t);
        return std::nullopt;
    }
    double depth = pts.back().first;
    for (std::size_t i = 1; i < pts.size(); ++i) {
        if (pts[i].second >= t) {
            const auto [d0, a0] = pts[i - 1];
            const auto [d1, a1] = pts[i];
            depth = d0 + (d1 - d0) * (t - a0) / (a1 - a0);
            break;
        }
    }
    SequestrationRate r;
    r.timeframe_yr = t;
    r.depth_cm = depth;
    r.stock_mg_c_ha = stock_to_depth(layers, depth).stock_mg_c_ha;
    r.rate_mg_c_ha_yr = r.stock_mg_c_ha / t;
    return r;
}

std::vector<CoreResult> compute_cores(std::span<const CoreSample> samples, const CoreOptions& options,
                                      const ParallelFor& parallel, std::string_view source) {
    // Group by core id, in order of first appearance.
    std::vector<std::string> order;
    std::map<std::string, std::vector<CoreSample>, std::less<>> groups;
    for (const auto& s : samples) {
        auto [it, inserted] = groups.try_emplace(s.core_id);
        if (inserted) order.push_back(s.core_id);
        it->second.push_back(s);
    }
    std::vector<std::vector<CoreSample>> cores;
    cores.reserve(order.size());
    for (const auto& id : order) {
        auto v = std::move(groups[id]);
        std::stable_sort(v.begin(), v.end(),
                         [](const CoreSample& a, const CoreSample& b) { return a.min_depth_cm < b.min_depth_cm; });
        cores.push_back(std::move(v));
    }

    auto where = [&](const CoreSample& s) {
        return std::string(source) + ":" + std::to_string(s.line) + ": core '" + s.core_id + "'";
    };

    std::vector<CoreResult> results(cores.size());
    // Deterministic part first (serially: it throws with a precise message on bad data).
    std::vector<double> compaction(cores.size(), 0.0);
    for (std::size_t c = 0; c < cores.size(); ++c) {
        const auto& core = cores[c];
        auto& r = results[c];
        r.core_id = core.front().core_id;
        r.n_samples = core.size();
        std::optional<double> given;
        for (const auto& s : core)
            if (s.compaction_percent) {
                if (given && *s.compaction_percent != *given)
                    throw InputError(where(s) + ": compaction_percent differs between rows of the core");
                given = s.compaction_percent;
            }
        compaction[c] = given.value_or(0.0);
        r.compaction_percent = compaction[c];
        try {
            r.layers = core_layers(core, compaction[c]);
        } catch (const std::invalid_argument& e) {
            // Name the first offending row.
            std::size_t bad = 0;
            for (std::size_t i = 0; i < core.size(); ++i)
                if (!(core[i].min_depth_cm < core[i].max_depth_cm) ||
                    (i > 0 && core[i].min_depth_cm < core[i - 1].max_depth_cm)) {
                    bad = i;
                    break;
                }
            throw InputError(where(core[bad]) + ": " + e.what());
        }
        r.max_depth_cm = r.layers.back().bottom_cm;
        for (const auto& L : r.layers) r.stock_whole_core_mg_c_ha += L.stock_mg_c_ha;
        r.stock = stock_to_depth(r.layers, options.target_depth_cm);
        std::set<std::string> loi;
        for (const auto& s : core)
            if (!s.oc_source.empty()) loi.insert(s.oc_source);
        for (const auto& l : loi) r.note += (r.note.empty() ? "OC from " : "; OC from ") + l;
        if (r.stock.extrapolated) {
            const std::string sep = r.note.empty() ? "" : "; ";
            if (r.layers.size() == 1)
                r.note += sep + "one sample: stock scaled in proportion to depth, no standard error";
            else if (r.layers.size() == 2)
                r.note += sep + "two layers: the regression has no residual degrees of freedom, no standard error";
        }
        try {
            r.sequestration =
                sequestration_rate(core, r.layers, compaction[c], options.timeframe_yr, &r.sequestration_note);
        } catch (const std::invalid_argument& e) {
            throw InputError(where(core.front()) + ": " + e.what());
        }
    }

    const auto& mc = options.monte_carlo;
    if (mc.draws > 0) {
        std::vector<std::string_view> core_ids;
        for (const auto& core : cores) core_ids.push_back(core.front().core_id);
        check_distinct_stream_keys("core", core_ids, source);
        parallel(cores.size(), [&](std::size_t c) {
            const auto& core = cores[c];
            const std::uint64_t key = stream_key("core", core.front().core_id);
            std::vector<double> draws(mc.draws), bd(core.size()), oc(core.size());
            for (std::size_t k = 0; k < mc.draws; ++k) {
                const CounterRng rng(mc.seed, key, static_cast<std::uint32_t>(k));
                for (std::size_t i = 0; i < core.size(); ++i) {
                    const auto item = static_cast<std::uint32_t>(i);
                    const double b = core[i].bulk_density_g_cm3;
                    const double o = core[i].oc_fraction;
                    bd[i] = rng.truncated_normal(b, mc.bulk_density_relative_sd * b, 0.0, 3.0, item,
                                                 k_var_bulk_density);
                    oc[i] = rng.truncated_normal(o, mc.oc_relative_sd * o, 0.0, 1.0, item, k_var_oc);
                }
                const auto layers = layers_from(core, compaction[c], bd, oc);
                draws[k] = stock_to_depth(layers, options.target_depth_cm).stock_mg_c_ha;
            }
            results[c].stock_mc = summarize(draws);
        });
    }
    return results;
}

std::vector<HabitatSoc> soc_by_habitat(std::span<const CoreStock> cores, double depth_cm, std::string_view source) {
    std::vector<HabitatSoc> out;
    std::vector<std::vector<const CoreStock*>> members;
    for (const auto& c : cores) {
        const std::string where = std::string(source) + ":" + std::to_string(c.line) + ": core '" + c.core_id + "'";
        if (c.habitat.empty()) throw InputError(where + ": no habitat (a habitat column names each core's habitat)");
        if (c.depth_cm != depth_cm)
            throw InputError(where + fmt::format(": stock to {:g} cm, not {:g} cm (run survey cores with --depth-cm "
                                                 "{:g})",
                                                 c.depth_cm, depth_cm, depth_cm));
        auto it = std::find_if(out.begin(), out.end(), [&](const HabitatSoc& h) { return h.habitat == c.habitat; });
        if (it == out.end()) {
            out.push_back({c.habitat, 0, 0, 0, {}});
            members.emplace_back();
            it = out.end() - 1;
        }
        members[static_cast<std::size_t>(it - out.begin())].push_back(&c);
    }
    for (std::size_t h = 0; h < out.size(); ++h) {
        auto& hs = out[h];
        const auto& m = members[h];
        const auto n = static_cast<double>(m.size());
        double sum = 0, se2 = 0;
        for (const auto* c : m) {
            sum += c->stock_mg_c_ha;
            if (std::isfinite(c->se_mg_c_ha)) se2 += c->se_mg_c_ha * c->se_mg_c_ha;
            hs.cores.push_back(c->core_id);
        }
        hs.n = m.size();
        hs.mean_mg_c_ha = sum / n;
        double ss = 0;
        for (const auto* c : m) ss += (c->stock_mg_c_ha - hs.mean_mg_c_ha) * (c->stock_mg_c_ha - hs.mean_mg_c_ha);
        const double s2 = m.size() > 1 ? ss / (n - 1.0) : 0.0;
        hs.sigma_mg_c_ha = std::sqrt(s2 / n + se2 / (n * n));
        if (m.size() == 1 && !(se2 > 0))
            throw InputError(std::string(source) + ":" + std::to_string(m.front()->line) + ": core '" +
                             m.front()->core_id + "' is the only " + hs.habitat +
                             " core and has no standard error: one core gives no interval (add cores)");
    }
    return out;
}

}  // namespace bluecarbon::science::survey
