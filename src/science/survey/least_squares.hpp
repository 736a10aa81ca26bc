#pragma once
// Ordinary least squares for the survey models (height–diameter fit, core extrapolation, biomass calibration).
// Private to src/science: Eigen stays inside least_squares.cpp.
#include <cstddef>
#include <optional>
#include <vector>

namespace bluecarbon::science::survey::detail {

struct OlsFit {
    std::vector<double> coefficients;  // one per design column
    double rss{0};                     // residual sum of squares
    std::size_t n{0};
    std::size_t p{0};
    // (XᵀX)⁻¹, row-major p × p, for standard errors of predictions.
    std::vector<double> xtx_inverse;

    // Residual standard error sqrt(RSS / (n − p)); NaN when n ≤ p.
    [[nodiscard]] double rse() const noexcept;
    // x₀ᵀ β for a design row x₀ (size p).
    [[nodiscard]] double predict(const std::vector<double>& x0) const;
    // Standard error of the fitted mean at x₀: rse · sqrt(x₀ᵀ (XᵀX)⁻¹ x₀); NaN when n ≤ p.
    [[nodiscard]] double se_fit(const std::vector<double>& x0) const;
};

// Fits y = X β by least squares (column-pivoting QR). `design` is row-major n × p. Returns nullopt when the design
// is rank-deficient (fewer than p independent rows) or n < p.
[[nodiscard]] std::optional<OlsFit> ols(const std::vector<double>& design, const std::vector<double>& y,
                                        std::size_t p);

}  // namespace bluecarbon::science::survey::detail
