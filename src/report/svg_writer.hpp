#pragma once
// Private to report: a minimal SVG builder. Every number goes through num() and every text through xml_escape,
// so callers cannot emit locale-dependent digits or unescaped markup.
#include <bluecarbon/report/format.hpp>

#include <string>
#include <string_view>

namespace bluecarbon::report::detail {

/// Up to two decimals, trailing zeros dropped: "12", "12.5", "0.25".
[[nodiscard]] std::string num(double v);

class Svg {
public:
    /// `title` becomes the <title> child (the accessible name) and the aria-label.
    Svg(double width, double height, std::string_view title);
    void rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip = {});
    void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1);
    void circle(double cx, double cy, double r, std::string_view fill, std::string_view tooltip = {});
    /// anchor: "start", "middle" or "end"; rotate in degrees about (x, y).
    void text(double x, double y, std::string_view s, std::string_view anchor = "start", double size = 12,
              double rotate = 0, bool bold = false);
    [[nodiscard]] std::string finish();

private:
    std::string m_out;
};

}  // namespace bluecarbon::report::detail
