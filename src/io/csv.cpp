#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace bluecarbon {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// One record as parsed: fields, whether each was quoted (quoted fields are not trimmed), and its first line.
struct RawRecord {
    std::size_t line{0};
    std::vector<std::string> fields;
};

// RFC 4180 state machine over the whole text. Records are split on LF / CRLF / CR outside quotes.
std::vector<RawRecord> split_records(std::string_view text, const std::string& source) {
    std::vector<RawRecord> records;
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
        text.remove_prefix(3);

    std::size_t line = 1;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        RawRecord rec;
        rec.line = line;
        bool end_of_record = false;
        while (!end_of_record) {
            std::string field;
            // Leading blanks before an opening quote are allowed (and dropped).
            std::size_t j = i;
            while (j < n && is_blank(text[j])) ++j;
            if (j < n && text[j] == '"') {
                const std::size_t quote_line = line;
                i = j + 1;
                bool closed = false;
                while (i < n) {
                    const char c = text[i];
                    if (c == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field.push_back('"');
                            i += 2;
                            continue;
                        }
                        closed = true;
                        ++i;
                        break;
                    }
                    if (c == '\n') ++line;
                    if (c == '\r') {
                        // CR or CRLF inside a quoted field counts as one line break.
                        if (!(i + 1 < n && text[i + 1] == '\n')) ++line;
                    }
                    field.push_back(c);
                    ++i;
                }
                if (!closed)
                    throw InputError(source + ":" + std::to_string(quote_line) +
                                     ": quoted field is never closed (missing '\"')");
                while (i < n && is_blank(text[i])) ++i;
                if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                    throw InputError(source + ":" + std::to_string(line) +
                                     ": unexpected text after a closing quote (quote the whole field, and double "
                                     "any quote inside it)");
            } else {
                while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    if (text[i] == '"')
                        throw InputError(source + ":" + std::to_string(line) +
                                         ": a quote inside an unquoted field (quote the whole field and double the "
                                         "quote: \"\")");
                    field.push_back(text[i]);
                    ++i;
                }
                field = std::string(trim(field));
            }
            rec.fields.push_back(std::move(field));
            if (i >= n) {
                end_of_record = true;
            } else if (text[i] == ',') {
                ++i;
                if (i >= n) {  // a trailing comma at end of text: one more (empty) field
                    rec.fields.emplace_back();
                    end_of_record = true;
                }
            } else {  // line break
                if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
                ++i;
                ++line;
                end_of_record = true;
            }
        }
        records.push_back(std::move(rec));
    }
    return records;
}

bool all_empty(const std::vector<std::string>& fields) noexcept {
    return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); });
}

}  // namespace

CsvTable::CsvTable(std::string source, std::vector<std::string> header, std::vector<CsvRow> rows)
    : m_source(std::move(source)), m_header(std::move(header)), m_rows(std::move(rows)) {}

std::optional<std::size_t> CsvTable::find_column(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < m_header.size(); ++i)
        if (iequals(m_header[i], name)) return i;
    return std::nullopt;
}

std::size_t CsvTable::require_column(std::string_view name) const {
    if (auto c = find_column(name)) return *c;
    std::string have;
    for (const auto& h : m_header) have += (have.empty() ? "" : ", ") + h;
    throw InputError(m_source + ": missing column '" + std::string(name) + "' (columns: " + have + ")");
}

std::string CsvTable::location(std::size_t row, std::size_t column) const {
    return m_source + ":" + std::to_string(m_rows.at(row).line) + ": column '" + m_header.at(column) + "'";
}

InputError CsvTable::error(std::size_t row, std::size_t column, std::string_view message) const {
    return InputError(location(row, column) + ": " + std::string(message));
}

namespace {

// Leading lines that start with '#' (a table's comment, as plots.csv's header comment) blanked out, their line
// breaks kept so line numbers stay those of the file.
std::string blank_leading_comments(std::string_view text) {
    std::string out(text);
    std::size_t pos = out.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    while (pos < out.size() && out[pos] == '#') {
        const std::size_t end = out.find('\n', pos);
        std::size_t stop = end == std::string::npos ? out.size() : end;
        if (stop > pos && out[stop - 1] == '\r') --stop;  // keep a CRLF's CR
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(pos), out.begin() + static_cast<std::ptrdiff_t>(stop),
                  ' ');
        pos = end == std::string::npos ? out.size() : end + 1;
    }
    return out;
}

}  // namespace

