#pragma once
/// Soil cores → soil organic carbon stock (Mg C/ha) to a target depth, with a standard error when extrapolated,
/// a sequestration rate when samples are dated, and Monte-Carlo uncertainty. SCIENCE.md §5, as amended by issue 6.
///
/// Layers. Samples of a core are sorted by depth. Each stands for the interval from the midpoint of the gap to the
/// sample above to the midpoint of the gap to the sample below; the first starts at 0 and the last ends at its
/// own maximum depth. Layer stock (Mg C/ha) = bulk density (g/cm³) × OC fraction × thickness (cm) × 100
/// (1 g C/cm² = 100 Mg C/ha).
///
/// Compaction. With c = compaction_percent, every depth is divided by (1 − c/100) and every bulk density is
/// multiplied by (1 − c/100): the same carbon mass spread over the decompressed length.
///
/// Stock to depth T. If the core reaches T: the layers above T plus the linear share of the layer that crosses
/// T. If not: cumulative stock at each layer's bottom is regressed on that depth (ordinary least squares with an
/// intercept) and predicted at T; the standard error is that of a new observation at T (the prediction
/// interval's), s · sqrt(1 + 1/n + (T − x̄)² / Sxx), not the fitted mean's s · sqrt(1/n + (T − x̄)² / Sxx): the
/// stock of this core at T is one new value, not the mean of many. It needs n ≥ 3 layers; the result is flagged
/// extrapolated. One layer cannot be regressed: its stock is scaled in proportion to depth (T / bottom) with no
/// standard error.
///
/// Sequestration (as the BlueCarbon R package's estimate_seq_rate). age_yr on a sample is the age of the sediment
/// at the sample's maximum depth. The depth reached at the time frame t (default 100 yr) is interpolated linearly
/// on (0 cm, 0 yr) and the dated samples (for a repeated age, its deepest sample). Rate = stock to that depth / t
/// (Mg C/ha/yr). No rate (with a reason) for a core younger than t (oldest age < t) or whose first dated sample
/// is already older than t.
///
/// Loss on ignition. A sample with LOI (organic matter, %) and no OC is converted with the published equation the
/// BlueCarbon package's estimate_oc() falls back on, by habitat (OC and OM in %): mangrove 0.37 OM − 0.2 (OM < 20)
/// or 0.52 OM − 2 (Piñeiro-Juncal et al., in prep.); salt marsh 0.000683 OM² + 0.41 OM (Maxwell et al. 2023);
/// seagrass −0.21 + 0.40 OM (OM < 20) or −0.33 + 0.43 OM (Fourqurean et al. 2012); negative results are 0.
///
/// Plain C++ on in-memory records; thread-safe.
#include <bluecarbon/science/survey/monte_carlo.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science::survey {

/// One sample row of the cores table. OC is always a fraction here; the reader converts oc_percent.
struct CoreSample {
    std::string core_id;
    double min_depth_cm{0};
    double max_depth_cm{0};
    double bulk_density_g_cm3{0};
    double oc_fraction{0};
    std::string oc_source;  ///< empty: measured; else the LOI equation used (oc_from_loi)
    std::optional<double> compaction_percent;
    std::optional<double> age_yr;
    std::size_t line{0};
};

/// One layer (after compaction correction).
struct CoreLayer {
    double top_cm{0};
    double bottom_cm{0};
    double stock_mg_c_ha{0};
};

/// OC (%) from loss on ignition (%) for a habitat, with the equation's citation in `source`; nullopt for a
/// habitat without a published equation (only mangrove, salt_marsh and seagrass have one).
[[nodiscard]] std::optional<double> oc_percent_from_loi(double loi_percent, std::string_view habitat,
                                                        std::string* source = nullptr);

/// Layers of one core whose samples are sorted by min depth, after correcting `compaction_percent` (0 for none).
/// Throws std::invalid_argument for an empty core, a sample with min ≥ max depth, overlapping samples, or a
/// compaction outside [0, 100).
[[nodiscard]] std::vector<CoreLayer> core_layers(std::span<const CoreSample> samples, double compaction_percent);

