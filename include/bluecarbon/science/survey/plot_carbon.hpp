#pragma once
/// Tree plots → per-tree biomass and per-plot biomass and carbon density (Mg/ha), with Monte-Carlo uncertainty.
///
/// Per tree (one row per stem; a multi-stemmed tree has one row per stem_id):
///   * height: measured, else the plot's height–diameter fit (≥ height_min_trees measured live trees), else the
///     site fit (all plots), else the plot's regional Weibull curve, else Chave's E curve (plot chave_e), else none;
///   * wood density: measured → GWDD species → genus → family → plot mean → site mean (wood_density.hpp);
///   * AGB equation: species → genus → default (allometry.hpp). The default is the named equation, or with
///     "auto": Komiyama's common mangrove equation for mangrove plots; else Chave 2014's Eq. 7 (E form, BIOMASS's
///     refit) when the plot has chave_e and none of its stems has a measured height (BIOMASS's choice: an E-based
///     height error must not be carried into Eq. 4); else Chave 2014 Eq. 4 with the measured or modelled height;
///     else Eq. 7 when the plot has chave_e. Modelled heights with Eq. 4 on such a plot only when asked for (a
///     named default equation, "chave2014");
///   * BGB: a species/genus root equation, else Komiyama's common root equation for mangroves, else AGB × the
///     Tier-1 root:shoot ratio (mangrove by climate zone, 0.26 for other habitats);
///   * expansion factor (trees per ha one stem stands for): 10000 / the plot area, or with a nested design
///     10000 / the area of the stem's size class.
/// Per plot: Σ mass × expansion factor / 1000 → Mg/ha; carbon = AGB × its carbon fraction (0.45 mangrove, WS2013
/// Table 4.2; 0.4713 otherwise, Thomas & Martin 2012 as BIOMASS) + BGB × the root fraction (mangrove roots 0.39,
/// Kauffman & Donato 2012; otherwise the AGB fraction). Dead stems (status "dead") are excluded from AGB, BGB and carbon by default and reported as
/// dead_agb_mg_ha; DeadTreeRule::include counts them like live stems.
///
/// Monte Carlo (≥ 1000 draws by default), per stem and draw: D ~ N(D, (0.0062 D + 0.0904)²) truncated to
/// [0.1, 500] cm (Chave et al. 2004; BIOMASS's "chave2004" also gives 5 % of the trees σ = 4.64 cm, which this
/// tool does not); ρ ~ N(ρ, σρ²) truncated to [0.08, 1.39] g/cm³ (BIOMASS's bounds) with σρ from the database
/// records or 10 %; a modelled height ~ Ĥ(D) · exp(σ_H z − σ_H²/2) (σ_H the model's RSE on the ln scale), or
/// N(Ĥ, RSE²) truncated to [1.3 m, the plot's highest height + 15 m] for an RSE in metres (measured heights are
/// fixed); the carbon fraction ~ N(f, σ_f²) per stem and draw (0.4713 ± 0.0206 as BIOMASS; mangrove 0.45 ± 0.0102
/// from the Tier-1 row's interval; the mangrove root fraction has no error); the allometric residual multiplies the mass by exp(σ z − σ²/2) with σ the equation's RSE or 0.357
/// (Chave et al. 2014), a mean-one factor so the Monte-Carlo mean estimates the same quantity as the
/// deterministic value. Random numbers are keyed by (seed, plot id, draw, stem, variable): results are
/// bit-identical for any thread count. The root:shoot ratio carries no error, and the equations' coefficients
/// are fixed (BIOMASS draws Chave's from their posterior).
///
/// Plain C++ on in-memory records (no files). Thread-safe; compute_tree_survey() may run plots in parallel
/// through the ParallelFor it is given.
#include <bluecarbon/science/survey/allometry.hpp>
#include <bluecarbon/science/survey/height_model.hpp>
#include <bluecarbon/science/survey/monte_carlo.hpp>
#include <bluecarbon/science/survey/wood_density.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science::survey {

enum class TreeStatus : std::uint8_t { live, dead };

/// One stem from the trees table.
struct TreeRecord {
    std::string plot_id;
    std::string tree_id;
    std::string stem_id;  ///< empty for single-stemmed trees
    std::string species;  ///< as written ("Kandelia obovata")
    std::string family;   ///< optional, helps the wood-density fallback for genera the database lacks
    double dbh_cm{0};
    std::optional<double> height_m;
    std::optional<double> wood_density_g_cm3;
    std::optional<double> d01_cm;  ///< diameter at a tenth of the height (Kandelia, Khan et al. 2005)
    TreeStatus status{TreeStatus::live};
    std::size_t line{0};  ///< source line, for messages
};

/// A nested-plot size class: stems with D ≥ min_dbh_cm (and below the next class) were measured in area_m2.
struct SizeClass {
    double min_dbh_cm{0};
    double area_m2{0};
};

