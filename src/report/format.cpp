#include <bluecarbon/report/format.hpp>

#include <fmt/format.h>

#include <cmath>

namespace bluecarbon::report {

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string fixed(double value, int decimals) {
    if (!std::isfinite(value)) return "n/a";
    std::string s = fmt::format("{:.{}f}", value, decimals);
    // A value that rounds to zero prints without a sign ("-0.00" would read as a negative amount).
    if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
    return s;
}

std::string grouped(double value, int decimals) {
    std::string s = fixed(value, decimals);
    if (s == "n/a") return s;
    const bool negative = s.front() == '-';
    const std::size_t start = negative ? 1 : 0;
    const std::size_t dot = s.find('.');
    const std::size_t int_end = dot == std::string::npos ? s.size() : dot;
    std::string out = negative ? "-" : "";
    const std::size_t digits = int_end - start;
    for (std::size_t i = 0; i < digits; ++i) {
        if (i > 0 && (digits - i) % 3 == 0) out += ',';
        out += s[start + i];
    }
    out += s.substr(int_end);
    return out;
}

}  // namespace bluecarbon::report