struct StockAtDepth {
    double stock_mg_c_ha{0};
    /// Standard error of the stock predicted at the target depth (prediction interval); NaN unless extrapolated
    /// with ≥ 3 layers.
    double se_mg_c_ha{std::numeric_limits<double>::quiet_NaN()};
    bool extrapolated{false};
};

/// Stock from the surface to `depth_cm` (see the header comment). `layers` must be contiguous from 0.
[[nodiscard]] StockAtDepth stock_to_depth(std::span<const CoreLayer> layers, double depth_cm);

struct SequestrationRate {
    double rate_mg_c_ha_yr{0};
    double timeframe_yr{0};
    double depth_cm{0};
    double stock_mg_c_ha{0};
};

/// Rate over `timeframe_yr` from the dated samples (sorted by depth, as for core_layers). nullopt when no sample
/// has an age or every age is 0, or (with the reason in `why`) when the core is younger than the time frame or
/// its first dated sample older. Throws std::invalid_argument when ages decrease with depth or are negative.
[[nodiscard]] std::optional<SequestrationRate> sequestration_rate(std::span<const CoreSample> samples,
                                                                  std::span<const CoreLayer> layers,
                                                                  double compaction_percent, double timeframe_yr,
                                                                  std::string* why = nullptr);

struct CoreMonteCarloOptions {
    std::size_t draws{1000};  ///< 0: no Monte Carlo
    std::uint64_t seed{1};
    double bulk_density_relative_sd{0.05};  ///< lab error of bulk density, as a fraction of the value
    double oc_relative_sd{0.05};            ///< lab error of organic carbon, as a fraction of the value
};

struct CoreOptions {
    double target_depth_cm{100};
    double timeframe_yr{100};
    CoreMonteCarloOptions monte_carlo;
};

struct CoreResult {
    std::string core_id;
    std::size_t n_samples{0};
    double compaction_percent{0};
    double max_depth_cm{0};  ///< bottom of the last layer (after compaction correction)
    double stock_whole_core_mg_c_ha{0};
    StockAtDepth stock;
    std::optional<SequestrationRate> sequestration;
    std::string sequestration_note;  ///< why a dated core has no rate
    McSummary stock_mc;  ///< Monte Carlo of the stock to the target depth
    std::vector<CoreLayer> layers;
    std::string note;    ///< e.g. why no standard error
};

/// Groups samples by core_id (cores in order of first appearance), sorts each core by min depth and computes it.
/// Cores run through `parallel`. Throws InputError naming `source` and the line for a core whose samples overlap,
/// whose compaction differs between rows, or whose ages decrease with depth.
[[nodiscard]] std::vector<CoreResult> compute_cores(std::span<const CoreSample> samples, const CoreOptions& options,
                                                    const ParallelFor& parallel = serial_for,
                                                    std::string_view source = "cores");

/// One row of `survey cores`' cores.csv, as [stock] soc_from_cores reads it.
struct CoreStock {
    std::string core_id;
    std::string habitat;  ///< lower case
    double depth_cm{0};   ///< target_depth_cm
    double stock_mg_c_ha{0};
    double se_mg_c_ha{std::numeric_limits<double>::quiet_NaN()};  ///< extrapolation SE; NaN: none
    std::size_t line{0};
};

/// The soil stock of one habitat from its cores: the mean, and σ of that mean combining the spread between cores
/// and each core's own extrapolation error, σ² = s²/n + Σ seᵢ² / n² (s the cores' sample SD, 0 for one core).
struct HabitatSoc {
    std::string habitat;
    std::size_t n{0};
    double mean_mg_c_ha{0};
    double sigma_mg_c_ha{0};
    std::vector<std::string> cores;
};

/// Groups cores by habitat (in order of first appearance). Throws InputError naming `source` and the line for a
/// core without a habitat, a stock not to `depth_cm`, or a habitat whose one core has no SE (no interval).
[[nodiscard]] std::vector<HabitatSoc> soc_by_habitat(std::span<const CoreStock> cores, double depth_cm,
                                                     std::string_view source);

}  // namespace bluecarbon::science::survey
