#pragma once
/// Deterministic noise for the sample generator: every value is a pure function of integer lattice
/// coordinates and a seed (a 64-bit integer hash, not std::rand), so a pixel's value does not depend on which
/// tile or thread computes it, nor on the platform's random number library.
#include <cmath>
#include <cstdint>

namespace bluecarbon::sample::noise {

/// SplitMix64's finaliser: a bijective 64-bit mixer with good avalanche.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// A uniform value in [0, 1) for lattice point (i, j) and stream `seed` (53 random bits, exact in a double).
[[nodiscard]] constexpr double hash01(std::int64_t i, std::int64_t j, std::uint64_t seed) noexcept {
    const std::uint64_t h =
        mix64(mix64(static_cast<std::uint64_t>(i) ^ (seed * 0xD1B54A32D192ED03ULL)) + static_cast<std::uint64_t>(j));
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

/// A uniform value in [-1, 1).
[[nodiscard]] constexpr double hash_signed(std::int64_t i, std::int64_t j, std::uint64_t seed) noexcept {
    return 2.0 * hash01(i, j, seed) - 1.0;
}

[[nodiscard]] constexpr double smoothstep(double t) noexcept {
    return t * t * (3.0 - 2.0 * t);
}

/// Smooth value noise in [-1, 1]: random values on a square lattice of `cell` metres, blended with a
/// smoothstep so the field is continuous with continuous slope.
[[nodiscard]] inline double value2(double x, double y, double cell, std::uint64_t seed) noexcept {
    const double fx = x / cell, fy = y / cell;
    const double x0 = std::floor(fx), y0 = std::floor(fy);
    const auto i = static_cast<std::int64_t>(x0), j = static_cast<std::int64_t>(y0);
    const double sx = smoothstep(fx - x0), sy = smoothstep(fy - y0);
    const double a = hash_signed(i, j, seed), b = hash_signed(i + 1, j, seed);
    const double c = hash_signed(i, j + 1, seed), d = hash_signed(i + 1, j + 1, seed);
    const double top = a + (b - a) * sx, bottom = c + (d - c) * sx;
    return top + (bottom - top) * sy;
}

/// One-dimensional value noise in [-1, 1].
[[nodiscard]] inline double value1(double t, double cell, std::uint64_t seed) noexcept {
    const double f = t / cell, f0 = std::floor(f);
    const auto i = static_cast<std::int64_t>(f0);
    const double s = smoothstep(f - f0);
    const double a = hash_signed(i, 0, seed), b = hash_signed(i + 1, 0, seed);
    return a + (b - a) * s;
}

/// Fractal (multi-octave) value noise in [-1, 1]: octave k has cell / 2^k and weight 1 / 2^k.
[[nodiscard]] inline double fbm2(double x, double y, double cell, int octaves, std::uint64_t seed) noexcept {
    double sum = 0.0, weight = 1.0, total = 0.0;
    for (int k = 0; k < octaves; ++k) {
        sum += weight * value2(x, y, cell, seed + static_cast<std::uint64_t>(k) * 7919U);
        total += weight;
        weight *= 0.5;
        cell *= 0.5;
    }
    return sum / total;
}

}  // namespace bluecarbon::sample::noise
