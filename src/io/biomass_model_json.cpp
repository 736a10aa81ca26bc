#include <bluecarbon/io/biomass_model_json.hpp>

#include <bluecarbon/error.hpp>
#include <bluecarbon/science/habitat.hpp>

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace bluecarbon {

namespace {

namespace ss = science::survey;
using ojson = nlohmann::ordered_json;

ojson num_or_null(double v) { return std::isfinite(v) ? ojson(v) : ojson(nullptr); }

[[noreturn]] void fail(const std::string& source, const std::string& key, const std::string& what) {
    throw InputError(fmt::format("{}: {}: {}", source, key, what));
}

const nlohmann::json& need(const nlohmann::json& j, const std::string& source, const std::string& key) {
    const auto it = j.find(key);
    if (it == j.end()) fail(source, key, "missing (is this a biomass_model.json from `bluecarbon survey calibrate`?)");
    return *it;
}

double number(const nlohmann::json& j, const std::string& source, const std::string& key) {
    const auto& v = need(j, source, key);
    if (!v.is_number()) fail(source, key, "must be a number, got " + v.dump());
    return v.get<double>();
}

std::vector<double> numbers(const nlohmann::json& j, const std::string& source, const std::string& key) {
    const auto& v = need(j, source, key);
    if (!v.is_array()) fail(source, key, "must be an array of numbers");
    std::vector<double> out;
    for (const auto& e : v) {
        if (!e.is_number()) fail(source, key, "must be an array of numbers, got " + e.dump());
        out.push_back(e.get<double>());
    }
    return out;
}

std::vector<std::string> strings(const nlohmann::json& j, const std::string& source, const std::string& key) {
    const auto& v = need(j, source, key);
    if (!v.is_array()) fail(source, key, "must be an array of names");
    std::vector<std::string> out;
    for (const auto& e : v) {
        if (!e.is_string()) fail(source, key, "must be an array of names, got " + e.dump());
        out.push_back(e.get<std::string>());
    }
    return out;
}

}  // namespace

void write_biomass_model(ojson& j, const ss::BiomassModelFit& m) {
    j["form"] = ss::model_form_name(m.form);
    if (m.form == ss::ModelForm::log) {
        j["formula"] = "AGB_t_dm_per_ha = exp(log_intercept + sum(log_coefficients[j] * predictors[j]) + "
                       "residual_sigma^2 / 2)";
        j["predictors"] = m.predictors;
        j["log_intercept"] = m.intercept;
        j["log_coefficients"] = m.coefficients;
        j["residual_sigma"] = num_or_null(m.residual_sigma);
        j["residual_sigma_scale"] = "ln";
    } else {
        j["formula"] = "AGB_t_dm_per_ha = max(0, intercept + sum(coefficients[j] * predictors[j]))";
        j["predictors"] = m.predictors;
        j["intercept"] = m.intercept;
        j["coefficients"] = m.coefficients;
        j["residual_sigma"] = num_or_null(m.residual_sigma);
        j["residual_sigma_scale"] = "t_dm_per_ha";
    }
    j["cv_rmse"] = num_or_null(m.cv_rmse_t_dm_per_ha);
    j["cv_r2"] = num_or_null(m.cv_r2);
    j["cv_bias"] = num_or_null(m.cv_bias_t_dm_per_ha);
    j["fit_r2"] = num_or_null(m.fit_r2);
    j["k_folds"] = m.folds;
    j["n"] = m.n;
    j["habitats"] = ojson::array();
    for (auto h : m.habitats) j["habitats"].push_back(std::string(science::habitat_name(h)));
    j["excluded_plots"] = m.excluded;
}

ss::BiomassModelFit parse_biomass_model(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object()) throw InputError(source + ": not a biomass model (a JSON object is expected)");
    ss::BiomassModelFit m;
    const auto& form = need(j, source, "form");
    if (form == "log") {
        m.form = ss::ModelForm::log;
    } else if (form == "linear") {
        m.form = ss::ModelForm::linear;
    } else {
        fail(source, "form", "must be \"log\" or \"linear\", got " + form.dump());
    }
    const bool log = m.form == ss::ModelForm::log;
    m.predictors = strings(j, source, "predictors");
    m.intercept = number(j, source, log ? "log_intercept" : "intercept");
    m.coefficients = numbers(j, source, log ? "log_coefficients" : "coefficients");
    m.residual_sigma = number(j, source, "residual_sigma");
    m.cv_rmse_t_dm_per_ha = number(j, source, "cv_rmse");
    for (const auto& name : strings(j, source, "habitats")) {
        const auto h = science::parse_habitat(name);
        if (!h) fail(source, "habitats", "unknown habitat \"" + name + "\" (" + science::habitat_name_list() + ")");
        if (!m.applies_to(*h)) m.habitats.push_back(*h);
    }
    // Descriptive fields, when present.
    auto optional_number = [&](const char* key, double& out) {
        if (const auto it = j.find(key); it != j.end() && it->is_number()) out = it->get<double>();
    };
    optional_number("cv_r2", m.cv_r2);
    optional_number("cv_bias", m.cv_bias_t_dm_per_ha);
    optional_number("fit_r2", m.fit_r2);
    if (const auto it = j.find("n"); it != j.end() && it->is_number_unsigned()) m.n = it->get<std::size_t>();
    if (const auto it = j.find("k_folds"); it != j.end() && it->is_number_unsigned())
        m.folds = it->get<std::size_t>();
    try {
        m.validate();
    } catch (const std::invalid_argument& e) {
        throw InputError(source + ": " + e.what());
    }
    return m;
}

ss::BiomassModelFit read_biomass_model(const std::filesystem::path& path) {
    std::ifstream f(path);
    if (!f) throw InputError(path.string() + ": cannot read the biomass model");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(f);
    } catch (const nlohmann::json::exception& e) {
        throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
    }
    return parse_biomass_model(j, path.string());
}

}  // namespace bluecarbon