/// Parses "min:area;min:area;..." (e.g. "0:50;5:400;20:1000"). Thresholds must increase strictly, start at ≥ 0,
/// and areas must be > 0. Throws std::invalid_argument describing the fault.
[[nodiscard]] std::vector<SizeClass> parse_nested(std::string_view spec);

enum class Climate : std::uint8_t { tropical_wet, tropical_dry, subtropical };
[[nodiscard]] std::string_view climate_name(Climate c) noexcept;
/// Parses "tropical_wet", "tropical-dry", "subtropical" (case-insensitive); nullopt when unknown.
[[nodiscard]] std::optional<Climate> parse_climate(std::string_view name) noexcept;

/// One plot from the plots table.
struct PlotRecord {
    std::string plot_id;
    double area_m2{0};
    std::optional<double> lon, lat;
    std::optional<double> chave_e;
    std::string habitat;                 ///< lower case; empty: the options' default
    std::optional<Climate> climate;      ///< empty: the options' default
    std::string height_region;           ///< a row of the regional height table; empty: the options' default
    std::vector<SizeClass> nested;       ///< empty: every stem was measured in area_m2
    std::size_t line{0};
};

/// Trees per hectare one stem of diameter D stands for; nullopt when D is below the smallest nested class.
[[nodiscard]] std::optional<double> expansion_factor_per_ha(const PlotRecord& plot, double dbh_cm) noexcept;

/// Tier-1 defaults (SCIENCE.md §3). Another module ships data/tier1_*.csv for the stock maps; these are the
/// survey's own documented defaults, overridable from the CLI.
struct CarbonDefaults {
    double carbon_fraction_mangrove{0.45};     ///< IPCC 2013 Wetlands Supplement Table 4.2 (data/tier1_pools.csv)
    /// σ of the mangrove fraction: the Tier-1 row's interval 0.43–0.47 (marked (verify) there) taken as a 95 %
    /// interval, 0.04 / 3.92.
    double carbon_fraction_mangrove_sd{0.04 / 3.92};
    double carbon_fraction_other{0.4713};      ///< Thomas & Martin 2012 (tropical angiosperm stems), as BIOMASS
    double carbon_fraction_other_sd{0.0206};   ///< BIOMASS's AGBmonteCarlo: 47.13 ± 2.06 %
    /// Mangrove roots: 0.39 for root biomass, Kauffman & Donato 2012 (CIFOR Working Paper 86; page not read
    /// here: verify); no interval is given, so it carries no error. Other habitats' roots take the AGB fraction (and its draw).
    double root_carbon_fraction_mangrove{0.39};
    double root_shoot_tropical_wet{0.49};      ///< mangrove, Wetlands Supplement Table 4.5
    double root_shoot_tropical_dry{0.29};      ///< mangrove, Table 4.5
    double root_shoot_subtropical{0.96};       ///< mangrove, Table 4.5
    double root_shoot_other{0.26};             ///< forest fallback, Mokany et al. 2006
    /// Overrides every habitat, for AGB and BGB (unless root_carbon_fraction is given); with no error unless
    /// carbon_fraction_sd is given.
    std::optional<double> carbon_fraction;
    std::optional<double> carbon_fraction_sd;  ///< σ of the override
    std::optional<double> root_carbon_fraction;  ///< overrides the BGB fraction of every habitat (no error)
    std::optional<double> root_shoot;          ///< overrides every habitat and climate
};
/// The AGB carbon fraction of a habitat, its σ (Monte Carlo), and the BGB fraction (drawn with the AGB fraction
/// when `bgb_follows_agb`).
struct CarbonFraction {
    double agb{0};
    double agb_sd{0};
    double bgb{0};
    bool bgb_follows_agb{true};
};
[[nodiscard]] CarbonFraction carbon_fractions_for(std::string_view habitat, const CarbonDefaults& d) noexcept;
/// The AGB carbon fraction of a habitat (carbon_fractions_for(...).agb).
[[nodiscard]] double carbon_fraction_for(std::string_view habitat, const CarbonDefaults& d) noexcept;
[[nodiscard]] double root_shoot_for(std::string_view habitat, Climate climate, const CarbonDefaults& d) noexcept;

enum class BgbMethod : std::uint8_t {
    automatic,  ///< root equation when one applies, else root:shoot
    root_shoot, ///< root:shoot ratio for every stem
};
enum class DeadTreeRule : std::uint8_t { exclude, include };
/// The rule as a sentence, written into the outputs.
[[nodiscard]] std::string dead_rule_text(DeadTreeRule rule);

