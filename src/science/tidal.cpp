#include <bluecarbon/science/tidal.hpp>

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace bluecarbon::science {

std::optional<std::string> tidal_datums_problem(const TidalDatums& d) {
    if (!std::isfinite(d.mllw_m) || !std::isfinite(d.mhhw_m) || !std::isfinite(d.hat_m))
        return std::string("tidal datums must be finite numbers");
    if (!(d.mllw_m < d.mhhw_m))
        return fmt::format("datums out of order: MLLW ({} m) must be below MHHW ({} m)", d.mllw_m, d.mhhw_m);
    if (!(d.mhhw_m <= d.hat_m))
        return fmt::format("datums out of order: MHHW ({} m) must not be above HAT ({} m)", d.mhhw_m, d.hat_m);
    return std::nullopt;
}

void classify_tidal(std::span<const float> height_above_geoid_m, std::span<const std::uint8_t> valid,
                    const TidalDatums& datums, std::span<std::uint8_t> out) {
    if (height_above_geoid_m.size() != valid.size() || valid.size() != out.size())
        throw std::invalid_argument("classify_tidal: spans of different lengths");
    const double lo = datums.mllw_m, hi = datums.hat_m;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double h = height_above_geoid_m[i];
        TidalZone z = TidalZone::none;
        if (valid[i] && std::isfinite(h))
            z = h < lo ? TidalZone::subtidal : (h <= hi ? TidalZone::intertidal : TidalZone::supratidal);
        out[i] = static_cast<std::uint8_t>(z);
    }
}

}  // namespace bluecarbon::science