CsvTable parse_csv(std::string_view text, std::string source) {
    const std::string uncommented = blank_leading_comments(text);
    auto records = split_records(uncommented, source);
    // Skip leading blank lines before the header.
    std::size_t first = 0;
    while (first < records.size() && all_empty(records[first].fields)) ++first;
    if (first == records.size()) throw InputError(source + ": empty file (no header row)");

    std::vector<std::string> header = records[first].fields;
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (header[c].empty())
            throw InputError(source + ":" + std::to_string(records[first].line) + ": column " +
                             std::to_string(c + 1) + " has no name in the header");
        for (std::size_t d = 0; d < c; ++d)
            if (iequals(header[c], header[d]))
                throw InputError(source + ":" + std::to_string(records[first].line) + ": column '" + header[c] +
                                 "' appears twice in the header");
    }

    std::vector<CsvRow> rows;
    rows.reserve(records.size() - first - 1);
    for (std::size_t r = first + 1; r < records.size(); ++r) {
        auto& rec = records[r];
        if (all_empty(rec.fields)) continue;
        if (rec.fields.size() != header.size())
            throw InputError(source + ":" + std::to_string(rec.line) + ": expected " + std::to_string(header.size()) +
                             " fields (as in the header), found " + std::to_string(rec.fields.size()));
        rows.push_back(CsvRow{rec.line, std::move(rec.fields)});
    }
    return CsvTable(std::move(source), std::move(header), std::move(rows));
}

CsvTable read_csv(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open CSV file");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw InputError(path.string() + ": cannot read CSV file");
    return parse_csv(buf.str(), path.string());
}

bool is_missing_field(std::string_view field) noexcept {
    const auto f = trim(field);
    return f.empty() || iequals(f, "NA") || iequals(f, "N/A") || iequals(f, "NaN") || iequals(f, "null");
}

std::optional<double> parse_number(std::string_view field) noexcept {
    auto f = trim(field);
    if (!f.empty() && f.front() == '+') {
        f.remove_prefix(1);
        if (!f.empty() && (f.front() == '-' || f.front() == '+')) return std::nullopt;
    }
    if (f.empty()) return std::nullopt;
    double v = 0.0;
    const auto* end = f.data() + f.size();
    const auto [ptr, ec] = std::from_chars(f.data(), end, v, std::chars_format::general);
    if (ec != std::errc{} || ptr != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

CsvWriter::CsvWriter(std::vector<std::string> header) : m_header(std::move(header)) {}

void CsvWriter::add_row(std::vector<std::string> fields) {
    if (fields.size() != m_header.size())
        throw std::invalid_argument("CsvWriter: row has " + std::to_string(fields.size()) + " fields, header has " +
                                    std::to_string(m_header.size()));
    m_rows.push_back(std::move(fields));
}

std::string CsvWriter::quote(std::string_view field) {
    const bool needs = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                       (!field.empty() && (is_blank(field.front()) || is_blank(field.back())));
    if (!needs) return std::string(field);
    std::string out;
    out.reserve(field.size() + 2);
    out.push_back('"');
    for (char c : field) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string CsvWriter::str() const {
    std::string out;
    auto append_row = [&out](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) out.push_back(',');
            out += quote(fields[i]);
        }
        out.push_back('\n');
    };
    append_row(m_header);
    for (const auto& r : m_rows) append_row(r);
    return out;
}

std::string format_number(double value) {
    if (!std::isfinite(value)) return {};
    std::array<char, 64> buf{};
    const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    if (ec != std::errc{}) return {};
    return std::string(buf.data(), ptr);
}

std::string format_fixed(double value, int decimals) {
    if (!std::isfinite(value)) return {};
    std::array<char, 128> buf{};
    const auto [ptr, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, decimals);
    if (ec != std::errc{}) return format_number(value);
    std::string s(buf.data(), ptr);
    if (s.find_first_not_of("-0.") == std::string::npos && !s.empty() && s.front() == '-') s.erase(0, 1);  // "-0.00"
    return s;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view text) {
    write_text_file(path, std::string(text));
}

}  // namespace bluecarbon
