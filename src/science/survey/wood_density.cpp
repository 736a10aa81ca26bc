#include <bluecarbon/science/survey/wood_density.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace bluecarbon::science::survey {

namespace {

bool is_genus_only_epithet(const std::string& e) {
    return e.empty() || e == "sp" || e == "sp." || e == "spp" || e == "spp." || e == "na";
}

// Mean and sample SD of a list of values.
WoodDensityStats stats_of(std::span<const double> values) {
    WoodDensityStats s;
    s.n = static_cast<int>(values.size());
    if (values.empty()) return s;
    double sum = 0;
    for (double v : values) sum += v;
    s.mean = sum / static_cast<double>(values.size());
    if (values.size() >= 2) {
        double ss = 0;
        for (double v : values) ss += (v - s.mean) * (v - s.mean);
        s.sd = std::sqrt(ss / static_cast<double>(values.size() - 1));
    }
    return s;
}

}  // namespace

std::string_view species_synonym(std::string_view key) noexcept {
    static constexpr std::pair<std::string_view, std::string_view> k_synonyms[] = {
        {"bruguiera gymnorrhiza", "bruguiera gymnorhiza"},
        {"bruguiera gymnorhiza", "bruguiera gymnorrhiza"},
        {"kandelia obovata", "kandelia candel"},
    };
    for (const auto& [name, other] : k_synonyms)
        if (name == key) return other;
    return {};
}

WoodDensityStats WoodDensityDatabase::Acc::stats() const {
    WoodDensityStats s;
    s.n = n;
    s.n_records = n;
    s.mean = sum / n;
    if (n >= 2) {
        // Two-pass precision is not needed here: densities are O(1) with few significant digits.
        const double var = (sum_sq - sum * sum / n) / (n - 1);
        s.sd = std::sqrt(std::max(var, 0.0));
    }
    return s;
}

namespace {

// The mean of `means` (species means of a genus, genus means of a family), with the SD of the `records` behind.
WoodDensityStats mean_of_means(const std::vector<double>& means, const WoodDensityStats& records) {
    WoodDensityStats s = records;
    double sum = 0;
    for (double m : means) sum += m;
    s.n = static_cast<int>(means.size());
    s.mean = sum / static_cast<double>(means.size());
    return s;
}

}  // namespace

WoodDensityDatabase::WoodDensityDatabase(std::vector<WoodDensityRecord> records) {
    // Records by species group within each genus ("" = identified to genus only), by genus and by family.
    std::map<std::string, std::map<std::string, Acc>> groups;
    std::map<std::string, Acc> genus_records, family_records;
    std::map<std::string, std::set<std::string>> family_genera;
    for (const auto& r : records) {
        const std::string genus = normalize_name(r.genus);
        if (genus.empty()) throw std::invalid_argument("wood density record without a genus");
        if (!std::isfinite(r.wood_density_g_cm3) || r.wood_density_g_cm3 <= 0.0)
            throw std::invalid_argument("wood density record for '" + r.genus + "' has no positive density");
        std::string epithet = normalize_name(r.species);
        if (is_genus_only_epithet(epithet)) epithet.clear();
        const std::string family = normalize_name(r.family);
        const double v = r.wood_density_g_cm3;
        auto add = [v](Acc& a) {
            a.sum += v;
            a.sum_sq += v * v;
            ++a.n;
        };
        if (!epithet.empty()) add(m_species[genus + " " + epithet]);
        add(groups[genus][epithet]);
        add(genus_records[genus]);
        if (!family.empty()) {
            add(family_records[family]);
            family_genera[family].insert(genus);
            ++m_genus_families[genus][family];
        }
        ++m_size;
    }
    for (const auto& [genus, species] : groups) {
        std::vector<double> means;
        for (const auto& [epithet, acc] : species) means.push_back(acc.sum / acc.n);
        m_genus[genus] = mean_of_means(means, genus_records[genus].stats());
    }
    for (const auto& [family, genera] : family_genera) {
        std::vector<double> means;
        for (const auto& g : genera) means.push_back(m_genus[g].mean);
        m_family[family] = mean_of_means(means, family_records[family].stats());
    }
}

std::optional<WoodDensityStats> WoodDensityDatabase::species(std::string_view genus, std::string_view epithet) const {
    const auto it = m_species.find(normalize_name(genus) + " " + normalize_name(epithet));
    if (it == m_species.end()) return std::nullopt;
    return it->second.stats();
}

std::optional<WoodDensityStats> WoodDensityDatabase::genus(std::string_view genus) const {
    const auto it = m_genus.find(normalize_name(genus));
    if (it == m_genus.end()) return std::nullopt;
    return it->second;
}

