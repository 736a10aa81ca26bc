#pragma once
// Decodes a PNG (through Cairo, as a viewer would) to read back pixels in the map tests.
#include <bluecarbon/report/report_data.hpp>

#include <cairo.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace bluecarbon::test {

class PngPixels {
public:
    explicit PngPixels(const std::string& png) {
        Reader r{&png, 0};
        m_surface.reset(cairo_image_surface_create_from_png_stream(&Reader::read, &r));
        if (cairo_surface_status(m_surface.get()) != CAIRO_STATUS_SUCCESS) throw std::runtime_error("not a PNG");
    }
    [[nodiscard]] int width() const { return cairo_image_surface_get_width(m_surface.get()); }
    [[nodiscard]] int height() const { return cairo_image_surface_get_height(m_surface.get()); }
    [[nodiscard]] report::Rgb at(int x, int y) const {
        const unsigned char* data = cairo_image_surface_get_data(m_surface.get());
        const int stride = cairo_image_surface_get_stride(m_surface.get());
        const auto px = *reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride + 4 * x);
        return {static_cast<std::uint8_t>(px >> 16), static_cast<std::uint8_t>(px >> 8),
                static_cast<std::uint8_t>(px)};
    }

private:
    struct Reader {
        const std::string* bytes;
        std::size_t pos;
        static cairo_status_t read(void* closure, unsigned char* out, unsigned int length) {
            auto* r = static_cast<Reader*>(closure);
            if (r->pos + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
            std::copy_n(r->bytes->data() + r->pos, length, out);
            r->pos += length;
            return CAIRO_STATUS_SUCCESS;
        }
    };
    struct Deleter {
        void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
    };
    std::unique_ptr<cairo_surface_t, Deleter> m_surface;
};

}  // namespace bluecarbon::test
