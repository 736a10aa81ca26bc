#include "cairo_handles.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/report/format.hpp>
#include <bluecarbon/report/map_render.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace bluecarbon::report {

namespace {

using detail::ContextPtr;
using detail::FontOptionsPtr;
using detail::PatternPtr;
using detail::SurfacePtr;

constexpr double k_margin = 16;
constexpr double k_title_h = 40;      // band above the map holding the title
constexpr double k_legend_gap = 24;   // between the map and the legend panel
constexpr double k_below_map = 60;    // room for the scale bar under the map
constexpr double k_min_map_text_w = 260;  // the scale bar's labels and note
constexpr double k_min_bar_px = 100;      // shortest scale bar target, in image pixels
constexpr double k_arrow_gap = 16;        // between the legend and the north arrow
constexpr double k_swatch = 14;
constexpr double k_legend_row = 20;
constexpr double k_ramp_h = 180;
constexpr Rgb k_nodata_bg{0xE6, 0xE6, 0xE6};
constexpr Rgb k_unlisted{0x9E, 0x9E, 0x9E};
constexpr Rgb k_ink{0x20, 0x20, 0x20};
constexpr const char* k_font = "DejaVu Sans";

void set_rgb(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0); }

/// Grey antialiasing and no hinting: glyphs depend only on the font file, not on desktop settings.
void set_font(cairo_t* cr, double size, bool bold) {
    cairo_select_font_face(cr, k_font, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    FontOptionsPtr fo(cairo_font_options_create());
    cairo_font_options_set_antialias(fo.get(), CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo.get(), CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo.get());
}

double text_width(cairo_t* cr, const std::string& s) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr, s.c_str(), &ext);
    return ext.x_advance;
}

void text_at(cairo_t* cr, double x, double baseline, const std::string& s, Rgb colour = k_ink) {
    set_rgb(cr, colour);
    cairo_move_to(cr, x, baseline);
    cairo_show_text(cr, s.c_str());
}

/// Dark text with a white halo, readable over any map colour.
void halo_text(cairo_t* cr, double x, double baseline, const std::string& s) {
    cairo_new_path(cr);
    cairo_move_to(cr, x, baseline);
    cairo_text_path(cr, s.c_str());
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 3);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    set_rgb(cr, k_ink);
    cairo_fill(cr);
}

void swatch(cairo_t* cr, double x, double y, Rgb fill) {
    cairo_rectangle(cr, x + 0.5, y + 0.5, k_swatch, k_swatch);
    set_rgb(cr, fill);
    cairo_fill_preserve(cr);
    set_rgb(cr, k_ink);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
}

/// Outline style shared by the map and its legend: a white casing under a dark line.
void stroke_outline(cairo_t* cr) {
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 3.5);
    cairo_stroke_preserve(cr);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
}

struct RampRange {
    double lo{0}, hi{1};
};

