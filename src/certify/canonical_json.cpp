#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/error.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace bluecarbon::certify {

namespace {

/// Decodes UTF-8 into UTF-16 code units (the order RFC 8785 §3.2.3 sorts member names by); throws on malformed
/// UTF-8 (overlong forms, surrogates, code points above U+10FFFF, truncated sequences).
std::u16string utf16_units(std::string_view s) {
    std::u16string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = 0;
        std::size_t len = 0;
        if (b0 < 0x80) {
            cp = b0;
            len = 1;
        } else if ((b0 & 0xE0) == 0xC0) {
            cp = b0 & 0x1Fu;
            len = 2;
        } else if ((b0 & 0xF0) == 0xE0) {
            cp = b0 & 0x0Fu;
            len = 3;
        } else if ((b0 & 0xF8) == 0xF0) {
            cp = b0 & 0x07u;
            len = 4;
        } else {
            throw InputError("canonical JSON: a string is not valid UTF-8");
        }
        if (i + len > s.size()) throw InputError("canonical JSON: a string ends inside a UTF-8 sequence");
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) throw InputError("canonical JSON: a string is not valid UTF-8");
            cp = (cp << 6) | (b & 0x3Fu);
        }
        static constexpr std::uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < k_min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw InputError("canonical JSON: a string is not valid UTF-8");
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
        i += len;
    }
    return out;
}

/// JSON.stringify's string form (RFC 8785 §3.2.2.2): the two-character escapes where ECMAScript has them, \u00xx in
/// lower-case hex for the other controls, every other character as itself in UTF-8.
bool is_ascii(const std::string& s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void write_string(std::string& out, const std::string& s) {
    if (!is_ascii(s)) (void)utf16_units(s);  // validates
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out.push_back(hex[u >> 4]);
                out.push_back(hex[u & 0x0F]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

constexpr std::uint64_t k_max_exact_integer = std::uint64_t{1} << 53;

/// Compared as integers: converting first would round 2^53 + 1 down to 2^53 and let it pass.
template <typename Int>
double integer_as_double(Int v) {
    const std::uint64_t magnitude =
        v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    if (magnitude > k_max_exact_integer) {
        throw InputError("canonical JSON: integer " + std::to_string(v) + " is beyond ±2^53 (not an exact double)");
    }
    return static_cast<double>(v);
}

void write_value(std::string& out, const nlohmann::json& v) {
    using T = nlohmann::json::value_t;
    switch (v.type()) {
    case T::null: out += "null"; return;
    case T::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case T::number_integer: out += es_number(integer_as_double(v.get<std::int64_t>())); return;
    case T::number_unsigned: out += es_number(integer_as_double(v.get<std::uint64_t>())); return;
    case T::number_float: out += es_number(v.get<double>()); return;
    case T::string: write_string(out, v.get_ref<const std::string&>()); return;
    case T::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& e : v) {
            if (!first) out.push_back(',');
            first = false;
            write_value(out, e);
        }
        out.push_back(']');
        return;
    }
    case T::object: {
        // nlohmann keeps members in byte order, which is UTF-16 order for ASCII names (the usual case); otherwise
        // (the orders differ above U+FFFF) sort anew.
        bool ascii_names = true;
        for (auto it = v.cbegin(); it != v.cend() && ascii_names; ++it) ascii_names = is_ascii(it.key());
        if (ascii_names) {
            out.push_back('{');
            bool first = true;
            for (auto it = v.cbegin(); it != v.cend(); ++it) {
                if (!first) out.push_back(',');
                first = false;
                write_string(out, it.key());
                out.push_back(':');
                write_value(out, it.value());
            }
            out.push_back('}');
            return;
        }
        std::vector<std::pair<std::u16string, nlohmann::json::const_iterator>> members;
        members.reserve(v.size());
        for (auto it = v.cbegin(); it != v.cend(); ++it) members.emplace_back(utf16_units(it.key()), it);
        std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        out.push_back('{');
        bool first = true;
        for (const auto& [name, it] : members) {
            if (!first) out.push_back(',');
            first = false;
            write_string(out, it.key());
            out.push_back(':');
            write_value(out, it.value());
        }
        out.push_back('}');
        return;
    }
    case T::binary:
    case T::discarded: break;
    }
    throw InputError("canonical JSON: binary or discarded values have no JSON form");
}

}  // namespace

std::string es_number(double value) {
    if (!std::isfinite(value)) throw InputError("canonical JSON: NaN and infinity are not allowed (RFC 8785)");
    if (value == 0) return "0";  // also -0
    // Shortest round-trip digits (std::to_chars guarantees it), then ECMAScript's layout rules.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
    std::string out;
    if (sci.front() == '-') {
        out.push_back('-');
        sci.remove_prefix(1);
    }
    const auto e_pos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e_pos)) {
        if (c != '.') digits.push_back(c);
    }
    int exp10 = 0;
    std::string_view exp_text = sci.substr(e_pos + 1);
    if (exp_text.front() == '+') exp_text.remove_prefix(1);
    std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
    const int k = static_cast<int>(digits.size());
    const int n = exp10 + 1;  // the value is 0.digits × 10^n
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n));
        out.push_back('.');
        out += digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out.push_back(digits[0]);
        if (k > 1) {
            out.push_back('.');
            out += digits.substr(1);
        }
        out.push_back('e');
        out.push_back(n - 1 >= 0 ? '+' : '-');
        out += std::to_string(std::abs(n - 1));
    }
    return out;
}

std::string canonical_json(const nlohmann::json& value) {
    std::string out;
    write_value(out, value);
    return out;
}

bool is_canonical_json(const std::string& text) {
    try {
        return canonical_json(nlohmann::json::parse(text)) == text;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace bluecarbon::certify
