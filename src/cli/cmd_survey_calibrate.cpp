// `bluecarbon survey calibrate project.toml`: plot AGB (from the project's trees and plots) against spectral
// indices sampled at the plots → a biomass model with cross-validated error → biomass_model.json (issue 6).
//
// Sampling: each plot is a circle around its lon/lat (WGS 84) with the plot's own area (or --radius-m). The
// reflectance input is read, through a GDAL warp with nearest-neighbour resampling, onto a 32 × 32 lon/lat
// lattice over the circle's bounding box; the predictor is the mean over the lattice cells whose centres fall
// inside the circle. Each source pixel therefore weighs in proportion to the share of the circle it covers, to
// within 1/1024 of the circle's bounding box per cell.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/indices.hpp>
#include <bluecarbon/science/survey/calibration.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>
#include <bluecarbon/science/survey/qa.hpp>
#include <bluecarbon/version.hpp>

#include "cli/biomass_model_json.hpp"
#include "cli/cmd_survey.hpp"
#include "cli/cmd_survey_inputs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;
namespace ss = science::survey;
using json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4). The round constants are the first 32 bits of the fractional parts of the cube roots of
// the first 64 primes, and the initial hash those of the square roots of the first 8; they are computed here
// (in long double, exact to far more than 32 bits) rather than typed in, and checked by the standard test
// vectors in tests/cli/test_survey_cli.cpp.

struct Sha256Constants {
    std::array<std::uint32_t, 64> k{};
    std::array<std::uint32_t, 8> h0{};
    Sha256Constants() {
        int found = 0;
        for (int n = 2; found < 64; ++n) {
            bool prime = true;
            for (int d = 2; d * d <= n; ++d)
                if (n % d == 0) prime = false;
            if (!prime) continue;
            const long double c = std::cbrt(static_cast<long double>(n));
            k[static_cast<std::size_t>(found)] =
                static_cast<std::uint32_t>(std::floor((c - std::floor(c)) * 4294967296.0L));
            if (found < 8) {
                const long double s = std::sqrt(static_cast<long double>(n));
                h0[static_cast<std::size_t>(found)] =
                    static_cast<std::uint32_t>(std::floor((s - std::floor(s)) * 4294967296.0L));
            }
            ++found;
        }
    }
};

const Sha256Constants& sha_constants() {
    static const Sha256Constants c;
    return c;
}

class Sha256 {
  public:
    Sha256() : m_h(sha_constants().h0) {}
    void update(const unsigned char* data, std::size_t len) {
        m_bits += static_cast<std::uint64_t>(len) * 8;
        while (len > 0) {
            const std::size_t take = std::min(len, 64 - m_fill);
            std::copy(data, data + take, m_block.begin() + static_cast<std::ptrdiff_t>(m_fill));
            m_fill += take;
            data += take;
            len -= take;
            if (m_fill == 64) {
                compress();
                m_fill = 0;
            }
        }
    }
    std::string hex() {
        const std::uint64_t bits = m_bits;
        const unsigned char one = 0x80;
        update(&one, 1);
        const unsigned char zero = 0;
        while (m_fill != 56) update(&zero, 1);
        std::array<unsigned char, 8> len{};
        for (int i = 0; i < 8; ++i) len[static_cast<std::size_t>(i)] = static_cast<unsigned char>(bits >> (56 - 8 * i));
        update(len.data(), 8);
        std::string out;
        for (std::uint32_t w : m_h) out += fmt::format("{:08x}", w);
        return out;
    }

