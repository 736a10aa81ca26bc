#include "png_pixels.hpp"
#include "sample_report.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/report/map_render.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace bluecarbon;
using namespace bluecarbon::report;
using test::PngPixels;

namespace {

/// The image pixel at the centre of source cell (col, row).
Rgb cell_pixel(const PngPixels& img, const RenderedMap& m, double col, double row) {
    return img.at(static_cast<int>(m.map_x + (col + 0.5) * m.px_per_cell),
                  static_cast<int>(m.map_y + (row + 0.5) * m.px_per_cell));
}

/// How many pixels right of the map (the legend panel) have this colour, each channel within `tol`.
int legend_count(const PngPixels& img, const RenderedMap& m, Rgb c, int tol = 0) {
    const auto near = [tol](int a, int b) { return std::abs(a - b) <= tol; };
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = static_cast<int>(m.map_x) + m.map_w + 2; x < img.width(); ++x) {
            const Rgb p = img.at(x, y);
            n += near(p.r, c.r) && near(p.g, c.g) && near(p.b, c.b);
        }
    return n;
}

constexpr Rgb k_nodata{0xE6, 0xE6, 0xE6};
constexpr Rgb k_other{0x9E, 0x9E, 0x9E};

}  // namespace

TEST_CASE("A categorical map shows each class's palette colour at its cells", "[report][map]") {
    const RenderedMap m = render_map(test::habitat_layer(), test::sample_data().outlines);
    const PngPixels img(m.png);
    REQUIRE(img.width() == m.width);
    REQUIRE(img.height() == m.height);
    // 120 x 90 cells enlarged by floor(720 / 120) = 6.
    REQUIRE(m.px_per_cell == 6);
    REQUIRE(m.map_w == 720);
    REQUIRE(m.map_h == 540);
    CHECK(cell_pixel(img, m, 20, 50) == test::k_mangrove);  // columns 0-39, outside every parcel
    CHECK(cell_pixel(img, m, 60, 75) == test::k_marsh);     // columns 40-79
    CHECK(cell_pixel(img, m, 100, 70) == test::k_seagrass); // columns 80-119
    CHECK(cell_pixel(img, m, 60, 85) == k_nodata);          // the sea strip (255 = nodata)
    CHECK(cell_pixel(img, m, 110, 9) == k_other);           // code 7 is not in the palette
}

TEST_CASE("A map carries a legend, parcel outlines and a scale bar", "[report][map]") {
    const RenderedMap m = render_map(test::habitat_layer(), test::sample_data().outlines);
    const PngPixels img(m.png);
    // Legend: a 14 x 14 swatch (13 x 13 inside its border at least) per class, "other", "no data".
    for (const Rgb c : {test::k_mangrove, test::k_marsh, test::k_seagrass, k_other, k_nodata})
        CHECK(legend_count(img, m, c) >= 13 * 13);
    int dark = 0;  // legend text
    for (int y = 0; y < img.height(); ++y)
        for (int x = static_cast<int>(m.map_x) + m.map_w + 2; x < img.width(); ++x) dark += img.at(x, y).g < 80;
    CHECK(dark > 200);
    // P-001's west edge runs along column 5 (image x = 16 + 5 * 6 = 46); at row 20 the cell under it is
    // mangrove (green 158), the dark outline pulls it well below that.
    CHECK(img.at(46, static_cast<int>(m.map_y) + 20 * 6).g < 100);
    // Scale bar: 10 m cells at 6 px each; 30 % of 720 px is 360 m -> a 200 m bar of 200 / (10 / 6) = 120 px,
    // black in its first quarter and white in its second.
    CHECK(m.scale_bar_m == 200);
    const int bar_y = static_cast<int>(m.map_y) + m.map_h + 14 + 3;
    CHECK(img.at(static_cast<int>(m.map_x) + 15, bar_y) == Rgb{0x20, 0x20, 0x20});
    CHECK(img.at(static_cast<int>(m.map_x) + 45, bar_y) == Rgb{0xFF, 0xFF, 0xFF});
    CHECK(img.at(static_cast<int>(m.map_x) + 125, bar_y) == Rgb{0xFF, 0xFF, 0xFF});  // past the 120 px bar
}

TEST_CASE("A ramp map spans viridis from the data minimum to its maximum", "[report][map]") {
    const RenderedMap m = render_map(test::stock_layer(), {});
    const PngPixels img(m.png);
    CHECK(cell_pixel(img, m, 0, 60) == Rgb{0x44, 0x01, 0x54});    // 50 Mg C/ha, the minimum
    CHECK(cell_pixel(img, m, 119, 60) == Rgb{0xFD, 0xE7, 0x25});  // 169 Mg C/ha, the maximum
    CHECK(cell_pixel(img, m, 60, 85) == k_nodata);
    // The legend's colour bar runs through the ramp's ends too (a gradient sampled at pixel centres: nearly).
    CHECK(legend_count(img, m, Rgb{0xFD, 0xE7, 0x25}, 8) >= 10);
    CHECK(legend_count(img, m, Rgb{0x44, 0x01, 0x54}, 8) >= 10);
    // A fixed range: 110 is the middle of [50, 170] -> t = 0.5 between stops 4 (#26828E) and 5 (#1F9E89):
    // (0x26 + 0x1F) / 2 = 34.5 -> 35 (round half away from zero), (0x82 + 0x9E) / 2 = 144, (0x8E + 0x89) / 2 = 139.5
    // -> 140.
    auto fixed_range = test::stock_layer();
    fixed_range.min = 50;
    fixed_range.max = 170;
    const RenderedMap f = render_map(fixed_range, {});
    CHECK(cell_pixel(PngPixels(f.png), f, 60, 60) == Rgb{35, 144, 140});
}