RampRange ramp_range(const MapLayer& layer) {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    std::visit(
        [&](const auto& px) {
            for (const auto p : px) {
                const double v = static_cast<double>(p);
                if (std::isnan(v) || (layer.raster.nodata && v == *layer.raster.nodata)) continue;
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        },
        layer.raster.pixels);
    if (!std::isfinite(lo)) lo = 0, hi = 1;  // no valid pixel: any range draws nothing
    if (layer.min) lo = *layer.min;
    if (layer.max) hi = *layer.max;
    if (!(hi > lo)) hi = lo + 1;  // a constant layer takes the ramp's first colour
    return {lo, hi};
}

/// Decimals for legend labels: enough to tell the ends of the range apart.
int label_decimals(double span) {
    if (span >= 100) return 0;
    if (span >= 10) return 1;
    if (span >= 1) return 2;
    return 3;
}

std::string scale_label(double metres) {
    if (metres >= 1000) return fixed(metres / 1000, metres >= 10000 || std::fmod(metres, 1000) == 0 ? 0 : 1) + " km";
    return fixed(metres, metres >= 1 ? 0 : 2) + " m";
}

struct Legend {
    double width{0};
    double height{0};
};

struct LegendContent {
    const MapLayer* layer{nullptr};
    RampRange range;
    bool has_nodata{false};
    bool has_unlisted{false};
    bool has_parcels{false};
};

/// Draws the legend at (x, y), or only measures it when `draw` is false.
Legend legend(cairo_t* cr, const LegendContent& c, double x, double y, bool draw) {
    Legend out;
    double row_y = y;
    const auto entry = [&](const std::string& name, auto&& paint_swatch) {
        set_font(cr, 12, false);
        out.width = std::max(out.width, k_swatch + 8 + text_width(cr, name));
        if (draw) {
            paint_swatch(x, row_y);
            text_at(cr, x + k_swatch + 8, row_y + 12, name);
        }
        row_y += k_legend_row;
    };
    set_font(cr, 12, true);
    const std::string heading = c.layer->classes.empty() ? (c.layer->unit.empty() ? "Value" : c.layer->unit) : "Class";
    out.width = text_width(cr, heading);
    if (draw) text_at(cr, x, row_y + 12, heading);
    row_y += k_legend_row + 4;
    if (!c.layer->classes.empty()) {
        for (const auto& cls : c.layer->classes)
            entry(cls.name, [&](double sx, double sy) { swatch(cr, sx, sy, cls.colour); });
        if (c.has_unlisted) entry("Other class", [&](double sx, double sy) { swatch(cr, sx, sy, k_unlisted); });
    } else {
        // Vertical bar, maximum at the top, labelled at both ends and the middle.
        const int dec = label_decimals(c.range.hi - c.range.lo);
        set_font(cr, 12, false);
        const double bar_w = 20;
        if (draw) {
            PatternPtr grad(cairo_pattern_create_linear(0, row_y + k_ramp_h, 0, row_y));
            for (int i = 0; i < 10; ++i) {
                const Rgb s = viridis(i / 9.0);
                cairo_pattern_add_color_stop_rgb(grad.get(), i / 9.0, s.r / 255.0, s.g / 255.0, s.b / 255.0);
            }
            cairo_rectangle(cr, x + 0.5, row_y + 0.5, bar_w, k_ramp_h);
            cairo_set_source(cr, grad.get());
            cairo_fill_preserve(cr);
            set_rgb(cr, k_ink);
            cairo_set_line_width(cr, 1);
            cairo_stroke(cr);
        }
        const double values[3] = {c.range.hi, (c.range.lo + c.range.hi) / 2, c.range.lo};
        for (int i = 0; i < 3; ++i) {
            const double ty = row_y + 0.5 + k_ramp_h * i / 2.0;
            const std::string label = grouped(values[i], dec);
            out.width = std::max(out.width, bar_w + 12 + text_width(cr, label));
            if (draw) {
                cairo_move_to(cr, x + bar_w + 0.5, ty);
                cairo_line_to(cr, x + bar_w + 6, ty);
                cairo_stroke(cr);
                text_at(cr, x + bar_w + 10, ty + 4, label);
            }
        }
        row_y += k_ramp_h + 12;
    }
    if (c.has_nodata) entry("No data", [&](double sx, double sy) { swatch(cr, sx, sy, k_nodata_bg); });
    if (c.has_parcels)
        entry("Parcel", [&](double sx, double sy) {
            if (!draw) return;
            cairo_rectangle(cr, sx + 1.5, sy + 1.5, k_swatch - 2, k_swatch - 2);
            stroke_outline(cr);
        });
    out.height = row_y - y;
    return out;
}

void north_arrow(cairo_t* cr, double cx, double cy, double angle) {
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_arc(cr, 0, 0, 21, 0, 2 * M_PI);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill_preserve(cr);
    set_rgb(cr, k_ink);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, 0, -6);
    cairo_line_to(cr, -7, 16);
    cairo_line_to(cr, 0, 11);
    cairo_line_to(cr, 7, 16);
    cairo_close_path(cr);
    set_rgb(cr, k_ink);
    cairo_fill(cr);
    set_font(cr, 11, true);
    const double w = text_width(cr, "N");
    text_at(cr, -w / 2, -8, "N");
    cairo_restore(cr);
}

/// Alternating black and white quarters with "0" and the length under its ends.
void scale_bar(cairo_t* cr, double x, double y, double bar_px, double metres, bool geographic) {
    const double h = 6;
    for (int i = 0; i < 4; ++i) {
        cairo_rectangle(cr, x + 0.5 + bar_px * i / 4.0, y + 0.5, bar_px / 4.0, h);
        if (i % 2 == 0)
            set_rgb(cr, k_ink);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x + 0.5, y + 0.5, bar_px, h);
    set_rgb(cr, k_ink);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    set_font(cr, 11, false);
    text_at(cr, x - text_width(cr, "0") / 2, y + h + 14, "0");
    const std::string label = scale_label(metres);
    text_at(cr, x + bar_px - text_width(cr, label) / 2, y + h + 14, label);
    if (geographic) text_at(cr, x, y + h + 28, "scale along the map's centre parallel");
}

