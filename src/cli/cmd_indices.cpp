// `bluecarbon indices`: spectral indices of one reflectance raster, one float32 COG per index; the work is
// pipeline::run_indices.
#include "cli/cli_context.hpp"
#include "cli/interrupt_guard.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/indices.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace bluecarbon::cli {

namespace {

using science::SpectralBand;

struct IndicesOptions {
    std::filesystem::path input;
    std::string bands;
    std::string indices;
    std::filesystem::path out;
    std::optional<double> scale;
    std::optional<double> offset;
    CommonOptions common;
    CompressionOptions compression;
};

/// `--bands green=1,red=2,nir=nir_b8`: band name -> the file's band (1-based index or band description).
std::map<SpectralBand, std::string> parse_band_map(const std::string& text) {
    std::map<SpectralBand, std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) {
            const auto eq = item.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
                throw ConfigError("--bands: expected NAME=BAND items (e.g. green=1,red=2,nir=3,swir1=4), got '" + item +
                                  "'");
            const auto band = science::parse_band(item.substr(0, eq));
            if (!band)
                throw ConfigError("--bands: unknown band name '" + item.substr(0, eq) +
                                  "' (valid: blue, green, red, nir, swir1)");
            if (out.count(*band) != 0)
                throw ConfigError("--bands: band '" + std::string(science::band_name(*band)) + "' given twice");
            out[*band] = item.substr(eq + 1);
        }
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

void print_summary(const CliContext& ctx, const pipeline::IndicesResult& r) {
    const double mpix = static_cast<double>(r.grid.pixel_count()) / 1e6;
    ctx.out << fmt::format("indices: {} x {} pixels, {} tiles of {} x {}, {} threads: {:.2f} s ({:.1f} Mpixel/s), "
                           "peak memory {:.0f} MB\n",
                           r.grid.width(), r.grid.height(), r.tiles, r.tile_width, r.tile_height, r.threads,
                           r.wall_seconds, r.wall_seconds > 0 ? mpix / r.wall_seconds : 0.0, r.peak_rss_mb);
    for (const auto& o : r.outputs) {
        const auto& st = o.stats;
        const std::string name(science::index_name(o.index));
        if (st.valid_pixels() == 0) {
            ctx.out << fmt::format("  {:<6} no valid pixels  -> {}\n", name, o.file.string());
            continue;
        }
        ctx.out << fmt::format("  {:<6} valid {:>12}  min {:>9.4f}  max {:>9.4f}  mean {:>9.4f}  -> {}\n", name,
                               st.valid_pixels(), *st.min(), *st.max(), *st.mean(), o.file.string());
    }
    for (const auto& w : r.warnings) ctx.out << "  warning: " << w << '\n';
}

void run(const CliContext& ctx, const IndicesOptions& o) {
    pipeline::IndicesRequest rq;
    rq.input = o.input;
    rq.indices = science::parse_index_list(o.indices);
    rq.bands = parse_band_map(o.bands);
    rq.out = o.out;
    rq.scale = o.scale;
    rq.offset = o.offset;
    if (!o.compression.codec.empty()) rq.compression = o.compression.codec;
    check_compression_level(rq.compression, o.compression.level);
    rq.compression_level = o.compression.level;
    CliProgress progress(ctx, o.common);
    pipeline::RunContext rc;
    rc.threads = o.common.threads;
    rc.tile = o.common.tile;
    rc.progress = &progress;
    const InterruptGuard interrupts;  // Ctrl-C: the run stops and removes its temporary files
    rc.cancel = interrupts.flag();
    pipeline::IndicesResult r;
    with_flags({{"threads", "--threads"}, {"tile size", "--tile"}, {"bands", "--bands"}},
               [&] { r = pipeline::run_indices(rq, rc); });
    if (o.common.json)
        ctx.out << pipeline::to_json(r) << '\n';
    else
        print_summary(ctx, r);
}

}  // namespace

void add_indices_command(CLI::App& app, CliContext& ctx) {
    auto opts = std::make_shared<IndicesOptions>();
    CLI::App* cmd = app.add_subcommand(
        "indices", "Spectral indices (NDVI, EVI, SAVI, NDWI, MNDWI, NDMI, MVI) of a reflectance raster, one "
                   "float32 Cloud-Optimised GeoTIFF per index (nodata -9999)");
    cmd->add_option("--input,-i", opts->input, "Reflectance raster (any GDAL format)")->required()->type_name("FILE");
    cmd->add_option("--bands", opts->bands,
                    "Where each band is: NAME=BAND items, BAND a 1-based index or the band's description, e.g. "
                    "green=1,red=2,nir=3,swir1=4[,blue=N] (default: bands found by their descriptions)")
        ->type_name("LIST");
    cmd->add_option("--index", opts->indices, "Indices to compute, comma-separated: ndvi,evi,savi,ndwi,mndwi,ndmi,mvi")
        ->required()
        ->type_name("LIST");
    cmd->add_option("--out,-o", opts->out, "Output folder (DIR/<index>.tif)")->required()->type_name("DIR");
    cmd->add_option("--scale", opts->scale, "Reflectance = DN x scale + offset (default: the file's own scale)")
        ->type_name("S");
    cmd->add_option("--offset", opts->offset, "Reflectance offset (default: the file's own offset)")->type_name("O");
    add_common_options(*cmd, opts->common);
    add_compression_options(*cmd, opts->compression);
    cmd->callback([opts, &ctx] { run(ctx, *opts); });
}

}  // namespace bluecarbon::cli