std::optional<WoodDensityStats> WoodDensityDatabase::family(std::string_view family) const {
    const auto it = m_family.find(normalize_name(family));
    if (it == m_family.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> WoodDensityDatabase::family_of(std::string_view genus) const {
    const auto it = m_genus_families.find(normalize_name(genus));
    if (it == m_genus_families.end() || it->second.empty()) return std::nullopt;
    // Most frequent family; ties go to the alphabetically first (map order), so the choice is stable.
    const std::string* best = nullptr;
    int best_n = 0;
    for (const auto& [fam, n] : it->second)
        if (n > best_n) {
            best = &fam;
            best_n = n;
        }
    return *best;
}

std::string_view wood_density_level_name(WoodDensityLevel level) noexcept {
    switch (level) {
    case WoodDensityLevel::measured: return "measured";
    case WoodDensityLevel::species: return "species";
    case WoodDensityLevel::genus: return "genus";
    case WoodDensityLevel::family: return "family";
    case WoodDensityLevel::plot_mean: return "plot_mean";
    case WoodDensityLevel::site_mean: return "site_mean";
    case WoodDensityLevel::none: return "none";
    }
    return "?";
}

std::vector<WoodDensityAssignment> assign_wood_density(const WoodDensityDatabase& db,
                                                       std::span<const WoodDensityQuery> trees,
                                                       const WoodDensityOptions& options) {
    std::vector<WoodDensityAssignment> out(trees.size());
    auto sd_or_default = [&](const WoodDensityStats& s) {
        return std::isfinite(s.sd) ? s.sd : options.default_relative_sd * s.mean;
    };

    // Pass 1: measured values and database levels.
    for (std::size_t i = 0; i < trees.size(); ++i) {
        const auto& q = trees[i];
        auto& a = out[i];
        if (q.measured_g_cm3) {
            a.value_g_cm3 = *q.measured_g_cm3;
            a.sd_g_cm3 = options.default_relative_sd * a.value_g_cm3;
            a.level = WoodDensityLevel::measured;
            a.n_records = 1;
            continue;
        }
        std::optional<WoodDensityStats> s;
        WoodDensityLevel level = WoodDensityLevel::none;
        const auto synonym = q.taxon.has_species() ? species_synonym(q.taxon.key()) : std::string_view();
        if (q.taxon.has_species() && (s = db.species(q.taxon.genus, q.taxon.epithet))) {
            level = WoodDensityLevel::species;
        } else if (!synonym.empty() &&
                   (s = db.species(synonym.substr(0, synonym.find(' ')), synonym.substr(synonym.find(' ') + 1)))) {
            level = WoodDensityLevel::species;  // resolved before the genus fallback, the name recorded
            a.synonym = std::string(synonym);
        } else if (q.taxon.has_genus() && (s = db.genus(q.taxon.genus))) {
            level = WoodDensityLevel::genus;
        } else {
            std::optional<std::string> fam;
            if (!q.family.empty()) fam = q.family;
            else if (q.taxon.has_genus()) fam = db.family_of(q.taxon.genus);
            if (fam && (s = db.family(*fam))) level = WoodDensityLevel::family;
        }
        if (s) {
            a.value_g_cm3 = s->mean;
            a.sd_g_cm3 = sd_or_default(*s);
            a.level = level;
            a.n_records = s->n;
        }
    }

    // Pass 2: plot means, then the site mean, over the trees resolved in pass 1 only.
    std::map<std::size_t, std::vector<double>> by_plot;
    std::vector<double> site;
    for (std::size_t i = 0; i < trees.size(); ++i)
        if (out[i].level != WoodDensityLevel::none) {
            by_plot[trees[i].plot].push_back(out[i].value_g_cm3);
            site.push_back(out[i].value_g_cm3);
        }
    const WoodDensityStats site_stats = stats_of(site);
    for (std::size_t i = 0; i < trees.size(); ++i) {
        auto& a = out[i];
        if (a.level != WoodDensityLevel::none) continue;
        const auto it = by_plot.find(trees[i].plot);
        if (it != by_plot.end() && !it->second.empty()) {
            const auto s = stats_of(it->second);
            a.value_g_cm3 = s.mean;
            a.sd_g_cm3 = sd_or_default(s);
            a.level = WoodDensityLevel::plot_mean;
            a.n_records = s.n;
        } else if (site_stats.n > 0) {
            a.value_g_cm3 = site_stats.mean;
            a.sd_g_cm3 = sd_or_default(site_stats);
            a.level = WoodDensityLevel::site_mean;
            a.n_records = site_stats.n;
        }
    }
    return out;
}

}  // namespace bluecarbon::science::survey
