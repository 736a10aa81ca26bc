#include <bluecarbon/accounting/vm0033.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bluecarbon::accounting {

namespace {
constexpr const char* k_name = "VM0033";
}

Vm0033Profile Vm0033Profile::from_values(const ProfileValues& values) {
    if (values.profile != k_name) throw ConfigError("profile table is '" + values.profile + "', not VM0033");
    Vm0033Profile p;
    p.version = values.version;
    p.allowable_uncertainty = values.number("allowable_uncertainty_pct") / 100.0;
    p.minimum_buffer_pct = values.number("minimum_buffer_pct");
    p.default_soil_rate_t_c_per_ha_yr = values.number("default_soil_rate_t_c_per_ha_yr");
    p.cover_zero_below = values.number("soil_rate_cover_zero_below_pct") / 100.0;
    p.cover_full_at = values.number("soil_rate_cover_full_at_pct") / 100.0;
    p.co2_per_c = values.number("co2_per_c");
    p.project_habitats = values.list("project_habitat");
    if (values.number("confidence_pct") != 90.0) throw ConfigError("VM0033 " + p.version + ": confidence_pct must be 90");
    if (!(p.cover_full_at > p.cover_zero_below)) {
        throw ConfigError("VM0033 " + p.version + ": the full-rate cover must be above the zero-rate cover");
    }
    if (p.project_habitats.empty()) throw ConfigError("VM0033 " + p.version + ": no project_habitat listed");
    return p;
}

double vm0033_default_soil_rate(const Vm0033Profile& profile, double cover_fraction) {
    if (!(cover_fraction >= 0.0 && cover_fraction <= 1.0)) {
        throw ConfigError("vegetation cover must be between 0 and 1 (got " + std::to_string(cover_fraction) + ")");
    }
    if (cover_fraction < profile.cover_zero_below) return 0.0;
    if (cover_fraction >= profile.cover_full_at) return profile.default_soil_rate_t_c_per_ha_yr;
    return profile.default_soil_rate_t_c_per_ha_yr * (cover_fraction - profile.cover_zero_below) /
           (profile.cover_full_at - profile.cover_zero_below);
}

double root_sum_square_uncertainty(std::span<const double> half_widths, double estimate) {
    double ss = 0;
    for (double h : half_widths) ss += h * h;
    if (ss == 0.0) return 0.0;
    if (estimate == 0.0) return std::numeric_limits<double>::infinity();
    return std::sqrt(ss) / std::fabs(estimate);
}

std::vector<CreditRow> vm0033_credits(const Vm0033Profile& profile, const CreditParcel& parcel,
                                      const std::vector<Vm0033Vintage>& vintages) {
    std::vector<VintageYears> years;
    for (const auto& v : vintages) years.push_back(v.years);
    check_vintages(parcel, years);
    const auto& hs = profile.project_habitats;
    if (std::find(hs.begin(), hs.end(), parcel.habitat_project) == hs.end()) {
        std::string covered;
        for (const auto& h : hs) covered += (covered.empty() ? "" : ", ") + h;
        return excluded_rows(parcel, k_name, profile.version, years,
                             "VM0033 covers tidal wetland and seagrass restoration (" + covered + "), not " +
                                 (parcel.habitat_project.empty() ? std::string("an unknown habitat")
                                                                 : parcel.habitat_project));
    }
    const double buffer = buffer_fraction(parcel, k_name, profile.minimum_buffer_pct);

    std::vector<CreditRow> rows;
    double carried = 0;
    for (const auto& v : vintages) {
        CreditRow r;
        r.parcel_id = parcel.parcel_id;
        r.profile = k_name;
        r.profile_version = profile.version;
        r.vintage_start = v.years.start_year;
        r.vintage_end = v.years.end_year;
        r.baseline_t_co2e = v.baseline_t_co2e;
        r.project_t_co2e = v.project_t_co2e;
        r.leakage_t_co2e = v.leakage_t_co2e;
        r.ner_t_co2e = v.baseline_t_co2e - v.project_t_co2e + v.frp_t_co2e - v.leakage_t_co2e;
        const double u = root_sum_square_uncertainty(v.ci90_half_widths_t_co2e, r.ner_t_co2e);
        r.uncertainty_pct = u * 100.0;
        double factor = 1.0;
        if (r.ner_t_co2e > 0 && u > profile.allowable_uncertainty) {
            factor = std::max(0.0, 1.0 - u + profile.allowable_uncertainty);
        }
        r.adjusted_ner_t_co2e = r.ner_t_co2e * factor;
        r.buffer_t_co2e = std::max(0.0, v.stock_change_t_co2e * factor) * buffer;
        const Issuance issued = issue_whole_tonnes(r.adjusted_ner_t_co2e - r.buffer_t_co2e, carried);
        r.credits_t_co2e = issued.credits;
        r.carried_t_co2e = issued.carried;
        carried = issued.carried;
        r.value = static_cast<double>(r.credits_t_co2e) * v.price_per_t_co2e;
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace bluecarbon::accounting
