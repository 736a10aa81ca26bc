#include <bluecarbon/science/survey/allometry.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>

namespace bluecarbon::science::survey {

namespace {

constexpr std::array<std::pair<AllometryForm, std::string_view>, 8> k_forms{{
    {AllometryForm::chave2014, "chave2014"},
    {AllometryForm::exp_e, "exp_e"},
    {AllometryForm::rho_power, "rho_power"},
    {AllometryForm::power, "power"},
    {AllometryForm::log10_power, "log10_power"},
    {AllometryForm::ln_power, "ln_power"},
    {AllometryForm::d2h_power, "d2h_power"},
    {AllometryForm::sqrt_linear, "sqrt_linear"},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

[[noreturn]] void missing(const AllometricEquation& eq, std::string_view what) {
    throw std::invalid_argument("equation '" + eq.name + "' needs " + std::string(what));
}

}  // namespace

std::string_view form_name(AllometryForm form) noexcept {
    for (const auto& [f, n] : k_forms)
        if (f == form) return n;
    return "?";
}

std::optional<AllometryForm> parse_form(std::string_view name) noexcept {
    name = trim(name);
    for (const auto& [f, n] : k_forms)
        if (iequals(n, name)) return f;
    return std::nullopt;
}

std::string_view component_name(Component c) noexcept { return c == Component::agb ? "AGB" : "BGB"; }

std::optional<Component> parse_component(std::string_view name) noexcept {
    name = trim(name);
    if (iequals(name, "AGB")) return Component::agb;
    if (iequals(name, "BGB") || iequals(name, "roots")) return Component::bgb;
    return std::nullopt;
}

AllometryUnits parse_allometry_units(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto pos = text.find(';', start);
        parts.push_back(trim(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    if (parts.size() < 2 || parts.size() > 3)
        throw std::invalid_argument("units '" + std::string(text) +
                                    "': expected mass;dbh[;height], e.g. \"kg;cm;m\"");
    AllometryUnits u;
    const auto mass = parts[0];
    if (iequals(mass, "kg")) u.kg_per_output = 1.0;
    else if (iequals(mass, "g")) u.kg_per_output = 0.001;
    else if (iequals(mass, "Mg") || iequals(mass, "t")) u.kg_per_output = 1000.0;
    else throw std::invalid_argument("units: unknown mass unit '" + std::string(mass) + "' (kg, g, Mg or t)");
    const auto dbh = parts[1];
    if (iequals(dbh, "cm")) u.d_per_cm = 1.0;
    else if (iequals(dbh, "mm")) u.d_per_cm = 10.0;
    else if (iequals(dbh, "m")) u.d_per_cm = 0.01;
    else throw std::invalid_argument("units: unknown diameter unit '" + std::string(dbh) + "' (cm, mm or m)");
    if (parts.size() == 3 && !parts[2].empty()) {
        const auto h = parts[2];
        if (iequals(h, "m")) u.h_per_m = 1.0;
        else if (iequals(h, "cm")) u.h_per_m = 100.0;
        else if (iequals(h, "dm")) u.h_per_m = 10.0;
        else throw std::invalid_argument("units: unknown height unit '" + std::string(h) + "' (m, dm or cm)");
    }
    return u;
}

bool AllometricEquation::needs_height() const noexcept {
    return form == AllometryForm::chave2014 || form == AllometryForm::d2h_power;
}

bool AllometricEquation::needs_wood_density() const noexcept {
    return form == AllometryForm::chave2014 || form == AllometryForm::exp_e || form == AllometryForm::rho_power;
}

bool AllometricEquation::needs_chave_e() const noexcept { return form == AllometryForm::exp_e; }

void AllometricEquation::validate() const {
    if (name.empty()) throw std::invalid_argument("an equation has no name");
    for (double v : {a, b, c, d, e})
        if (!std::isfinite(v)) throw std::invalid_argument("equation '" + name + "': a coefficient is not finite");
    if (rse && (!std::isfinite(*rse) || *rse < 0.0))
        throw std::invalid_argument("equation '" + name + "': rse must be a number ≥ 0");
    const bool multiplicative = form == AllometryForm::chave2014 || form == AllometryForm::rho_power ||
                                form == AllometryForm::power || form == AllometryForm::d2h_power;
    if (multiplicative && a <= 0.0)
        throw std::invalid_argument("equation '" + name + "': form " + std::string(form_name(form)) +
                                    " needs a > 0");
}

double evaluate_kg(const AllometricEquation& eq, const AllometryInputs& in) {
    if (std::isnan(in.dbh_cm)) missing(eq, "a diameter");
    if (!(in.dbh_cm > 0.0)) throw std::invalid_argument("equation '" + eq.name + "': diameter must be > 0");
    const double D = in.dbh_cm * eq.units.d_per_cm;
    double H = std::numeric_limits<double>::quiet_NaN();
    double rho = std::numeric_limits<double>::quiet_NaN();
    if (eq.needs_height()) {
        if (std::isnan(in.height_m)) missing(eq, "a height");
        if (!(in.height_m > 0.0)) throw std::invalid_argument("equation '" + eq.name + "': height must be > 0");
        H = in.height_m * eq.units.h_per_m;
    }
    if (eq.needs_wood_density()) {
        if (std::isnan(in.wood_density_g_cm3)) missing(eq, "a wood density");
        if (!(in.wood_density_g_cm3 > 0.0))
            throw std::invalid_argument("equation '" + eq.name + "': wood density must be > 0");
        rho = in.wood_density_g_cm3;
    }
    if (eq.needs_chave_e() && std::isnan(in.chave_e)) missing(eq, "the plot's chave_e (environmental stress E)");

    double m = 0.0;
    switch (eq.form) {
    case AllometryForm::chave2014: m = eq.a * std::pow(rho * H * D * D, eq.b); break;
    case AllometryForm::exp_e: {
        const double lnD = std::log(D);
        m = std::exp(eq.a + eq.b * in.chave_e + eq.c * std::log(rho) + eq.d * lnD + eq.e * lnD * lnD);
        break;
    }
    case AllometryForm::rho_power: m = eq.a * std::pow(rho, eq.c) * std::pow(D, eq.b); break;
    case AllometryForm::power: m = eq.a * std::pow(D, eq.b); break;
    case AllometryForm::log10_power: m = std::pow(10.0, eq.a + eq.b * std::log10(D)); break;
    case AllometryForm::ln_power: m = std::exp(eq.a + eq.b * std::log(D)); break;
    case AllometryForm::d2h_power: m = eq.a * std::pow(D * D * H, eq.b); break;
    case AllometryForm::sqrt_linear: {
        const double r = eq.a + eq.b * D;
        m = r > 0.0 ? r * r : 0.0;
        break;
    }
    }
    return m * eq.units.kg_per_output;
}

std::string_view equation_level_name(EquationLevel level) noexcept {
    switch (level) {
    case EquationLevel::species: return "species";
    case EquationLevel::genus: return "genus";
    case EquationLevel::fallback: return "default";
    }
    return "?";
}

bool can_evaluate(const AllometricEquation& eq, const InputAvailability& available) noexcept {
    return (!eq.needs_height() || available.height) && (!eq.needs_wood_density() || available.wood_density) &&
           (!eq.needs_chave_e() || available.chave_e) && (eq.diameter != DiameterKind::d01 || available.d01);
}

std::string_view diameter_kind_name(DiameterKind kind) noexcept { return kind == DiameterKind::d01 ? "d0.1" : "dbh"; }

std::optional<DiameterKind> parse_diameter_kind(std::string_view name) noexcept {
    const auto n = normalize_name(name);
    if (n == "dbh") return DiameterKind::dbh;
    if (n == "d0.1" || n == "d01") return DiameterKind::d01;
    return std::nullopt;
}

void AllometryTable::add(AllometricEquation eq) {
    eq.validate();
    if (find(eq.name)) throw std::invalid_argument("equation '" + eq.name + "' is defined twice");
    m_equations.push_back(std::move(eq));
}

const AllometricEquation* AllometryTable::find(std::string_view name) const noexcept {
    for (const auto& eq : m_equations)
        if (iequals(eq.name, trim(name))) return &eq;
    return nullptr;
}

std::optional<EquationChoice> AllometryTable::choose(const Taxon& taxon, Component component,
                                                     const InputAvailability& available) const noexcept {
    if (!taxon.has_genus()) return std::nullopt;
    if (taxon.has_species()) {
        const std::string key = taxon.key();
        for (const auto& eq : m_equations)
            if (eq.component == component && eq.species == key && can_evaluate(eq, available))
                return EquationChoice{&eq, EquationLevel::species};
    }
    for (const auto& eq : m_equations)
        if (eq.component == component && eq.species.empty() && eq.genus == taxon.genus &&
            can_evaluate(eq, available))
            return EquationChoice{&eq, EquationLevel::genus};
    // A congener's equation: the species' own genus rows are absent, so the nearest relative in the table is used.
    for (const auto& eq : m_equations)
        if (eq.component == component && !eq.species.empty() && eq.genus == taxon.genus &&
            can_evaluate(eq, available))
            return EquationChoice{&eq, EquationLevel::genus};
    return std::nullopt;
}

}  // namespace bluecarbon::science::survey