/// Area centroid of a ring in image coordinates; the vertex mean for a degenerate ring.
std::pair<double, double> ring_centroid(const std::vector<std::pair<double, double>>& pts) {
    double a = 0, cx = 0, cy = 0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const auto& [x0, y0] = pts[i];
        const auto& [x1, y1] = pts[(i + 1) % pts.size()];
        const double cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if (std::abs(a) > 1e-9) return {cx / (3 * a), cy / (3 * a)};
    double mx = 0, my = 0;
    for (const auto& [x, y] : pts) mx += x, my += y;
    const auto n = static_cast<double>(std::max<std::size_t>(1, pts.size()));
    return {mx / n, my / n};
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

RenderedMap render_map(const MapLayer& layer, const std::vector<ParcelOutline>& outlines, const MapOptions& options) {
    const bool categorical = !layer.classes.empty();
    Quicklook q;
    try {
        q = make_quicklook(layer.raster, categorical, options.max_map_px);
    } catch (const InputError& e) {
        throw InputError("map layer '" + layer.name + "': " + e.what());
    }
    for (const auto& parcel : outlines)
        for (const auto& ring : parcel.rings)
            for (const auto& c : ring)
                if (!std::isfinite(c.x) || !std::isfinite(c.y))
                    throw InputError("parcel '" + parcel.id + "': its outline has a coordinate that is not finite");
    const auto inverse = layer.raster.grid.transform().inverse();
    if (!inverse) throw InputError("map layer '" + layer.name + "': the raster's geotransform is singular");

    // Small rasters are enlarged by a whole factor (crisp cells); large ones were reduced by q.factor.
    const int up = q.factor == 1 ? std::max(1, options.max_map_px / std::max(q.width, q.height)) : 1;
    RenderedMap out;
    out.px_per_cell = static_cast<double>(up) / q.factor;
    out.map_w = q.width * up;
    out.map_h = q.height * up;
    out.map_x = k_margin;
    out.map_y = k_title_h;

    // Colour the quicklook cells.
    LegendContent lc{&layer, categorical ? RampRange{} : ramp_range(layer), false, false, !outlines.empty()};
    SurfacePtr cells(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, q.width, q.height));
    if (cairo_surface_status(cells.get()) != CAIRO_STATUS_SUCCESS)
        throw Error("map layer '" + layer.name + "': cannot allocate the quicklook image");
    {
        unsigned char* data = cairo_image_surface_get_data(cells.get());
        const int stride = cairo_image_surface_get_stride(cells.get());
        for (int y = 0; y < q.height; ++y) {
            auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
            for (int x = 0; x < q.width; ++x) {
                const auto i = static_cast<std::size_t>(y) * static_cast<std::size_t>(q.width) + x;
                if (!q.valid[i]) {
                    row[x] = 0;  // transparent: the no-data background shows through
                    lc.has_nodata = true;
                    continue;
                }
                Rgb c;
                if (categorical) {
                    const int code = static_cast<int>(q.values[i]);
                    const auto cls = std::find_if(layer.classes.begin(), layer.classes.end(),
                                                  [code](const CategoryClass& k) { return k.value == code; });
                    if (cls == layer.classes.end()) lc.has_unlisted = true;
                    c = cls == layer.classes.end() ? k_unlisted : cls->colour;
                } else {
                    c = viridis((q.values[i] - lc.range.lo) / (lc.range.hi - lc.range.lo));
                }
                row[x] = 0xFF000000u | (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
            }
        }
        cairo_surface_mark_dirty(cells.get());
    }

    // Measure the legend and the title on a scratch surface to size the canvas.
    Legend leg;
    double title_w = 0;
    {
        SurfacePtr scratch(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1));
        ContextPtr m(cairo_create(scratch.get()));
        leg = legend(m.get(), lc, 0, 0, false);
        set_font(m.get(), 16, true);
        title_w = text_width(m.get(), layer.title);
    }
    // The map's column is at least wide enough for the scale bar and its labels under a narrow map.
    const double legend_x = out.map_x + std::max<double>(out.map_w, k_min_map_text_w) + k_legend_gap;
    const double panel_w = std::max(leg.width, 44.0);  // the legend, or at least the north arrow
    out.width = static_cast<int>(std::ceil(std::max(legend_x + panel_w, k_margin + title_w) + k_margin));
    const double panel_h = leg.height + k_arrow_gap + 44;  // legend, then the north arrow
    out.height = static_cast<int>(
        std::ceil(std::max(out.map_y + out.map_h + k_below_map, out.map_y + panel_h) + k_margin));

    SurfacePtr canvas(cairo_image_surface_create(CAIRO_FORMAT_RGB24, out.width, out.height));
    ContextPtr owner(cairo_create(canvas.get()));
    cairo_t* cr = owner.get();
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    set_font(cr, 16, true);
    text_at(cr, k_margin, 26, layer.title);

    // The raster over the no-data background, cells kept square and sharp.
    cairo_rectangle(cr, out.map_x, out.map_y, out.map_w, out.map_h);
    set_rgb(cr, k_nodata_bg);
    cairo_fill(cr);
    cairo_save(cr);
    cairo_translate(cr, out.map_x, out.map_y);
    cairo_scale(cr, up, up);
    cairo_set_source_surface(cr, cells.get(), 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(cr, 0, 0, q.width, q.height);
    cairo_fill(cr);
    cairo_restore(cr);

    // Parcels: outlines first, then all labels so no outline crosses a label.
    const auto to_image = [&](Coord w) {
        const Coord p = inverse->apply(w.x, w.y);
        return std::pair{out.map_x + p.x * out.px_per_cell, out.map_y + p.y * out.px_per_cell};
    };
    cairo_save(cr);
    cairo_rectangle(cr, out.map_x, out.map_y, out.map_w, out.map_h);
    cairo_clip(cr);
    for (const auto& parcel : outlines) {
        for (const auto& ring : parcel.rings) {
            if (ring.size() < 3) continue;
            for (std::size_t i = 0; i < ring.size(); ++i) {
                const auto [x, y] = to_image(ring[i]);
                if (i == 0)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
            cairo_close_path(cr);
        }
        stroke_outline(cr);
    }
    set_font(cr, 11, true);
    struct Box {
        double x0, y0, x1, y1;
    };
    std::vector<Box> placed;  // labels drawn so far: a crowded map keeps the first of overlapping labels
    for (const auto& parcel : outlines) {
        if (parcel.rings.empty() || parcel.rings.front().size() < 3) continue;
        std::vector<std::pair<double, double>> pts;
        for (const auto& c : parcel.rings.front()) pts.push_back(to_image(c));
        const auto [cx, cy] = ring_centroid(pts);
        const std::string label = parcel.label.empty() ? parcel.id : parcel.label;
        const double tw = text_width(cr, label);
        const Box box{cx - tw / 2 - 2, cy - 8, cx + tw / 2 + 2, cy + 7};
        const bool overlaps = std::any_of(placed.begin(), placed.end(), [&](const Box& b) {
            return box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1;
        });
        const bool inside = box.x1 > out.map_x && box.x0 < out.map_x + out.map_w && box.y1 > out.map_y &&
                            box.y0 < out.map_y + out.map_h;
        if (overlaps || !inside) continue;
        halo_text(cr, cx - tw / 2, cy + 4, label);
        placed.push_back(box);
        ++out.labels_drawn;
    }
    cairo_restore(cr);

    cairo_rectangle(cr, out.map_x - 0.5, out.map_y - 0.5, out.map_w + 1, out.map_h + 1);
    set_rgb(cr, k_ink);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);

    // North: the image direction of a step north from the raster's centre.
    {
        const Grid& g = layer.raster.grid;
        const Coord c = g.to_world(g.width() / 2.0, g.height() / 2.0);
        const double step = std::abs(g.transform().y_scale) + std::abs(g.transform().x_rot);
        const auto [x0, y0] = to_image(c);
        const auto [x1, y1] = to_image({c.x, c.y + step});
        // Beside the map, under the legend: it hides no data and fits any map width.
        north_arrow(cr, legend_x + 22, out.map_y + leg.height + k_arrow_gap + 22, std::atan2(x1 - x0, -(y1 - y0)));
    }

    if (const auto m_cell = metres_per_cell_x(layer.raster.grid)) {
        const double m_per_px = *m_cell / out.px_per_cell;
        // About a third of the map, but long enough for its labels under a narrow map.
        const double metres = nice_length_m(std::max(0.3 * out.map_w, k_min_bar_px) * m_per_px);
        if (metres > 0) {
            out.scale_bar_m = metres;
            scale_bar(cr, out.map_x, out.map_y + out.map_h + 14, metres / m_per_px, metres,
                      layer.raster.grid.crs().geographic);
        }
    }

    legend(cr, lc, legend_x, out.map_y, true);

    cairo_surface_flush(canvas.get());
    if (cairo_surface_write_to_png_stream(canvas.get(), append_png, &out.png) != CAIRO_STATUS_SUCCESS)
        throw Error("map layer '" + layer.name + "': cannot encode the PNG");
    return out;
}

}  // namespace bluecarbon::report