struct TreeMonteCarloOptions {
    std::size_t draws{1000};  ///< 0: no Monte Carlo
    std::uint64_t seed{1};
    double dbh_sd_slope{0.0062};         ///< σ_D = slope · D + intercept (Chave et al. 2004)
    double dbh_sd_intercept_cm{0.0904};
    double default_residual_sd{0.357};   ///< ln-scale residual for equations without an rse (Chave et al. 2014)
    bool dbh_error{true};
    bool wood_density_error{true};
    bool height_error{true};
    bool residual_error{true};
    bool carbon_fraction_error{true};
};

struct TreeSurveyOptions {
    std::string default_equation{"auto"};  ///< "auto" or an AGB equation name in the table
    bool species_equations{true};          ///< false: the default equation for every stem
    BgbMethod bgb{BgbMethod::automatic};
    DeadTreeRule dead_trees{DeadTreeRule::exclude};
    std::string default_habitat{"mangrove"};
    Climate default_climate{Climate::subtropical};
    std::string default_height_region;     ///< regional curve for plots that name none (empty: none)
    CarbonDefaults carbon;
    std::size_t height_min_trees{10};      ///< measured live trees needed to fit a plot or site model
    WoodDensityOptions wood_density;
    TreeMonteCarloOptions monte_carlo;
};

struct TreeResult {
    std::size_t plot_index{0};
    double agb_kg{0};
    double bgb_kg{0};
    double height_m{std::numeric_limits<double>::quiet_NaN()};  ///< used (measured or modelled); NaN if none
    HeightSource height_source{HeightSource::none};
    WoodDensityAssignment wood_density;
    std::string equation;  ///< AGB equation name
    EquationLevel equation_level{EquationLevel::fallback};
    std::string equation_note;  ///< why a better-suited equation was not used, or how to measure D; empty: none
    std::string bgb_equation;  ///< BGB equation name, or "root_shoot"
    double root_shoot{std::numeric_limits<double>::quiet_NaN()};  ///< ratio used when bgb_equation == "root_shoot"
    double expansion_factor_per_ha{0};
    bool counted{true};  ///< enters agb/bgb/carbon totals (live, or dead under DeadTreeRule::include)
};

struct PlotResult {
    std::string plot_id;
    std::string habitat;
    Climate climate{Climate::subtropical};
    std::size_t n_trees{0};  ///< distinct counted tree ids (a multi-stemmed tree counts once)
    std::size_t n_stems{0};  ///< counted stem rows
    std::size_t n_dead{0};   ///< dead stem rows
    double agb_mg_ha{0};
    double bgb_mg_ha{0};
    double dead_agb_mg_ha{0};
    double carbon_mg_c_ha{0};
    double carbon_fraction{0};      ///< of AGB
    double carbon_fraction_sd{0};   ///< its σ in the Monte Carlo (drawn per stem and draw, as BIOMASS)
    double carbon_fraction_bgb{0};  ///< of BGB (mangrove roots 0.39)
    bool carbon_fraction_bgb_follows_agb{true};  ///< BGB takes the AGB fraction's draw
    double root_shoot{std::numeric_limits<double>::quiet_NaN()};  ///< ratio for stems without a root equation
    HeightSource height_model{HeightSource::none};                ///< model for this plot's unmeasured heights
    double height_model_rse{std::numeric_limits<double>::quiet_NaN()};  ///< its RSE (NaN: none)
    bool height_model_rse_in_metres{false};  ///< the RSE is in metres (regional curve), else on the ln scale
    std::size_t height_model_n{0};                                ///< trees it was fitted on (0: not fitted here)
    std::optional<LogQuadraticHeightFit> height_fit;              ///< the plot's own fit, when there is one
    McSummary agb_mc, bgb_mc, carbon_mc;                          ///< Mg/ha; draws = 0 when MC was off
};

struct TreeSurveyResult {
    std::vector<TreeResult> trees;  ///< input order
    std::vector<PlotResult> plots;  ///< input order
    std::optional<LogQuadraticHeightFit> site_height_fit;
    std::string dead_rule;
};

/// Computes the survey. `trees_source`/`plots_source` name the inputs in messages only. Throws InputError (with
/// the source and line) for a stem whose plot is unknown, a stem below its plot's smallest nested class, a stem no
/// equation can be evaluated for (e.g. Chave 2014 without any height), an unknown default equation or height
/// region. Records should have passed qa.hpp's checks first.
[[nodiscard]] TreeSurveyResult compute_tree_survey(std::span<const TreeRecord> trees,
                                                   std::span<const PlotRecord> plots, const AllometryTable& table,
                                                   const WoodDensityDatabase& wood_density,
                                                   std::span<const WeibullHeightCurve> height_curves,
                                                   const TreeSurveyOptions& options,
                                                   const ParallelFor& parallel = serial_for,
                                                   std::string_view trees_source = "trees",
                                                   std::string_view plots_source = "plots");

}  // namespace bluecarbon::science::survey