  private:
    static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
    void compress() {
        const auto& K = sha_constants().k;
        std::array<std::uint32_t, 64> w{};
        for (std::size_t i = 0; i < 16; ++i)
            w[i] = (static_cast<std::uint32_t>(m_block[4 * i]) << 24) |
                   (static_cast<std::uint32_t>(m_block[4 * i + 1]) << 16) |
                   (static_cast<std::uint32_t>(m_block[4 * i + 2]) << 8) | static_cast<std::uint32_t>(m_block[4 * i + 3]);
        for (std::size_t i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        auto [a, b, c, d, e, f, g, h] = m_h;
        for (std::size_t i = 0; i < 64; ++i) {
            const std::uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            const std::uint32_t ch = (e & f) ^ (~e & g);
            const std::uint32_t t1 = h + S1 + ch + K[i] + w[i];
            const std::uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            const std::uint32_t t2 = S0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        const std::array<std::uint32_t, 8> add{a, b, c, d, e, f, g, h};
        for (std::size_t i = 0; i < 8; ++i) m_h[i] += add[i];
    }
    std::array<std::uint32_t, 8> m_h;
    std::array<unsigned char, 64> m_block{};
    std::size_t m_fill{0};
    std::uint64_t m_bits{0};
};

// ---------------------------------------------------------------------------------------------------------------
// Predictors.

struct Predictor {
    std::string name;
    std::optional<science::Index> index;       // a spectral index
    std::optional<science::SpectralBand> band; // or a reflectance band
};

std::vector<Predictor> parse_predictors(const std::string& list) {
    std::vector<Predictor> out;
    std::set<std::string> seen;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const auto item = ss::normalize_name(list.substr(start, comma == std::string::npos ? std::string::npos
                                                                                           : comma - start));
        if (!item.empty() && seen.insert(item).second) {
            Predictor p{item, std::nullopt, std::nullopt};
            if (auto b = science::parse_band(item)) {
                p.band = b;
            } else {
                try {
                    p.index = science::parse_index(item, "--predictors");
                } catch (const ConfigError&) {
                    throw ConfigError("--predictors: unknown predictor '" + item +
                                      "' (an index: ndvi, evi, savi, ndwi, mndwi, ndmi, mvi; or a band: blue, green, "
                                      "red, nir, swir1)");
                }
            }
            out.push_back(std::move(p));
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (out.empty()) throw ConfigError("--predictors: no predictor given");
    return out;
}

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

struct PlotPredictors {
    std::vector<double> values;  // NaN when no valid cell
    double valid_fraction{0};
};

PlotPredictors sample_plot(const config::RasterInput& input, const std::vector<Predictor>& predictors,
                           const std::map<science::SpectralBand, std::size_t>& band_slot,
                           const RasterSourceOptions& options, const CrsInfo& wgs84, double lon, double lat,
                           double radius_m) {
    const double mlat = metres_per_degree_lat(lat);
    const double mlon = metres_per_degree_lon(lat);
    const double cell_x = 2.0 * radius_m / static_cast<double>(k_lattice);  // metres
    const GeoTransform gt{lon - radius_m / mlon, cell_x / mlon, 0.0, lat + radius_m / mlat, 0.0, -cell_x / mlat};
    const Grid grid(wgs84, gt, k_lattice, k_lattice);
    const auto src = RasterSource::open_aligned(input.path, grid, options);

    const std::size_t cells = static_cast<std::size_t>(k_lattice * k_lattice);
    std::vector<Block<float>> blocks(band_slot.size());
    for (const auto& [band, slot] : band_slot) src->read(static_cast<int>(slot), grid.full_window(), blocks[slot]);

    science::BandSpans spans;
    for (const auto& [band, slot] : band_slot) spans.set(band, blocks[slot].px, blocks[slot].valid);

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
    for (const auto& p : predictors) {
        if (p.index) {
            science::compute_index(*p.index, spans, values, valid);
        } else {
            const auto& b = blocks[band_slot.at(*p.band)];
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

// ---------------------------------------------------------------------------------------------------------------

struct CalibrateOptions {
    fs::path project;
    std::string predictors{"ndvi,mvi"};
    std::string input{"reflectance"};
    std::optional<double> radius_m;
    std::string habitats;
    std::string form{"log"};
    std::size_t folds{5};
    std::uint64_t seed{1};
    double min_valid{0.5};
    fs::path out;
    std::vector<fs::path> allometry;
    CommonOptions common;
};

json num_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

void run_calibrate(CliContext& ctx, const CalibrateOptions& o) {
    const config::ProjectConfig cfg = config::load_project(o.project);
    if (!cfg.survey.trees || !cfg.survey.plots)
        throw ConfigError(o.project.string() + ": [survey] needs trees and plots to calibrate a biomass model");
    const config::RasterInput* input = cfg.input(o.input);
    if (!input)
        throw ConfigError(o.project.string() + ": no input named '" + o.input + "' to sample the predictors from");
    const auto predictors = parse_predictors(o.predictors);
    const auto form = o.form == "linear" ? ss::ModelForm::linear : ss::ModelForm::log;
    ensure_gdal_ready();

    // Bands the predictors need, by the input's band names.
    std::map<science::SpectralBand, std::string> selector;
    for (const auto& [name, sel] : input->bands)
        if (auto b = science::parse_band(name)) selector[*b] = sel;
    std::set<science::SpectralBand> needed;
    for (const auto& p : predictors) {
        if (p.band) needed.insert(*p.band);
        if (p.index)
            for (auto b : science::required_bands(*p.index)) needed.insert(b);
    }
    RasterSourceOptions so;
    so.scale = input->scale;
    so.offset = input->offset;
    so.nodata = input->nodata;
    so.resampling = Resampling::nearest;
    std::map<science::SpectralBand, std::size_t> band_slot;
    for (auto b : needed) {
        const auto it = selector.find(b);
        if (it == selector.end())
            throw ConfigError(input->origin.str() + ": the predictors need band '" +
                              std::string(science::band_name(b)) + "', which inputs." + input->name +
                              ".bands does not name");
        band_slot[b] = so.bands.size();
        so.bands.push_back(it->second);
    }

    // Plot AGB from the trees (deterministic; no Monte Carlo needed here).
    const CsvTable plots_csv = read_csv(*cfg.survey.plots);
    const CsvTable trees_csv = read_csv(*cfg.survey.trees);
    auto pp = parse_plots(plots_csv);
    auto plot_issues = pp.issues;
    const auto pq = ss::check_plots(pp.records);
    plot_issues.insert(plot_issues.end(), pq.begin(), pq.end());
    if (!plot_issues.empty()) throw InputError(format_issue(plots_csv, plot_issues.front()));
    auto pt = parse_trees(trees_csv);
    auto tree_issues = pt.issues;
    const auto tq = ss::check_trees(pt.records, pp.records);
    tree_issues.insert(tree_issues.end(), tq.begin(), tq.end());
    if (!tree_issues.empty()) {
        std::sort(tree_issues.begin(), tree_issues.end(),
                  [](const ss::QaIssue& a, const ss::QaIssue& b) { return a.line < b.line; });
        throw InputError(format_issue(trees_csv, tree_issues.front()));
    }
    const auto table = load_allometry_tables(o.allometry);
    const auto wood_density = load_wood_density(read_csv(data_dir() / "wood_density" / "gwdd.csv"));
    ss::TreeSurveyOptions topt;
    topt.monte_carlo.draws = 0;
    const auto survey = ss::compute_tree_survey(pt.records, pp.records, table, wood_density, {}, topt, ss::serial_for,
                                                trees_csv.source(), plots_csv.source());

    // Habitats the model is fitted for.
    std::set<std::string> wanted;
    if (!o.habitats.empty()) {
        std::size_t start = 0;
        while (start <= o.habitats.size()) {
            const auto comma = o.habitats.find(',', start);
            const auto h = ss::normalize_name(
                o.habitats.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (!h.empty()) {
                if (!science::parse_habitat(h))
                    throw ConfigError("--habitats: unknown habitat '" + h + "' (" + science::habitat_name_list() + ")");
                wanted.insert(h);
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }

    // Sample the predictors at each plot.
    const CrsInfo wgs84 = crs_from_user("EPSG:4326");
    std::vector<ss::CalibrationSample> samples;
    std::vector<science::Habitat> sample_habitats;  // parallel to samples
    json plots_json = json::array();
    std::vector<std::string> low_coverage;
    for (std::size_t p = 0; p < pp.records.size(); ++p) {
        const auto& rec = pp.records[p];
        const auto& res = survey.plots[p];
        if (!wanted.empty() && !wanted.count(res.habitat)) continue;
        if (!rec.lon || !rec.lat)
            throw InputError(plots_csv.source() + ":" + std::to_string(rec.line) + ": plot '" + rec.plot_id +
                             "' has no lon/lat to sample the predictors at");
        if (!science::parse_habitat(res.habitat))
            throw InputError(plots_csv.source() + ":" + std::to_string(rec.line) + ": plot '" + rec.plot_id +
                             "': habitat '" + res.habitat + "' is not one of " + science::habitat_name_list());
        const double radius = o.radius_m.value_or(std::sqrt(rec.area_m2 / std::numbers::pi));
        PlotPredictors pv;
        try {
            pv = sample_plot(*input, predictors, band_slot, so, wgs84, *rec.lon, *rec.lat, radius);
        } catch (const GridMismatchError&) {
            throw InputError(plots_csv.source() + ":" + std::to_string(rec.line) + ": plot '" + rec.plot_id +
                             "' lies outside " + input->path.string());
        }
        json pj{{"plot_id", rec.plot_id},
                {"habitat", res.habitat},
                {"agb_t_dm_per_ha", res.agb_mg_ha},
                {"radius_m", radius},
                {"valid_fraction", pv.valid_fraction}};
        for (std::size_t j = 0; j < predictors.size(); ++j) pj[predictors[j].name] = num_or_null(pv.values[j]);
        if (pv.valid_fraction < o.min_valid) {
            low_coverage.push_back(rec.plot_id);
            pj["used"] = false;
            plots_json.push_back(std::move(pj));
            continue;
        }
        pj["used"] = true;
        plots_json.push_back(std::move(pj));
        samples.push_back({rec.plot_id, res.agb_mg_ha, pv.values});
        sample_habitats.push_back(*science::parse_habitat(res.habitat));
    }

    std::vector<std::string> names;
    for (const auto& p : predictors) names.push_back(p.name);
    ss::CalibrationOptions copt;
    copt.form = form;
    copt.folds = o.folds;
    copt.seed = o.seed;
    auto fit = ss::calibrate_biomass_model(samples, names, copt);
    // The model applies to the habitats of the plots it was fitted on (in the order they first occur); with
    // --habitats, each named habitat must have such plots.
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const bool excluded =
            std::find(fit.excluded.begin(), fit.excluded.end(), samples[i].plot_id) != fit.excluded.end();
        if (!excluded && !fit.applies_to(sample_habitats[i])) fit.habitats.push_back(sample_habitats[i]);
    }
    for (const auto& h : wanted)
        if (!fit.applies_to(*science::parse_habitat(h)))
            throw InputError("--habitats: no usable plot of habitat '" + h + "' to fit the model on (plots of " +
                             plots_csv.source() + ")");
    std::vector<std::string> habitats_used;
    for (auto h : fit.habitats) habitats_used.emplace_back(science::habitat_name(h));
    // CV predictions back into the per-plot listing.
    {
        std::size_t r = 0;
        for (auto& pj : plots_json) {
            if (!pj["used"].get<bool>()) continue;
            const auto id = pj["plot_id"].get<std::string>();
            if (std::find(fit.excluded.begin(), fit.excluded.end(), id) != fit.excluded.end()) {
                pj["used"] = false;
                continue;
            }
            pj["cv_prediction_t_dm_per_ha"] = num_or_null(fit.cv_predictions[r++]);
        }
    }

    // biomass_model.json: the model (the format stock reads, see biomass_model_json.hpp), then provenance.
    json j;
    j["model"] = "bluecarbon biomass model";
    j["tool_version"] = k_version;
    write_biomass_model(j, fit);
    j["fold_seed"] = o.seed;
    j["low_coverage_plots"] = low_coverage;
    j["sampling"] = {{"input", input->name},
                     {"method", "circle around the plot's lon/lat, 32 x 32 lon/lat lattice, nearest neighbour"},
                     {"radius_m", o.radius_m ? json(*o.radius_m) : json("sqrt(area_m2 / pi)")},
                     {"min_valid_fraction", o.min_valid}};
    j["inputs"] = json::object();
    j["inputs"]["project"] = {{"path", fs::absolute(o.project).string()}, {"sha256", sha256_file_hex(o.project)}};
    j["inputs"]["trees"] = {{"path", cfg.survey.trees->string()}, {"sha256", sha256_file_hex(*cfg.survey.trees)}};
    j["inputs"]["plots"] = {{"path", cfg.survey.plots->string()}, {"sha256", sha256_file_hex(*cfg.survey.plots)}};
    j["inputs"][input->name] = {{"path", input->path.string()}, {"sha256", sha256_file_hex(input->path)}};
    j["plots"] = plots_json;

    const fs::path out = o.out.empty() ? cfg.output_dir / "biomass_model.json" : o.out;
    StagedOutputs outputs(out.has_parent_path() ? out.parent_path() : fs::path("."));
    outputs.add(out.filename().string(), j.dump(2) + "\n");
    const auto written = outputs.commit();

    if (o.common.json) {
        json s{{"command", "survey calibrate"},
               {"output", written.front().string()},
               {"form", ss::model_form_name(fit.form)},
               {"predictors", fit.predictors},
               {"intercept", fit.intercept},
               {"coefficients", fit.coefficients},
               {"residual_sigma", num_or_null(fit.residual_sigma)},
               {"cv_rmse", num_or_null(fit.cv_rmse_t_dm_per_ha)},
               {"cv_r2", num_or_null(fit.cv_r2)},
               {"n", fit.n},
               {"habitats", habitats_used}};
        ctx.out << s.dump(2) << '\n';
        return;
    }
    std::string terms;
    for (std::size_t i = 0; i < fit.coefficients.size(); ++i)
        terms += fmt::format(" {} {:.4g} {}", fit.coefficients[i] < 0 ? "-" : "+", std::abs(fit.coefficients[i]),
                             fit.predictors[i]);
    ctx.out << fmt::format("survey calibrate: {} plots ({}), {}-fold cross-validation\n", fit.n,
                           fmt::join(habitats_used, ", "), fit.folds);
    if (fit.form == ss::ModelForm::log)
        ctx.out << fmt::format("  ln AGB = {:.4g}{}   (residual sigma {:.3g} on the ln scale, R2 {:.3f})\n",
                               fit.intercept, terms, fit.residual_sigma, fit.fit_r2);
    else
        ctx.out << fmt::format("  AGB = {:.4g}{}   (residual sigma {:.3g} t/ha, R2 {:.3f})\n", fit.intercept, terms,
                               fit.residual_sigma, fit.fit_r2);
    ctx.out << fmt::format("  CV RMSE {:.2f} t d.m./ha, CV R2 {:.3f}, CV bias {:+.2f} t d.m./ha\n",
                           fit.cv_rmse_t_dm_per_ha, fit.cv_r2, fit.cv_bias_t_dm_per_ha);
    if (!fit.excluded.empty() || !low_coverage.empty())
        ctx.out << fmt::format("  left out: {} (AGB <= 0), {} (less than {:.0f} % valid pixels)\n",
                               fit.excluded.size(), low_coverage.size(), 100 * o.min_valid);
    ctx.out << "  -> " << written.front().string() << '\n';
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return h.hex();
}

std::string sha256_file_hex(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot read (to hash it)");
    Sha256 h;
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = in.gcount();
        if (got > 0) h.update(reinterpret_cast<const unsigned char*>(buf.data()), static_cast<std::size_t>(got));
    }
    if (in.bad()) throw InputError(path.string() + ": read error while hashing");
    return h.hex();
}

void add_survey_calibrate_command(CLI::App& survey, CliContext& ctx) {
    auto o = std::make_shared<CalibrateOptions>();
    CLI::App* cmd = survey.add_subcommand(
        "calibrate", "Fit a biomass model: plot AGB (from the project's [survey] trees and plots) against indices "
                     "sampled at the plots, by least squares, with k-fold cross-validated RMSE and R2 → "
                     "biomass_model.json in the project's output folder");
    cmd->add_option("project", o->project, "Project file (project.toml)")->required()->type_name("FILE");
    cmd->add_option("--predictors", o->predictors,
                    "Comma-separated predictors: indices (ndvi, evi, savi, ndwi, mndwi, ndmi, mvi) or reflectance "
                    "bands (blue, green, red, nir, swir1); default ndvi,mvi")
        ->type_name("LIST");
    cmd->add_option("--input", o->input, "Project input to sample (default reflectance)")->type_name("NAME");
    cmd->add_option("--radius-m", o->radius_m, "Sampling radius around each plot (default: a circle of the plot's area)")
        ->check(positive())
        ->type_name("M");
    cmd->add_option("--habitats", o->habitats,
                    "Habitats to fit the model for, comma-separated (default: those of all plots)")
        ->type_name("LIST");
    cmd->add_option("--form", o->form, "log (ln AGB linear in the predictors; default) or linear")
        ->check(CLI::IsMember({"log", "linear"}));
    cmd->add_option("--folds", o->folds, "Cross-validation folds (default 5; capped at the number of plots)")
        ->check(CLI::Range(2, 1000000));
    cmd->add_option("--seed", o->seed, "Seed of the fold assignment (default 1)");
    cmd->add_option("--min-valid", o->min_valid,
                    "Least share of a plot's circle with valid pixels for the plot to be used (default 0.5)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--allometry", o->allometry, "Extra allometry table(s), as for `survey trees`")->type_name("FILE");
    cmd->add_option("--out,-o", o->out, "Model file (default: <project output>/biomass_model.json)")->type_name("FILE");
    add_common_options(*cmd, o->common, false);
    cmd->callback([o, &ctx] { run_calibrate(ctx, *o); });
}

}  // namespace bluecarbon::cli
