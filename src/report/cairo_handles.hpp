#pragma once
// Private to report: one owner type per Cairo handle.
#include <cairo.h>

#include <memory>

namespace bluecarbon::report::detail {

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
struct FontOptionsDeleter {
    void operator()(cairo_font_options_t* f) const noexcept { cairo_font_options_destroy(f); }
};
struct PatternDeleter {
    void operator()(cairo_pattern_t* p) const noexcept { cairo_pattern_destroy(p); }
};

using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;
using FontOptionsPtr = std::unique_ptr<cairo_font_options_t, FontOptionsDeleter>;
using PatternPtr = std::unique_ptr<cairo_pattern_t, PatternDeleter>;

}  // namespace bluecarbon::report::detail
