#include "sample/utm.hpp"

#include <cmath>
#include <numbers>

namespace bluecarbon::sample {

namespace {

constexpr double k_a = 6378137.0;             // WGS 84 semi-major axis [m]
constexpr double k_f = 1.0 / 298.257223563;   // WGS 84 flattening
constexpr double k_k0 = 0.9996;               // UTM scale on the central meridian
constexpr double k_false_easting = 500000.0;  // [m]
constexpr double k_deg = std::numbers::pi / 180.0;

struct Series {
    double n, e, A;
    double alpha[4], beta[4], delta[4];
};

Series make_series() noexcept {
    Series s{};
    const double n = k_f / (2.0 - k_f);
    const double n2 = n * n, n3 = n2 * n, n4 = n3 * n;
    s.n = n;
    s.e = 2.0 * std::sqrt(n) / (1.0 + n);  // first eccentricity
    s.A = k_a / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0);
    s.alpha[0] = n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0;
    s.alpha[1] = 13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0;
    s.alpha[2] = 61.0 * n3 / 240.0 - 103.0 * n4 / 140.0;
    s.alpha[3] = 49561.0 * n4 / 161280.0;
    s.beta[0] = n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0;
    s.beta[1] = n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0;
    s.beta[2] = 17.0 * n3 / 480.0 - 37.0 * n4 / 840.0;
    s.beta[3] = 4397.0 * n4 / 161280.0;
    s.delta[0] = 2.0 * n - 2.0 * n2 / 3.0 - 2.0 * n3 + 116.0 * n4 / 45.0;
    s.delta[1] = 7.0 * n2 / 3.0 - 8.0 * n3 / 5.0 - 227.0 * n4 / 45.0;
    s.delta[2] = 56.0 * n3 / 15.0 - 136.0 * n4 / 35.0;
    s.delta[3] = 4279.0 * n4 / 630.0;
    return s;
}

const Series& series() noexcept {
    static const Series s = make_series();
    return s;
}

double central_meridian_deg(int zone) noexcept {
    return -183.0 + 6.0 * zone;
}

}  // namespace

EastNorth utm_north_from_lonlat(LonLat p, int zone) noexcept {
    const Series& s = series();
    const double phi = p.lat_deg * k_deg;
    const double lam = (p.lon_deg - central_meridian_deg(zone)) * k_deg;
    // Conformal latitude via t = tan(chi).
    const double t = std::sinh(std::atanh(std::sin(phi)) - s.e * std::atanh(s.e * std::sin(phi)));
    const double xi_p = std::atan2(t, std::cos(lam));
    const double eta_p = std::atanh(std::sin(lam) / std::sqrt(1.0 + t * t));
    double xi = xi_p, eta = eta_p;
    for (int j = 1; j <= 4; ++j) {
        xi += s.alpha[j - 1] * std::sin(2.0 * j * xi_p) * std::cosh(2.0 * j * eta_p);
        eta += s.alpha[j - 1] * std::cos(2.0 * j * xi_p) * std::sinh(2.0 * j * eta_p);
    }
    return {k_false_easting + k_k0 * s.A * eta, k_k0 * s.A * xi};
}

LonLat lonlat_from_utm_north(EastNorth p, int zone) noexcept {
    const Series& s = series();
    const double xi = p.northing_m / (k_k0 * s.A);
    const double eta = (p.easting_m - k_false_easting) / (k_k0 * s.A);
    double xi_p = xi, eta_p = eta;
    for (int j = 1; j <= 4; ++j) {
        xi_p -= s.beta[j - 1] * std::sin(2.0 * j * xi) * std::cosh(2.0 * j * eta);
        eta_p -= s.beta[j - 1] * std::cos(2.0 * j * xi) * std::sinh(2.0 * j * eta);
    }
    const double chi = std::asin(std::sin(xi_p) / std::cosh(eta_p));
    double phi = chi;
    for (int j = 1; j <= 4; ++j)
        phi += s.delta[j - 1] * std::sin(2.0 * j * chi);
    const double lam = std::atan2(std::sinh(eta_p), std::cos(xi_p));
    return {central_meridian_deg(zone) + lam / k_deg, phi / k_deg};
}

}  // namespace bluecarbon::sample
