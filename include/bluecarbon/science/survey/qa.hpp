#pragma once
/// Plausibility rules for survey records (issue 6). Each rule flags a record; the caller either stops at the
/// first issue (the default: one message naming file, line and column) or drops the flagged records and lists
/// them (--drop-invalid → qa.csv). Plain C++ on parsed records; thread-safe.
///
/// Rules (rule id: condition):
///   trees  dbh_range            D ≤ 0 or D > 500 cm
///          height_range         H ≤ 0 or H > 90 m
///          wood_density_range   measured ρ outside 0.1–1.5 g/cm³
///          duplicate_tree       the same (plot_id, tree_id, stem_id) again (the later row is flagged)
///          unknown_plot         plot_id not in the plots table (or dropped from it)
///          below_nested_class   D below the plot's smallest nested size class
///   plots  plot_area            area_m2 ≤ 0
///          duplicate_plot       the same plot_id again (the later row is flagged)
///   cores  bulk_density_range   bulk density outside 0.05–2.65 g/cm³
///          oc_range             organic carbon outside 0–60 % (0–0.6 as a fraction)
///          depth_order          min_depth_cm < 0, or min_depth_cm ≥ max_depth_cm
///          depth_overlap        a sample overlaps the one above it in the same core (the deeper is flagged)
///          compaction_range     compaction_percent outside [0, 100)
///          compaction_mismatch  compaction_percent differs from the core's first given value
///          age_range            age_yr < 0
///          age_order            age_yr smaller than that of a shallower sample of the same core
/// Readers add their own rules for fields that cannot be parsed: not_a_number, missing_value, bad_value.
#include <bluecarbon/science/survey/plot_carbon.hpp>
#include <bluecarbon/science/survey/soil_cores.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science::survey {

struct QaIssue {
    std::size_t record{0};  ///< index of the flagged record in the checked span
    std::size_t line{0};    ///< its source line
    std::string column;     ///< the column at fault
    std::string rule;       ///< rule id (see above)
    std::string value;      ///< the offending value as text
    std::string message;    ///< one readable sentence
};

struct QaLimits {
    double dbh_max_cm{500};
    double height_max_m{90};
    double wood_density_min{0.1}, wood_density_max{1.5};
    double bulk_density_min{0.05}, bulk_density_max{2.65};
    double oc_percent_max{60};
};

/// Issues of the plots table, in row order.
[[nodiscard]] std::vector<QaIssue> check_plots(std::span<const PlotRecord> plots, const QaLimits& limits = {});
/// Issues of the trees table against (already checked) plots, in row order.
[[nodiscard]] std::vector<QaIssue> check_trees(std::span<const TreeRecord> trees, std::span<const PlotRecord> plots,
                                               const QaLimits& limits = {});
/// Issues of the cores table, in row order. `oc_column` is the name of the OC column the file declared
/// (oc_percent or oc_fraction), for messages; values are always fractions in CoreSample.
[[nodiscard]] std::vector<QaIssue> check_cores(std::span<const CoreSample> samples, std::string_view oc_column,
                                               const QaLimits& limits = {});

/// The records of `records` not flagged by `issues` (order kept).
template <typename Record>
[[nodiscard]] std::vector<Record> drop_flagged(std::span<const Record> records, std::span<const QaIssue> issues) {
    std::vector<bool> flagged(records.size(), false);
    for (const auto& q : issues)
        if (q.record < records.size()) flagged[q.record] = true;
    std::vector<Record> kept;
    kept.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
        if (!flagged[i]) kept.push_back(records[i]);
    return kept;
}

}  // namespace bluecarbon::science::survey
