#include "svg_writer.hpp"

#include <fmt/format.h>

namespace bluecarbon::report::detail {

std::string num(double v) {
    std::string s = fixed(v, 2);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s;
}

Svg::Svg(double width, double height, std::string_view title) {
    m_out = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
        "role=\"img\" aria-label=\"{2}\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n<title>{2}</title>\n"
        "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
        num(width), num(height), xml_escape(title));
}

void Svg::rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip) {
    m_out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"", num(x), num(y), num(w),
                         num(h), xml_escape(fill));
    m_out += tooltip.empty() ? "/>\n" : fmt::format("><title>{}</title></rect>\n", xml_escape(tooltip));
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width) {
    m_out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>\n",
                         num(x1), num(y1), num(x2), num(y2), xml_escape(stroke), num(width));
}

void Svg::circle(double cx, double cy, double r, std::string_view fill, std::string_view tooltip) {
    m_out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"", num(cx), num(cy), num(r),
                         xml_escape(fill));
    m_out += tooltip.empty() ? "/>\n" : fmt::format("><title>{}</title></circle>\n", xml_escape(tooltip));
}

void Svg::text(double x, double y, std::string_view s, std::string_view anchor, double size, double rotate,
               bool bold) {
    m_out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\"", num(x), num(y),
                         xml_escape(anchor), num(size));
    if (bold) m_out += " font-weight=\"bold\"";
    if (rotate != 0) m_out += fmt::format(" transform=\"rotate({} {} {})\"", num(rotate), num(x), num(y));
    m_out += fmt::format(" fill=\"#202020\">{}</text>\n", xml_escape(s));
}

std::string Svg::finish() {
    m_out += "</svg>\n";
    return std::move(m_out);
}

}  // namespace bluecarbon::report::detail
