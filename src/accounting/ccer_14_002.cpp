#include <bluecarbon/accounting/ccer_14_002.hpp>

#include <algorithm>
#include <cmath>

namespace bluecarbon::accounting {

namespace {
constexpr const char* k_name = "CCER-14-002-V01";

bool contains(const std::vector<std::string>& list, const std::string& s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}
std::string join(const std::vector<std::string>& list, const char* sep) {
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : sep) + s;
    return out;
}
}  // namespace

Ccer14002Profile Ccer14002Profile::from_values(const ProfileValues& values) {
    if (values.profile != k_name) throw ConfigError("profile table is '" + values.profile + "', not " + k_name);
    Ccer14002Profile p;
    p.version = values.version;
    p.eligible_before = values.list("eligible_before_habitat");
    p.project_habitats = values.list("project_habitat");
    p.co2_per_c = values.number("co2_per_c");
    p.minimum_buffer_pct = values.number("minimum_buffer_pct");
    if (values.number("confidence_pct") != 90.0) throw ConfigError(std::string(k_name) + ": confidence_pct must be 90");
    // The methodology fixes both at 0; a table saying otherwise is not this profile.
    if (values.number("baseline_change_t_co2e") != 0.0 || values.number("leakage_t_co2e") != 0.0) {
        throw ConfigError(std::string(k_name) + ": baseline change and leakage are 0 in this methodology");
    }
    if (p.eligible_before.empty() || p.project_habitats.empty()) {
        throw ConfigError(std::string(k_name) + ": eligible_before_habitat and project_habitat must be listed");
    }
    return p;
}

double ccer_precision_discount(const std::optional<std::vector<PrecisionDiscountRow>>& table, double precision_pct,
                               const std::string& parcel_id) {
    if (!table || table->empty()) {
        throw ConfigError("parcel " + parcel_id + ": " + k_name +
                          " needs the project's precision-discount table (90 % reliability); it is not guessed");
    }
    for (std::size_t i = 0; i < table->size(); ++i) {
        const auto& row = (*table)[i];
        if (i > 0 && !(row.precision_up_to_pct > (*table)[i - 1].precision_up_to_pct)) {
            throw ConfigError("precision-discount table: rows must be in increasing precision order");
        }
        if (!(row.discount_pct >= 0.0 && row.discount_pct <= 100.0)) {
            throw ConfigError("precision-discount table: discounts must be between 0 and 100 %");
        }
    }
    if (!(precision_pct >= 0.0)) throw ConfigError("parcel " + parcel_id + ": relative precision must be >= 0");
    for (const auto& row : *table) {
        if (precision_pct <= row.precision_up_to_pct) return row.discount_pct / 100.0;
    }
    throw ConfigError("parcel " + parcel_id + ": relative precision " + std::to_string(precision_pct) +
                      " % is beyond the precision-discount table (up to " +
                      std::to_string(table->back().precision_up_to_pct) + " %): more sampling is needed");
}

std::vector<CreditRow> ccer_14_002_credits(const Ccer14002Profile& profile, const CreditParcel& parcel,
                                           const std::vector<Ccer14002Vintage>& vintages,
                                           const std::optional<std::vector<PrecisionDiscountRow>>& precision_table) {
    std::vector<VintageYears> years;
    for (const auto& v : vintages) years.push_back(v.years);
    check_vintages(parcel, years);
    if (!contains(profile.eligible_before, parcel.habitat_before)) {
        return excluded_rows(parcel, k_name, profile.version, years,
                             std::string(k_name) + " covers mangrove afforestation on " +
                                 join(profile.eligible_before, " or ") + " before the project, not " +
                                 (parcel.habitat_before.empty() ? std::string("an unknown habitat")
                                                                : parcel.habitat_before));
    }
    if (!contains(profile.project_habitats, parcel.habitat_project)) {
        return excluded_rows(parcel, k_name, profile.version, years,
                             std::string(k_name) + " credits " + join(profile.project_habitats, " or ") +
                                 " planted by the project, not " + parcel.habitat_project);
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
        const double removal = (v.tree_biomass_c_change_t + v.soil_c_change_t) * profile.co2_per_c;
        r.baseline_t_co2e = 0.0;
        r.project_t_co2e = -removal;
        r.leakage_t_co2e = 0.0;
        r.ner_t_co2e = r.baseline_t_co2e - r.project_t_co2e - r.leakage_t_co2e;
        r.uncertainty_pct = v.relative_precision_pct;
        const double discount = ccer_precision_discount(precision_table, v.relative_precision_pct, parcel.parcel_id);
        // A loss (negative NER) is not discounted (conservative).
        r.adjusted_ner_t_co2e = r.ner_t_co2e > 0 ? r.ner_t_co2e * (1.0 - discount) : r.ner_t_co2e;
        r.buffer_t_co2e = std::max(0.0, r.adjusted_ner_t_co2e) * buffer;
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
