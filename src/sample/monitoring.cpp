#include "sample/monitoring.hpp"

#include "sample/noise.hpp"
#include "sample/sample_writer.hpp"
#include "sample/scene.hpp"
#include "sample/survey.hpp"

#include <bluecarbon/core/tile_plan.hpp>

#include <fmt/format.h>

#include <vector>

namespace bluecarbon::sample {

namespace {

constexpr double k_gap_share = 0.15; // planting gaps and early mortality
constexpr std::uint64_t k_gap_seed = 2025;

bool inside(const std::vector<Coord>& ring, Coord p) { // even-odd rule
    bool in = false;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const Coord& a = ring[i];
        const Coord& b = ring[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
            in = !in;
    }
    return in;
}

struct Planting {
    std::vector<Coord> ring;
    Habitat from;
};

const std::vector<Planting>& plantings() {
    static const std::vector<Planting> p = [] {
        std::vector<Planting> out;
        for (const auto& parcel : sample_parcels()) {
            if (parcel.id == "P01")
                out.push_back({parcel.ring, Habitat::tidal_flat});
            if (parcel.id == "P02")
                out.push_back({parcel.ring, Habitat::aquaculture_pond});
        }
        return out;
    }();
    return p;
}

} // namespace

std::uint8_t monitoring_habitat(std::int64_t col, std::int64_t row) {
    const Habitat h = sample_pixel(col, row).habitat;
    const Coord c = scene_transform().apply(static_cast<double>(col) + 0.5, static_cast<double>(row) + 0.5);
    for (const auto& p : plantings()) {
        if (h == p.from && inside(p.ring, c) && noise::hash01(col, row, k_gap_seed) >= k_gap_share)
            return static_cast<std::uint8_t>(Habitat::mangrove);
    }
    return static_cast<std::uint8_t>(h);
}

void write_monitoring_map(const std::filesystem::path& dir, const RasterSinkOptions& options,
                          OutputTransaction& transaction) {
    const Grid grid = scene_grid(k_sample_size);
    RasterSinkOptions o = options;
    o.description = fmt::format("habitat {}", k_monitoring_year);
    RasterSink sink(dir / "habitat_2025.tif", grid, o, &transaction);
    const TilePlan plan = TilePlan::aligned_to_blocks(grid, k_scene_block, k_scene_block, k_scene_block, k_scene_block);
    for (std::size_t t = 0; t < plan.size(); ++t) {
        const Window w = plan.window(t);
        Block<std::uint8_t> b(w);
        for (std::int64_t r = 0; r < w.rows; ++r) {
            for (std::int64_t c = 0; c < w.cols; ++c)
                b.px[static_cast<std::size_t>(r * w.cols + c)] = monitoring_habitat(w.col_off + c, w.row_off + r);
        }
        sink.write(b);
    }
    sink.finish();
}

std::string sample_credits_toml() {
    return fmt::format(R"(
[credits]
# Credits per parcel and vintage (`bluecarbon credits project.toml` -> output/credits.csv, columns in
# parcels.gpkg). Baseline: the habitat before the project ({0}) held unchanged. habitat_{1}.tif is the monitoring
# map five years on: young Kandelia on the bare flat (P01) and in the retired ponds (P02).
start_year = {0}
end_year = 2050              # crediting period [start_year, end_year)
profile = "vm0033"           # or "ccer-14-002" (then precision_table = "<the project's precision-discount CSV>")
buffer_percent = 15          # the project's AFOLU non-permanence risk rating (illustrative; VM0033 minimum 10)
price = 80.0                 # per t CO2e (illustrative); price_table = "prices.csv" (year,price) overrides it
currency = "CNY"
discount_rate = 3            # % per year, for the NPV of the credits' value at start_year

[[credits.snapshots]]
year = {0}
map = "habitat.tif"

[[credits.snapshots]]
year = {1}
map = "habitat_{1}.tif"
)",
                       k_baseline_year, k_monitoring_year);
}

} // namespace bluecarbon::sample
