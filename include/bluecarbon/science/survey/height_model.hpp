#pragma once
/// Height–diameter models for trees whose height was not measured. D in cm, H in m. Plain C++; thread-safe.
///
/// 1. Local fit on measured trees (a plot's, or the whole site's):  ln H = b0 + b1 ln D + b2 (ln D)² + ε,
///    ε ~ N(0, σ²), fitted by least squares; σ is the residual standard error RSE = sqrt(RSS / (n − 3)).
///    Prediction back-transforms with the ½σ² correction: Ĥ = exp(b0 + b1 ln D + b2 (ln D)² + σ²/2), which is the
///    mean (not the median) of the log-normal height at D.
/// 2. Chave et al. 2014 (Global Change Biology 20:3177, Eq. 6a):  ln H = 0.893 − E + 0.760 ln D − 0.0340 (ln D)²,
///    RSE 0.243, back-transformed with the same ½σ² correction (as the BIOMASS R package does).
/// 3. A regional Weibull curve (Feldpausch et al. 2012, Biogeosciences 9:3381, Eq. 5): H = a (1 − exp(−b D^c)),
///    coefficients per region from a table (region, a, b, c, rse, rse_unit, source; data/height_regions.csv ships
///    Feldpausch's). Feldpausch publish their RSE in metres (rse_unit = m); a log-scale σ is rse_unit = log.
///
/// The Monte Carlo draws a modelled height as Ĥ(D) · exp(σ z − σ²/2), z ~ N(0, 1): log-normal with mean Ĥ(D);
/// with an RSE in metres, as BIOMASS's AGBmonteCarlo does for heights with errH: Ĥ(D) + σ z, a normal truncated
/// to [1.3 m, the plot's highest Ĥ + 15 m].
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bluecarbon::science::survey {

/// ln H = b0 + b1 ln D + b2 (ln D)² fitted on measured trees.
struct LogQuadraticHeightFit {
    double b0{0}, b1{0}, b2{0};
    double rse{0};  ///< residual standard error on the ln scale
    std::size_t n{0};
    double dbh_min_cm{0}, dbh_max_cm{0};

    /// exp(b0 + b1 ln D + b2 (ln D)²): the median height at D.
    [[nodiscard]] double median_m(double dbh_cm) const noexcept;
    /// median · exp(rse²/2): the mean height at D.
    [[nodiscard]] double predict_m(double dbh_cm) const noexcept;
};

/// Fits the log–log quadratic model. Pairs with a non-positive or non-finite D or H are ignored. nullopt when
/// fewer than 4 usable pairs remain (RSE needs n > 3) or the diameters cannot separate three coefficients
/// (fewer than 3 distinct values).
[[nodiscard]] std::optional<LogQuadraticHeightFit> fit_log_quadratic(std::span<const double> dbh_cm,
                                                                     std::span<const double> height_m);

/// Residual standard error of Chave et al. 2014 Eq. 6a (ln scale).
inline constexpr double k_chave_e_height_rse = 0.243;
/// Chave et al. 2014 Eq. 6a mean height (with the ½σ² correction) for diameter D and environmental stress E.
[[nodiscard]] double chave_e_height_m(double dbh_cm, double chave_e) noexcept;

/// One row of a regional Weibull height table.
struct WeibullHeightCurve {
    std::string region;
    double a{0}, b{0}, c{0};
    double rse{0};  ///< residual SD (for the Monte Carlo), in the unit below
    std::string source;
    bool rse_in_metres{false};  ///< rse_unit = m (Feldpausch's published RSE) | log (σ of ln H)
    [[nodiscard]] double predict_m(double dbh_cm) const noexcept;
};

/// Where a tree's height came from.
enum class HeightSource : std::uint8_t { measured, plot_model, site_model, regional, chave_e, none };
[[nodiscard]] std::string_view height_source_name(HeightSource source) noexcept;

/// The model used for a tree's missing height. Non-owning: `fit` and `curve` point into storage that outlives
/// the model (the survey's result).
struct HeightModel {
    HeightSource source{HeightSource::none};
    const LogQuadraticHeightFit* fit{nullptr};  ///< plot_model, site_model
    const WeibullHeightCurve* curve{nullptr};   ///< regional
    double chave_e{std::numeric_limits<double>::quiet_NaN()};

    [[nodiscard]] bool available() const noexcept { return source != HeightSource::none; }
    /// Mean height at D; NaN when no model is available.
    [[nodiscard]] double predict_m(double dbh_cm) const noexcept;
    /// Residual SD for the Monte Carlo (0 when none): on the ln scale, or in metres when rse_in_metres().
    [[nodiscard]] double rse() const noexcept;
    /// True for a regional curve whose RSE is in metres.
    [[nodiscard]] bool rse_in_metres() const noexcept {
        return source == HeightSource::regional && curve && curve->rse_in_metres;
    }
};

}  // namespace bluecarbon::science::survey
