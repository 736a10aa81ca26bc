#include <bluecarbon/science/survey/qa.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

namespace bluecarbon::science::survey {

namespace {

std::string num(double v) {
    std::array<char, 64> buf{};
    const auto [p, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return ec == std::errc{} ? std::string(buf.data(), p) : std::string("?");
}

}  // namespace

std::vector<QaIssue> check_plots(std::span<const PlotRecord> plots, const QaLimits&) {
    std::vector<QaIssue> issues;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < plots.size(); ++i) {
        const auto& p = plots[i];
        if (!seen.insert(p.plot_id).second) {
            issues.push_back({i, p.line, "plot_id", "duplicate_plot", p.plot_id,
                              "plot '" + p.plot_id + "' appears more than once"});
            continue;
        }
        if (!(p.area_m2 > 0.0))
            issues.push_back({i, p.line, "area_m2", "plot_area", num(p.area_m2),
                              "plot '" + p.plot_id + "' has no area (area_m2 must be > 0)"});
    }
    return issues;
}

std::vector<QaIssue> check_trees(std::span<const TreeRecord> trees, std::span<const PlotRecord> plots,
                                 const QaLimits& limits) {
    std::vector<QaIssue> issues;
    std::unordered_map<std::string, const PlotRecord*> by_id;
    for (const auto& p : plots) by_id.emplace(p.plot_id, &p);
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (std::size_t i = 0; i < trees.size(); ++i) {
        const auto& t = trees[i];
        const std::string who = "tree '" + t.tree_id + "'" + (t.stem_id.empty() ? "" : " stem '" + t.stem_id + "'") +
                                " in plot '" + t.plot_id + "'";
        if (!(t.dbh_cm > 0.0) || t.dbh_cm > limits.dbh_max_cm) {
            issues.push_back({i, t.line, "dbh_cm", "dbh_range", num(t.dbh_cm),
                              who + ": D = " + num(t.dbh_cm) + " cm is not plausible (must be > 0 and ≤ " +
                                  num(limits.dbh_max_cm) + ")"});
            continue;
        }
        if (t.height_m && (!(*t.height_m > 0.0) || *t.height_m > limits.height_max_m)) {
            issues.push_back({i, t.line, "height_m", "height_range", num(*t.height_m),
                              who + ": H = " + num(*t.height_m) + " m is not plausible (must be > 0 and ≤ " +
                                  num(limits.height_max_m) + ")"});
            continue;
        }
        if (t.wood_density_g_cm3 &&
            (*t.wood_density_g_cm3 < limits.wood_density_min || *t.wood_density_g_cm3 > limits.wood_density_max)) {
            issues.push_back({i, t.line, "wood_density_g_cm3", "wood_density_range", num(*t.wood_density_g_cm3),
                              who + ": wood density " + num(*t.wood_density_g_cm3) + " g/cm3 is outside " +
                                  num(limits.wood_density_min) + "–" + num(limits.wood_density_max)});
            continue;
        }
        const auto plot = by_id.find(t.plot_id);
        if (plot == by_id.end()) {
            issues.push_back({i, t.line, "plot_id", "unknown_plot", t.plot_id,
                              who + ": plot '" + t.plot_id + "' is not in the plots table (or was dropped)"});
            continue;
        }
        if (!expansion_factor_per_ha(*plot->second, t.dbh_cm)) {
            issues.push_back({i, t.line, "dbh_cm", "below_nested_class", num(t.dbh_cm),
                              who + ": D = " + num(t.dbh_cm) +
                                  " cm is below the smallest nested size class of the plot"});
            continue;
        }
        if (!seen.emplace(t.plot_id, t.tree_id, t.stem_id).second) {
            issues.push_back({i, t.line, t.stem_id.empty() ? "tree_id" : "stem_id", "duplicate_tree",
                              t.stem_id.empty() ? t.tree_id : t.tree_id + "/" + t.stem_id,
                              who + " appears more than once (give multi-stemmed trees a stem_id per stem)"});
            continue;
        }
    }
    return issues;
}

std::vector<QaIssue> check_cores(std::span<const CoreSample> samples, std::string_view oc_column,
                                 const QaLimits& limits) {
    std::vector<QaIssue> issues;
    const double oc_scale = oc_column == "oc_fraction" ? 1.0 : 100.0;  // fraction → the column's own unit
    const double oc_max = limits.oc_percent_max / 100.0;
    std::vector<bool> flagged(samples.size(), false);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        const std::string who = "core '" + s.core_id + "' sample " + num(s.min_depth_cm) + "–" + num(s.max_depth_cm) +
                                " cm";
        auto flag = [&](std::string column, std::string rule, std::string value, std::string message) {
            issues.push_back({i, s.line, std::move(column), std::move(rule), std::move(value), who + ": " + message});
            flagged[i] = true;
        };
        if (s.min_depth_cm < 0.0 || !(s.min_depth_cm < s.max_depth_cm)) {
            flag(s.min_depth_cm < 0.0 ? "min_depth_cm" : "max_depth_cm", "depth_order",
                 num(s.min_depth_cm) + "–" + num(s.max_depth_cm),
                 "min_depth_cm must be ≥ 0 and below max_depth_cm");
        } else if (s.bulk_density_g_cm3 < limits.bulk_density_min || s.bulk_density_g_cm3 > limits.bulk_density_max) {
            flag("bulk_density_g_cm3", "bulk_density_range", num(s.bulk_density_g_cm3),
                 "bulk density " + num(s.bulk_density_g_cm3) + " g/cm3 is outside " + num(limits.bulk_density_min) +
                     "–" + num(limits.bulk_density_max));
        } else if (s.oc_fraction < 0.0 || s.oc_fraction > oc_max) {
            flag(std::string(oc_column), "oc_range", num(s.oc_fraction * oc_scale),
                 "organic carbon " + num(s.oc_fraction * oc_scale) + (oc_scale == 1.0 ? "" : " %") + " is outside 0–" +
                     num(oc_max * oc_scale) + (oc_scale == 1.0 ? "" : " %"));
        } else if (s.compaction_percent && !(*s.compaction_percent >= 0.0 && *s.compaction_percent < 100.0)) {
            flag("compaction_percent", "compaction_range", num(*s.compaction_percent),
                 "compaction_percent must be in [0, 100)");
        } else if (s.age_yr && *s.age_yr < 0.0) {
            flag("age_yr", "age_range", num(*s.age_yr), "age_yr must be ≥ 0");
        }
    }

