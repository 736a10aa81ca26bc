#include <bluecarbon/accounting/credits.hpp>

#include <charconv>
#include <cmath>

namespace bluecarbon::accounting {

std::array<CreditField, 16> credit_row_fields(const CreditRow& r) {
    return {r.parcel_id,
            r.profile,
            r.profile_version,
            std::int64_t{r.vintage_start},
            std::int64_t{r.vintage_end},
            r.baseline_t_co2e,
            r.project_t_co2e,
            r.leakage_t_co2e,
            r.ner_t_co2e,
            r.uncertainty_pct,
            r.adjusted_ner_t_co2e,
            r.buffer_t_co2e,
            r.credits_t_co2e,
            r.carried_t_co2e,
            r.value,
            r.excluded_reason};
}

double ProfileValues::number(std::string_view name) const {
    const std::string* found = nullptr;
    for (const auto& [k, v] : values) {
        if (k != name) continue;
        if (found) throw ConfigError(profile + " " + version + ": parameter '" + std::string(name) + "' is listed twice");
        found = &v;
    }
    if (!found) throw ConfigError(profile + " " + version + ": missing parameter '" + std::string(name) + "'");
    double x = 0;
    const auto* end = found->data() + found->size();
    const auto [p, ec] = std::from_chars(found->data(), end, x);
    if (ec != std::errc{} || p != end || !std::isfinite(x)) {
        throw ConfigError(profile + " " + version + ": parameter '" + std::string(name) + "' is not a number ('" +
                          *found + "')");
    }
    return x;
}

std::vector<std::string> ProfileValues::list(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : values) {
        if (k == name) out.push_back(v);
    }
    return out;
}

void check_vintages(const CreditParcel& parcel, const std::vector<VintageYears>& vintages) {
    const std::string who = "parcel " + parcel.parcel_id + ": vintage ";
    for (std::size_t i = 0; i < vintages.size(); ++i) {
        const auto& v = vintages[i];
        const std::string span = std::to_string(v.start_year) + "-" + std::to_string(v.end_year);
        if (v.end_year <= v.start_year) throw ConfigError(who + span + " must end after it starts");
        if (v.start_year < parcel.project_start_year) {
            throw ConfigError(who + span + " starts before the project (" + std::to_string(parcel.project_start_year) +
                              ")");
        }
        if (i > 0 && v.start_year < vintages[i - 1].end_year) {
            throw ConfigError(who + span + " overlaps the vintage before it (" +
                              std::to_string(vintages[i - 1].start_year) + "-" +
                              std::to_string(vintages[i - 1].end_year) + ")");
        }
    }
}

Issuance issue_whole_tonnes(double amount_t_co2e, double carried_in_t_co2e) {
    const double available = amount_t_co2e + carried_in_t_co2e;
    Issuance out;
    if (available > 0) out.credits = static_cast<std::int64_t>(std::floor(available + 1e-9));
    out.carried = available - static_cast<double>(out.credits);
    if (std::fabs(out.carried) < 1e-9) out.carried = 0.0;
    return out;
}

double buffer_fraction(const CreditParcel& parcel, std::string_view profile, double minimum_pct) {
    const std::string who = "parcel " + parcel.parcel_id + ": buffer_percent " + std::to_string(parcel.buffer_percent);
    if (!(parcel.buffer_percent >= minimum_pct)) {
        throw ConfigError(who + " is below " + std::string(profile) + "'s minimum of " + std::to_string(minimum_pct) +
                          " %");
    }
    if (parcel.buffer_percent > 100.0) throw ConfigError(who + " is above 100 %");
    return parcel.buffer_percent / 100.0;
}

std::vector<CreditRow> excluded_rows(const CreditParcel& parcel, const std::string& profile, const std::string& version,
                                     const std::vector<VintageYears>& vintages, const std::string& reason) {
    std::vector<CreditRow> rows;
    for (const auto& v : vintages) {
        CreditRow r;
        r.parcel_id = parcel.parcel_id;
        r.profile = profile;
        r.profile_version = version;
        r.vintage_start = v.start_year;
        r.vintage_end = v.end_year;
        r.excluded_reason = reason;
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace bluecarbon::accounting
