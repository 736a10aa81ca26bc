// What `credits --json` prints (the per-project summary, every parcel's totals) and the human summary.
#include <bluecarbon/pipeline/credits.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bluecarbon::pipeline {

std::string to_json(const CreditsResult& r) {
    using json = nlohmann::ordered_json;
    json j;
    j["command"] = "credits";
    j["bluecarbon_version"] = k_version;
    j["profile"] = r.profile;
    j["profile_version"] = r.profile_version;
    j["profile_table"] = r.profile_table;
    j["tier1_version"] = r.tier1_version;
    j["start_year"] = r.start_year;
    j["end_year"] = r.end_year;
    j["snapshot_years"] = r.snapshot_years;
    j["buffer_percent"] = r.buffer_percent;
    j["currency"] = r.currency;
    j["discount_rate_pct"] = r.discount_rate_pct;
    auto& s = j["summary"];
    s["parcels_eligible"] = r.parcels_credited;
    s["parcels_excluded"] = r.parcels_excluded;
    s["credits_t_co2e"] = r.credits_t_co2e;
    s["buffer_t_co2e"] = r.buffer_t_co2e;
    s["value"] = r.value;
    s["npv_at_start"] = r.npv;
    s["rows"] = r.rows.size();
    auto& ps = j["parcels"];
    ps = json::array();
    for (const auto& p : r.parcels) {
        ps.push_back({{"parcel_id", p.parcel_id},
                      {"habitat_before", p.habitat_before},
                      {"habitat_project", p.habitat_project},
                      {"area_ha", p.area_ha},
                      {"unmapped_ha", p.unmapped_ha},
                      {"ner_t_co2e", p.ner_t_co2e},
                      {"adjusted_ner_t_co2e", p.adjusted_ner_t_co2e},
                      {"buffer_t_co2e", p.buffer_t_co2e},
                      {"credits_t_co2e", p.credits_t_co2e},
                      {"carried_t_co2e", p.carried_t_co2e},
                      {"value", p.value},
                      {"excluded_reason", p.excluded_reason}});
    }
    j["width"] = r.grid.width();
    j["height"] = r.grid.height();
    j["tiles"] = r.tiles;
    j["threads"] = r.threads;
    j["outputs"] = {r.credits_csv.string(), r.parcels_gpkg.string()};
    j["warnings"] = r.warnings;
    j["wall_seconds"] = r.wall_seconds;
    j["peak_rss_mb"] = r.peak_rss_mb;
    return j.dump(2);
}

std::string summary_text(const CreditsResult& r) {
    std::string s = fmt::format(
        "credits: {} {}, period {}-{}, snapshots {}, buffer {} %: {} t CO2e on {} eligible "
        "parcel(s), {} excluded; value {:.2f} {} (NPV at {}: {:.2f})\n",
        r.profile, r.profile_version, r.start_year, r.end_year, fmt::join(r.snapshot_years, " "), r.buffer_percent,
        r.credits_t_co2e, r.parcels_credited, r.parcels_excluded, r.value, r.currency, r.start_year, r.npv, r.currency);
    s += fmt::format("  {:<10} {:<17} {:<17} {:>9} {:>12} {:>10} {:>9}  {}\n", "parcel", "before", "project", "ha",
                     "adj. NER", "buffer", "credits", "excluded");
    for (const auto& p : r.parcels) {
        s += fmt::format("  {:<10} {:<17} {:<17} {:>9.2f} {:>12.2f} {:>10.2f} {:>9}  {}\n", p.parcel_id,
                         p.habitat_before, p.habitat_project, p.area_ha, p.adjusted_ner_t_co2e, p.buffer_t_co2e,
                         p.credits_t_co2e, p.excluded_reason);
    }
    for (const auto& w : r.warnings)
        s += "  warning: " + w + "\n";
    s += fmt::format("  {}\n  {}\n", r.credits_csv.string(), r.parcels_gpkg.string());
    return s;
}

} // namespace bluecarbon::pipeline
