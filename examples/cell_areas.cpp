// The area of one cell in each row of a grid: of a raster file's grid, or of a 1-degree EPSG:4326 grid from
// 60 N to the equator, where cells shrink towards the pole (ellipsoidal areas, not planar ones).
//   cell_areas [raster]
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/raster_source.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    try {
        const bluecarbon::Grid grid =
            argc > 1 ? bluecarbon::read_grid(argv[1])
                     : bluecarbon::Grid(bluecarbon::crs_from_user("EPSG:4326"),
                                        bluecarbon::GeoTransform{0.0, 1.0, 0.0, 60.0, 0.0, -1.0}, 1, 60);
        std::printf("%s: %lld x %lld cells\n", grid.crs().name.c_str(), static_cast<long long>(grid.width()),
                    static_cast<long long>(grid.height()));
        for (std::int64_t row = 0; row < grid.height(); ++row)
            std::printf("row %lld: %.3f m2\n", static_cast<long long>(row), grid.cell_area_m2(row));
        return 0;
    } catch (const bluecarbon::Error& e) {
        std::fprintf(stderr, "cell_areas: %s\n", e.what());
        return e.exit_code();
    }
}