TEST_CASE("Large rasters are reduced to the quicklook size", "[report][map]") {
    auto layer = test::stock_layer();
    MapOptions small;
    small.max_map_px = 50;  // 120 columns -> factor ceil(120 / 50) = 3 -> 40 x 30 cells of 1 px
    const RenderedMap m = render_map(layer, {}, small);
    CHECK(m.px_per_cell == Approx(1.0 / 3.0));
    CHECK(m.map_w == 40);
    CHECK(m.map_h == 30);
}

TEST_CASE("The same layer renders to byte-identical PNGs", "[report][map][determinism]") {
    const auto d = test::sample_data();
    for (const auto& layer : d.maps) {
        const RenderedMap a = render_map(layer, d.outlines);
        const RenderedMap b = render_map(layer, d.outlines);
        CHECK(a.png.size() > 1000);
        CHECK(a.png == b.png);
    }
}

TEST_CASE("A geographic grid gets a scale bar in metres along its centre parallel", "[report][map][scale]") {
    CrsInfo wgs84;
    wgs84.wkt = "GEOGCRS[\"WGS 84\"]";
    wgs84.geographic = true;
    MapLayer layer;
    layer.name = "geo";
    layer.title = "Geographic";
    layer.raster = {Grid(wgs84, GeoTransform{121.8, 0.001, 0, 29.55, 0, -0.001}, 100, 100),
                    std::vector<float>(100 * 100, 1.0f), std::nullopt};
    const RenderedMap m = render_map(layer, {});
    // 7 px per 0.001-degree cell of about 96.98 m (see the metres-per-cell test): 30 % of 700 px is about
    // 2,909 m -> a 2 km bar.
    REQUIRE(m.px_per_cell == 7);
    CHECK(m.scale_bar_m == 2000);
}

TEST_CASE("A layer whose pixels do not fit its grid is refused with its name", "[report][map][errors]") {
    auto layer = test::stock_layer();
    std::get<std::vector<float>>(layer.raster.pixels).pop_back();
    CHECK_THROWS_WITH(render_map(layer, {}), Catch::Contains("map layer 'stock_soil'"));
    CHECK_THROWS_AS(render_map(layer, {}), InputError);
}

TEST_CASE("Parcel labels are drawn once each, leaving out any that would overlap", "[report][map]") {
    const auto d = test::sample_data();
    CHECK(render_map(d.maps[0], d.outlines).labels_drawn == 3);
    // Two parcels with the same centroid: the second label would sit on the first.
    std::vector<ParcelOutline> crowded = {{"A", "", {test::cell_rect(10, 10, 30, 30)}},
                                          {"B", "", {test::cell_rect(15, 15, 25, 25)}},
                                          {"C", "", {test::cell_rect(60, 10, 80, 30)}}};
    CHECK(render_map(d.maps[0], crowded).labels_drawn == 2);
    // A parcel outside the map gets no label.
    CHECK(render_map(d.maps[0], {{"far", "", {test::cell_rect(500, 500, 510, 510)}}}).labels_drawn == 0);
}

TEST_CASE("An outline with a coordinate that is not finite is refused with the parcel's id", "[report][map][errors]") {
    std::vector<ParcelOutline> bad = {{"P-9", "", {test::cell_rect(1, 1, 5, 5)}}};
    bad[0].rings[0][2].x = std::nan("");
    CHECK_THROWS_WITH(render_map(test::habitat_layer(), bad), Catch::Contains("parcel 'P-9'"));
}

TEST_CASE("A narrow map still leaves room for the scale bar's labels", "[report][map]") {
    MapLayer layer;
    layer.name = "narrow";
    layer.title = "N";
    layer.raster = {test::utm_grid(3, 60), std::vector<float>(3 * 60, 1.0f), std::nullopt};
    MapOptions o;
    o.max_map_px = 120;  // 2 px per cell: the map is 6 px wide
    const RenderedMap m = render_map(layer, {}, o);
    CHECK(m.map_w == 6);
    CHECK(m.width >= 16 + 260 + 16);
    // The legend starts right of the 260 px map column: the ramp's yellow top shows only there (the map itself
    // is constant, so its cells take the ramp's first colour).
    const PngPixels img(m.png);
    int left = 0, right = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const Rgb p = img.at(x, y);
            const bool yellow = std::abs(p.r - 0xFD) <= 8 && std::abs(p.g - 0xE7) <= 8 && std::abs(p.b - 0x25) <= 8;
            (x < 16 + 260 ? left : right) += yellow;
        }
    CHECK(left == 0);
    CHECK(right >= 10);
}
