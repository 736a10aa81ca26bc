#pragma once
// Private to run_calibration: predictors (indices or bands) sampled over a circle around each plot.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/science/indices.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::survey {

struct Predictor {
    std::string name;
    std::optional<science::Index> index;        // a spectral index
    std::optional<science::SpectralBand> band;  // or a reflectance band
};

/// Names normalised and deduplicated; RequestError("predictors", ...) for an unknown or no name.
[[nodiscard]] std::vector<Predictor> parse_predictors(const std::vector<std::string>& names);

struct PlotPredictors {
    std::vector<double> values;  // per predictor; NaN when no valid cell
    double valid_fraction{0};    // least share of the circle's cells valid for any predictor
};

/// Samples `predictors` from one project input. The circle around (lon, lat) is read, through a GDAL warp with
/// nearest-neighbour resampling, onto a 32 x 32 lon/lat lattice over its bounding box; each predictor is the
/// mean over the cells whose centres fall inside the circle.
class PlotSampler {
public:
    /// ConfigError naming the input when a band the predictors need is not among its named bands.
    PlotSampler(const config::RasterInput& input, std::vector<Predictor> predictors);
    /// GridMismatchError when the circle lies outside the input.
    [[nodiscard]] PlotPredictors sample(double lon, double lat, double radius_m) const;
    [[nodiscard]] const std::vector<Predictor>& predictors() const noexcept { return m_predictors; }

private:
    const config::RasterInput& m_input;
    std::vector<Predictor> m_predictors;
    std::map<science::SpectralBand, std::size_t> m_band_slot;
    RasterSourceOptions m_options;
    CrsInfo m_wgs84;
};

}  // namespace bluecarbon::pipeline::survey