    // Per-core rules over the samples that passed, in depth order.
    std::map<std::string, std::vector<std::size_t>> cores;
    for (std::size_t i = 0; i < samples.size(); ++i)
        if (!flagged[i]) cores[samples[i].core_id].push_back(i);
    std::vector<QaIssue> core_issues;
    for (auto& [id, idx] : cores) {
        std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
            return samples[a].min_depth_cm < samples[b].min_depth_cm;
        });
        std::optional<double> compaction;
        double last_max = -1.0;
        std::optional<double> last_age;
        for (std::size_t i : idx) {
            const auto& s = samples[i];
            const std::string who = "core '" + s.core_id + "' sample " + num(s.min_depth_cm) + "–" +
                                    num(s.max_depth_cm) + " cm";
            if (last_max > s.min_depth_cm) {
                core_issues.push_back({i, s.line, "min_depth_cm", "depth_overlap", num(s.min_depth_cm),
                                       who + ": overlaps the sample above, which ends at " + num(last_max) + " cm"});
                continue;
            }
            if (s.compaction_percent) {
                if (compaction && *compaction != *s.compaction_percent) {
                    core_issues.push_back({i, s.line, "compaction_percent", "compaction_mismatch",
                                           num(*s.compaction_percent),
                                           who + ": compaction_percent differs from the core's " + num(*compaction)});
                    continue;
                }
                compaction = s.compaction_percent;
            }
            if (s.age_yr) {
                if (last_age && *s.age_yr < *last_age) {
                    core_issues.push_back({i, s.line, "age_yr", "age_order", num(*s.age_yr),
                                           who + ": age_yr " + num(*s.age_yr) +
                                               " is younger than a shallower sample's " + num(*last_age)});
                    continue;
                }
                last_age = s.age_yr;
            }
            last_max = s.max_depth_cm;
        }
    }
    issues.insert(issues.end(), core_issues.begin(), core_issues.end());
    std::stable_sort(issues.begin(), issues.end(), [](const QaIssue& a, const QaIssue& b) { return a.line < b.line; });
    return issues;
}

}  // namespace bluecarbon::science::survey
