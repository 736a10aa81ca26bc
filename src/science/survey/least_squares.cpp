#include "science/survey/least_squares.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace bluecarbon::science::survey::detail {

double OlsFit::rse() const noexcept {
    if (n <= p) return std::numeric_limits<double>::quiet_NaN();
    return std::sqrt(rss / static_cast<double>(n - p));
}

double OlsFit::predict(const std::vector<double>& x0) const {
    if (x0.size() != p) throw std::invalid_argument("ols predict: design row has the wrong size");
    double v = 0;
    for (std::size_t j = 0; j < p; ++j) v += x0[j] * coefficients[j];
    return v;
}

double OlsFit::se_fit(const std::vector<double>& x0) const {
    if (x0.size() != p) throw std::invalid_argument("ols se_fit: design row has the wrong size");
    double q = 0;
    for (std::size_t i = 0; i < p; ++i)
        for (std::size_t j = 0; j < p; ++j) q += x0[i] * xtx_inverse[i * p + j] * x0[j];
    return rse() * std::sqrt(std::max(q, 0.0));
}

std::optional<OlsFit> ols(const std::vector<double>& design, const std::vector<double>& y, std::size_t p) {
    const std::size_t n = y.size();
    if (p == 0 || design.size() != n * p) throw std::invalid_argument("ols: design size does not match y");
    if (n < p) return std::nullopt;
    using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const Mat> X(design.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
    const Eigen::Map<const Eigen::VectorXd> Y(y.data(), static_cast<Eigen::Index>(n));

    Eigen::ColPivHouseholderQR<Mat> qr(X);
    // Rank threshold relative to the largest pivot: catches designs such as all-equal diameters.
    qr.setThreshold(1e-10);
    if (qr.rank() < static_cast<Eigen::Index>(p)) return std::nullopt;

    const Eigen::VectorXd beta = qr.solve(Y);
    const Eigen::VectorXd resid = Y - X * beta;

    OlsFit fit;
    fit.n = n;
    fit.p = p;
    fit.coefficients.assign(beta.data(), beta.data() + p);
    fit.rss = resid.squaredNorm();
    const Eigen::MatrixXd xtx = X.transpose() * X;
    const Eigen::MatrixXd inv = xtx.ldlt().solve(Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(p),
                                                                            static_cast<Eigen::Index>(p)));
    fit.xtx_inverse.resize(p * p);
    for (std::size_t i = 0; i < p; ++i)
        for (std::size_t j = 0; j < p; ++j)
            fit.xtx_inverse[i * p + j] = inv(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    return fit;
}

}  // namespace bluecarbon::science::survey::detail
