#pragma once
/// Allometric equations (SCIENCE.md §4): tree dry mass from diameter D, height H, wood density ρ and, for
/// Chave et al. 2014's height-free model, the environmental stress index E. An AllometryTable holds the
/// equations (the shipped data/allometry.csv plus user rows) and picks one per tree: species → genus → default.
///
/// Units at the interface are fixed: D in cm (diameter at breast height), H in m, ρ in g/cm³ (oven-dry mass over
/// green volume), result in kg dry mass per stem. An equation fitted in other units declares them (`units`),
/// and evaluate_kg() converts. Plain C++, no files; all functions are thread-safe.
#include <bluecarbon/science/survey/taxon.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science::survey {

/// Above-ground or below-ground (roots) biomass.
enum class Component : std::uint8_t { agb, bgb };

/// The functional forms an equation row can take (a..e are the row's coefficients).
enum class AllometryForm : std::uint8_t {
    chave2014,    ///< a · (ρ · H · D²)^b                               (needs ρ and H)
    exp_e,        ///< exp(a + b·E + c·ln ρ + d·ln D + e·(ln D)²)       (needs ρ and E)
    rho_power,    ///< a · ρ^c · D^b                                    (needs ρ)
    power,        ///< a · D^b
    log10_power,  ///< 10^(a + b·log10 D)
    ln_power,     ///< exp(a + b·ln D)
    d2h_power,    ///< a · (D² · H)^b                                   (needs H)
    sqrt_linear,  ///< (a + b·D)², 0 where a + b·D < 0
};

/// "chave2014", "exp_e", ... (the `form` column of the table).
[[nodiscard]] std::string_view form_name(AllometryForm form) noexcept;
/// Parses a form name (case-insensitive); nullopt when unknown.
[[nodiscard]] std::optional<AllometryForm> parse_form(std::string_view name) noexcept;
/// "AGB" or "BGB".
[[nodiscard]] std::string_view component_name(Component c) noexcept;
/// Parses "AGB"/"BGB" (case-insensitive; "roots" is accepted for BGB); nullopt when unknown.
[[nodiscard]] std::optional<Component> parse_component(std::string_view name) noexcept;

/// The stem diameter an equation was fitted on: DBH (1.3 m), or D0.1 (at a tenth of the tree's height, as Khan
/// et al. 2005 for Kandelia). An equation on D0.1 is chosen only for stems with a measured d01_cm.
enum class DiameterKind : std::uint8_t { dbh, d01 };
/// "dbh" or "d0.1".
[[nodiscard]] std::string_view diameter_kind_name(DiameterKind kind) noexcept;
/// Parses "dbh", "d0.1" or "d01" (case-insensitive); nullopt when unknown.
[[nodiscard]] std::optional<DiameterKind> parse_diameter_kind(std::string_view name) noexcept;

/// The units an equation was fitted in, as multipliers from the interface units.
struct AllometryUnits {
    double kg_per_output{1.0};  ///< output mass unit → kg (kg 1, g 0.001, Mg or t 1000)
    double d_per_cm{1.0};       ///< cm → the equation's D unit (cm 1, mm 10, m 0.01)
    double h_per_m{1.0};        ///< m → the equation's H unit (m 1, cm 100)
};
/// Parses "mass;dbh;height" such as "kg;cm;m" or "g;mm;cm" (height may be omitted: "kg;cm"). Throws
/// std::invalid_argument naming the unknown unit.
[[nodiscard]] AllometryUnits parse_allometry_units(std::string_view text);

/// One equation row.
struct AllometricEquation {
    std::string name;     ///< unique id, e.g. "chave2014", "komiyama"; recorded per tree
    std::string species;  ///< "genus epithet" (lower case) for a species equation, else empty
    std::string genus;    ///< lower case; for a genus equation (species empty) or informative on species rows
    Component component{Component::agb};
    AllometryForm form{AllometryForm::power};
    double a{0}, b{0}, c{0}, d{0}, e{0};
    /// Residual standard error on the natural-log scale, when the source reports one (Monte Carlo uses it).
    std::optional<double> rse;
    AllometryUnits units;
    std::string units_text{"kg;cm;m"};
    DiameterKind diameter{DiameterKind::dbh};  ///< D in the formula: evaluate_kg() takes it as dbh_cm
    std::string source;  ///< citation, and any doubt about form or units

    [[nodiscard]] bool needs_height() const noexcept;
    [[nodiscard]] bool needs_wood_density() const noexcept;
    [[nodiscard]] bool needs_chave_e() const noexcept;
    /// Throws std::invalid_argument (naming the equation) for non-finite coefficients, a negative rse or a
    /// power form with a ≤ 0.
    void validate() const;
};

/// What a tree provides to an equation; NaN means "not available".
struct AllometryInputs {
    double dbh_cm{std::numeric_limits<double>::quiet_NaN()};
    double height_m{std::numeric_limits<double>::quiet_NaN()};
    double wood_density_g_cm3{std::numeric_limits<double>::quiet_NaN()};
    double chave_e{std::numeric_limits<double>::quiet_NaN()};
};

/// Dry mass in kg. Throws std::invalid_argument naming the equation and the missing input when an input the form
/// needs is NaN, or when D, H or ρ is not positive.
[[nodiscard]] double evaluate_kg(const AllometricEquation& eq, const AllometryInputs& in);

/// Where a tree's equation came from.
enum class EquationLevel : std::uint8_t {
    species,  ///< a row for the tree's species
    genus,    ///< a genus row, or else a row for another species of the same genus
    fallback, ///< the default equation (project or habitat default)
};
[[nodiscard]] std::string_view equation_level_name(EquationLevel level) noexcept;

/// Which inputs a tree can offer (a height may be measured or modelled).
struct InputAvailability {
    bool height{false};
    bool wood_density{false};
    bool chave_e{false};
    bool d01{false};  ///< a measured D0.1 (d01_cm)
};

struct EquationChoice {
    const AllometricEquation* equation{nullptr};
    EquationLevel level{EquationLevel::fallback};
};

class AllometryTable {
  public:
    /// Adds an equation after validate(); throws std::invalid_argument for a duplicate name.
    void add(AllometricEquation eq);
    [[nodiscard]] const std::vector<AllometricEquation>& equations() const noexcept { return m_equations; }
    [[nodiscard]] bool empty() const noexcept { return m_equations.empty(); }
    /// The equation named `name` (case-insensitive), or nullptr.
    [[nodiscard]] const AllometricEquation* find(std::string_view name) const noexcept;

    /// Species → genus choice for `taxon` and `component`, skipping rows whose inputs the tree cannot offer. The
    /// genus step takes a genus row first, else the first row of another species of the same genus. nullopt when
    /// neither matches (the caller then applies its default). Table order breaks ties.
    [[nodiscard]] std::optional<EquationChoice> choose(const Taxon& taxon, Component component,
                                                       const InputAvailability& available) const noexcept;

  private:
    std::vector<AllometricEquation> m_equations;
};

/// True when the tree can offer every input `eq` needs.
[[nodiscard]] bool can_evaluate(const AllometricEquation& eq, const InputAvailability& available) noexcept;

}  // namespace bluecarbon::science::survey
