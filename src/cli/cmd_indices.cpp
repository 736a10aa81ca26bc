// `bluecarbon indices`: spectral indices of one reflectance raster, one float32 COG per index; the work is
// pipeline::run_indices.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/indices.hpp>

#include <memory>
#include <optional>
#include <string>

namespace bluecarbon::cli {

namespace {
struct IndicesOptions {
    pipeline::IndicesRequest rq;
    std::string bands, indices;
    CommonOptions common;
    ScaleOptions scale;
};
}  // namespace

void add_indices_command(CLI::App& app, CliContext& ctx) {
    auto o = std::make_shared<IndicesOptions>();
    CLI::App* cmd = app.add_subcommand(
        "indices", "Spectral indices (NDVI, EVI, SAVI, NDWI, MNDWI, NDMI, MVI) of a reflectance raster, one "
                   "float32 Cloud-Optimised GeoTIFF per index (nodata -9999)");
    add_path(*cmd, "--input,-i", o->rq.input, "Reflectance raster (any GDAL format)");
    cmd->add_option("--bands", o->bands,
                    "Where each band is: NAME=BAND items, BAND a 1-based index or the band's description, e.g. "
                    "green=1,red=2,nir=3,swir1=4[,blue=N] (default: bands found by their descriptions)")
        ->type_name("LIST");
    cmd->add_option("--index", o->indices, "Indices to compute, comma-separated: ndvi,evi,savi,ndwi,mndwi,ndmi,mvi")
        ->required()
        ->type_name("LIST");
    add_path(*cmd, "--out,-o", o->rq.out, "Output folder (DIR/<index>.tif)", "DIR");
    cmd->add_option("--scale", o->rq.scale, "Reflectance = DN x scale + offset (default: the file's own scale)")
        ->type_name("S");
    cmd->add_option("--offset", o->rq.offset, "Reflectance offset (default: the file's own offset)")->type_name("O");
    add_common_options(*cmd, o->common, k_tile | k_compress);
    add_scale_options(*cmd, o->scale);
    cmd->callback([o, &ctx] {
        auto rq = o->rq;
        apply_compression(o->common, rq.compression, rq.compression_level);
        execute(
            ctx, o->common, {{"bands", "--bands"}, {"indices", "--index"}, {"shard", "--shard"}},
            [&](const pipeline::RunContext& rc) {
                rq.indices = science::parse_index_list(o->indices);
                rq.bands = pipeline::parse_band_list(o->bands);
                return run_sharded(o->scale, rc, [&](const auto& c) { return pipeline::run_indices(rq, c); });
            },
            pipeline::k_indices_gdal_cache_bytes);
    });
}

}  // namespace bluecarbon::cli
