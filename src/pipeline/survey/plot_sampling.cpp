#include "pipeline/survey/plot_sampling.hpp"

#include <bluecarbon/core/block.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/survey/taxon.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <set>

namespace bluecarbon::pipeline::survey {

namespace {

namespace ss = science::survey;

// Metres per degree of latitude and longitude at latitude φ on WGS 84 (standard series, error < 1 cm/degree).
double metres_per_degree_lat(double lat_deg) {
    const double p = lat_deg * std::numbers::pi / 180.0;
    return 111132.954 - 559.822 * std::cos(2 * p) + 1.175 * std::cos(4 * p);
}
double metres_per_degree_lon(double lat_deg) {
    const double p = lat_deg * std::numbers::pi / 180.0;
    return 111412.84 * std::cos(p) - 93.5 * std::cos(3 * p) + 0.118 * std::cos(5 * p);
}

constexpr std::int64_t k_lattice = 32;

}  // namespace

std::vector<Predictor> parse_predictors(const std::vector<std::string>& names) {
    std::vector<Predictor> out;
    std::set<std::string> seen;
    for (const auto& name : names) {
        const auto item = ss::normalize_name(name);
        if (item.empty() || !seen.insert(item).second) continue;
        Predictor p{item, std::nullopt, std::nullopt};
        if (auto b = science::parse_band(item)) {
            p.band = b;
        } else {
            try {
                p.index = science::parse_index(item, "predictors");
            } catch (const ConfigError&) {
                throw RequestError("predictors", "unknown predictor '" + item +
                                                     "' (an index: ndvi, evi, savi, ndwi, mndwi, ndmi, mvi; or a "
                                                     "band: blue, green, red, nir, swir1)");
            }
        }
        out.push_back(std::move(p));
    }
    if (out.empty()) throw RequestError("predictors", "no predictor given");
    return out;
}

PlotSampler::PlotSampler(const config::RasterInput& input, std::vector<Predictor> predictors)
    : m_input(input), m_predictors(std::move(predictors)), m_wgs84(crs_from_user("EPSG:4326")) {
    // Bands the predictors need, by the input's band names.
    std::map<science::SpectralBand, std::string> selector;
    for (const auto& [name, sel] : input.bands)
        if (auto b = science::parse_band(name)) selector[*b] = sel;
    std::set<science::SpectralBand> needed;
    for (const auto& p : m_predictors) {
        if (p.band) needed.insert(*p.band);
        if (p.index)
            for (auto b : science::required_bands(*p.index)) needed.insert(b);
    }
    m_options.scale = input.scale;
    m_options.offset = input.offset;
    m_options.nodata = input.nodata;
    m_options.resampling = Resampling::nearest;
    for (auto b : needed) {
        const auto it = selector.find(b);
        if (it == selector.end())
            throw ConfigError(input.origin.str() + ": the predictors need band '" + std::string(science::band_name(b)) +
                              "', which inputs." + input.name + ".bands does not name");
        m_band_slot[b] = m_options.bands.size();
        m_options.bands.push_back(it->second);
    }
}

PlotPredictors PlotSampler::sample(double lon, double lat, double radius_m) const {
    const double mlat = metres_per_degree_lat(lat);
    const double mlon = metres_per_degree_lon(lat);
    const double cell_x = 2.0 * radius_m / static_cast<double>(k_lattice);  // metres
    const GeoTransform gt{lon - radius_m / mlon, cell_x / mlon, 0.0, lat + radius_m / mlat, 0.0, -cell_x / mlat};
    const Grid grid(m_wgs84, gt, k_lattice, k_lattice);
    const auto src = RasterSource::open_aligned(m_input.path, grid, m_options);

    const std::size_t cells = static_cast<std::size_t>(k_lattice * k_lattice);
    std::vector<Block<float>> blocks(m_band_slot.size());
    for (const auto& [band, slot] : m_band_slot) src->read(static_cast<int>(slot), grid.full_window(), blocks[slot]);

    science::BandSpans spans;
    for (const auto& [band, slot] : m_band_slot) spans.set(band, blocks[slot].px, blocks[slot].valid);

    // Cells inside the circle.
    std::vector<std::uint8_t> inside(cells, 0);
    std::size_t n_inside = 0;
    for (std::int64_t r = 0; r < k_lattice; ++r)
        for (std::int64_t c = 0; c < k_lattice; ++c) {
            const double dx = (static_cast<double>(c) + 0.5) * cell_x - radius_m;
            const double dy = (static_cast<double>(r) + 0.5) * cell_x - radius_m;
            if (dx * dx + dy * dy <= radius_m * radius_m) {
                inside[static_cast<std::size_t>(r * k_lattice + c)] = 1;
                ++n_inside;
            }
        }

    PlotPredictors out;
    out.valid_fraction = 1.0;
    std::vector<float> values(cells);
    std::vector<std::uint8_t> valid(cells);
    for (const auto& p : m_predictors) {
        if (p.index) {
            science::compute_index(*p.index, spans, values, valid);
        } else {
            const auto& b = blocks[m_band_slot.at(*p.band)];
            std::copy(b.px.begin(), b.px.end(), values.begin());
            std::copy(b.valid.begin(), b.valid.end(), valid.begin());
        }
        double sum = 0;
        std::size_t n = 0;
        for (std::size_t i = 0; i < cells; ++i)
            if (inside[i] && valid[i]) {
                sum += static_cast<double>(values[i]);
                ++n;
            }
        out.values.push_back(n > 0 ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN());
        out.valid_fraction = std::min(out.valid_fraction, static_cast<double>(n) / static_cast<double>(n_inside));
    }
    return out;
}

}  // namespace bluecarbon::pipeline::survey
