#include "sample/sample_writer.hpp"

#include "sample/monitoring.hpp"
#include "sample/sample_key.hpp"
#include "sample/sample_project_toml.hpp"
#include "sample/scene.hpp"
#include "sample/survey.hpp"
#include "sample/synthetic_parcels.hpp"

#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/band_stack_sink.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>

#include <memory>
#include <string>

namespace bluecarbon::sample {

namespace fs = std::filesystem;

namespace {

RasterSinkOptions habitat_options(bool synthetic) {
    RasterSinkOptions o;
    o.type = PixelType::uint8;
    o.compression = Compression::deflate;
    o.nodata = k_habitat_nodata;
    o.cog = !synthetic;  // the sample's rasters are COGs; large synthetic scenes plain tiled GeoTIFFs
    o.block_size = k_scene_block;
    o.description = "habitat";
    o.overview_resampling = "NEAREST";
    o.color_table.assign(9, ColorEntry{0, 0, 0, 0});
    o.category_names.assign(9, std::string());
    o.category_names[0] = "nodata";
    for (const auto& c : habitat_classes()) {
        const auto i = static_cast<std::size_t>(c.code);
        o.color_table[i] = ColorEntry{c.rgb[0], c.rgb[1], c.rgb[2], 255};
        o.category_names[i] = std::string(c.name);
    }
    o.metadata = {{"BLUECARBON_VERSION", k_version}, {"BLUECARBON_LAYER", "habitat class codes (see README.txt)"}};
    return o;
}

RasterSinkOptions dem_options(bool synthetic) {
    RasterSinkOptions o;
    o.type = PixelType::float32;
    o.compression = Compression::deflate;
    o.nodata = k_dem_nodata;
    o.cog = !synthetic;  // the sample's rasters are COGs; large synthetic scenes plain tiled GeoTIFFs
    o.block_size = k_scene_block;
    o.description = "ellipsoidal height";
    o.unit = "m";
    o.overview_resampling = "AVERAGE";
    // Large synthetic scenes: the fastest DEFLATE level for the float32 DEM (benchmarks read the reflectance;
    // the DEM's compression would otherwise dominate the time to write the scene).
    if (synthetic)
        o.compression_level = 1;
    o.metadata = {{"BLUECARBON_VERSION", k_version},
                  {"BLUECARBON_LAYER", "height above the WGS 84 ellipsoid [m]; EGM96 geoid is ~+14 m here"}};
    return o;
}

BandStackSinkOptions reflectance_options(bool synthetic) {
    BandStackSinkOptions o;
    o.band_descriptions.assign(k_reflectance_bands.begin(), k_reflectance_bands.end());
    o.nodata = k_reflectance_nodata;
    o.scale = k_reflectance_scale;
    o.offset = 0.0;
    o.compression = Compression::deflate;
    // Synthetic scenes: DEFLATE's fastest level writes a 4000^2 scene in 60 % of the time, 0.7 % larger, and
    // reads back just as fast (inflate speed hardly depends on the level), so benchmarks are not affected.
    if (synthetic)
        o.compression_level = 1;
    o.block_size = k_scene_block;
    o.metadata = {{"BLUECARBON_VERSION", k_version},
                  {"BLUECARBON_LAYER", "Sentinel-2-like surface reflectance, DN x 1e-4 (B3, B4, B8, B11)"}};
    return o;
}

// Writes the three rasters of a `size` x `size` scene into `dir`, staged in `transaction`.
void write_scene_rasters(const fs::path& dir, std::int64_t size, bool synthetic, OutputTransaction& transaction,
                         const WriteOptions& options, WriteSummary& summary) {
    const Grid grid = scene_grid(size);
    // Tiles are whole output blocks, so every write goes straight to the file without GDAL's block cache.
    const TilePlan plan = TilePlan::aligned_to_blocks(grid, options.tile, options.tile, k_scene_block, k_scene_block);
    const TileExecutor exec(options.threads);

    // GDAL's compression threads stay within the run's thread budget.
    auto hab_o = habitat_options(synthetic), dem_o = dem_options(synthetic);
    auto refl_o = reflectance_options(synthetic);
    hab_o.gdal_threads = dem_o.gdal_threads = refl_o.gdal_threads = exec.threads();
    RasterSink habitat(dir / "habitat.tif", grid, hab_o, &transaction);
    RasterSink dem(dir / "dem.tif", grid, dem_o, &transaction);
    BandStackSink reflectance(dir / "reflectance.tif", grid, refl_o, &transaction);

    using Counts = std::array<std::int64_t, 9>;
    const auto tiles = plan.all();
    // Tiles are generated in parallel but written in tile order (in the merge): the band stack lays its blocks
    // out in the order they are written, so writing as threads finish made reflectance.tif depend on timing.
    exec.run<SceneTile>(
        plan, tiles, [&](std::size_t, const Window& w) { return generate_tile(w); },
        [&](std::size_t, SceneTile&& t) {
            habitat.write(t.habitat);
            dem.write(t.dem);
            for (int b = 0; b < 4; ++b)
                reflectance.write(b, t.reflectance[static_cast<std::size_t>(b)]);
            Counts counts{};
            for (auto code : t.habitat.px)
                ++counts[code < counts.size() ? code : 0];
            for (std::size_t i = 0; i < counts.size(); ++i)
                summary.habitat_pixels[i] += counts[i];
        },
        options.progress);
    habitat.finish();
    dem.finish();
    reflectance.finish();
    summary.width = grid.width();
    summary.height = grid.height();
    for (const char* name : {"reflectance.tif", "habitat.tif", "dem.tif"})
        summary.files.push_back(dir / name);
}

}  // namespace

Grid scene_grid(std::int64_t size) {
    if (size < 1)
        throw ConfigError("--size: the scene size must be a positive number of pixels, got " + std::to_string(size));
    return Grid(crs_from_user("EPSG:32651"), scene_transform(), size, size);
}

std::int64_t scene_tile_count(std::int64_t size, std::int64_t tile) {
    return static_cast<std::int64_t>(TilePlan::aligned_to_blocks(Grid(CrsInfo{}, scene_transform(), size, size), tile,
                                                                 tile, k_scene_block, k_scene_block)
                                         .size());
}

WriteSummary write_sample_project(const fs::path& dir, const WriteOptions& options) {
    ensure_writable_dir(dir);
    OutputTransaction transaction;
    WriteSummary summary;
    write_scene_rasters(dir, k_sample_size, false, transaction, options, summary);
    write_monitoring_map(dir, habitat_options(false), transaction);  // for `credits`
    summary.files.push_back(dir / "habitat_2025.tif");
    const std::pair<const char*, std::string> texts[] = {
        {"parcels.geojson", parcels_geojson(sample_parcels())},
        {"plots.csv", plots_csv()},
        {"trees.csv", trees_csv()},
        {"cores.csv", cores_csv()},
        {"project.toml", sample_project_toml()},
        {"README.txt", sample_readme()},
        {"sample_signing.key", sample_private_key_pem()},
        {"sample_signing.pub", sample_public_key_pem()},
    };
    for (const auto& [name, text] : texts) {
        write_text_file(dir / name, text, &transaction);
        summary.files.push_back(dir / name);
    }
    transaction.commit();
    return summary;
}

WriteSummary write_synthetic_scene(const fs::path& dir, std::int64_t size, const WriteOptions& options) {
    (void)scene_grid(size);  // validates the size before anything is created
    ensure_writable_dir(dir);
    OutputTransaction transaction;
    WriteSummary summary;
    // Plain tiled GeoTIFFs: a COG of a large scene would cost a second full pass for overviews that
    // benchmarks do not read.
    write_scene_rasters(dir, size, true, transaction, options, summary);
    if (options.parcels > 0) {
        PolygonLayerSpec spec;
        spec.layer = "parcels";
        spec.crs = scene_grid(size).crs();
        spec.fields = {{"id", VectorField::Type::text}, {"owner", VectorField::Type::text}};
        std::vector<std::vector<FieldValue>> rows;
        for (std::int64_t i = 0; i < options.parcels; ++i)
            rows.push_back({synthetic_parcel_id(static_cast<std::size_t>(i)), fmt::format("owner {}", i % 97)});
        write_polygons_gpkg(dir / "parcels.gpkg", spec, synthetic_parcels(size, options.parcels), rows, &transaction);
        summary.files.push_back(dir / "parcels.gpkg");
    }
    write_text_file(dir / "README.txt", synthetic_readme(size), &transaction);
    summary.files.push_back(dir / "README.txt");
    transaction.commit();
    return summary;
}

}  // namespace bluecarbon::sample
