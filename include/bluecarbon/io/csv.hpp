#pragma once
/// CSV tables (RFC 4180): reading with columns found by header name (any order, extra columns kept), line
/// numbers for every row so errors name file, line and column, and writing with correct quoting. Plain C++:
/// no GDAL. Reading and writing are thread-safe (no shared state).
///
/// Reading rules: fields are separated by commas; a field may be enclosed in double quotes, inside which commas,
/// line breaks and doubled quotes ("") are literal. Line ends may be LF or CRLF; a UTF-8 byte-order mark is
/// skipped, and so are lines starting with '#' before the header (a table's comment). Unquoted fields are
/// trimmed of surrounding blanks. Lines that are empty, or rows whose fields are all empty (as spreadsheets
/// export), are skipped. Every other row must have exactly as many fields as the
/// header. Header names are trimmed, must be non-empty and unique (case-insensitive).
#include <bluecarbon/error.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon {

/// One data row: its fields and the (1-based) line of the file where the row starts.
struct CsvRow {
    std::size_t line{0};
    std::vector<std::string> fields;
};

/// A parsed table: header, rows, and the name of its source for messages.
class CsvTable {
  public:
    CsvTable() = default;
    CsvTable(std::string source, std::vector<std::string> header, std::vector<CsvRow> rows);

    /// The file (or label) the table came from, as used in messages.
    [[nodiscard]] const std::string& source() const noexcept { return m_source; }
    [[nodiscard]] const std::vector<std::string>& header() const noexcept { return m_header; }
    [[nodiscard]] const std::vector<CsvRow>& rows() const noexcept { return m_rows; }
    [[nodiscard]] std::size_t size() const noexcept { return m_rows.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_rows.empty(); }

    /// Index of the column named `name` (case-insensitive), or nullopt.
    [[nodiscard]] std::optional<std::size_t> find_column(std::string_view name) const noexcept;
    /// Index of the column named `name`; throws InputError "<source>: missing column 'name' (has: a, b, ...)".
    [[nodiscard]] std::size_t require_column(std::string_view name) const;
    /// The field at (row, column); both must be in range.
    [[nodiscard]] const std::string& field(std::size_t row, std::size_t column) const {
        return m_rows.at(row).fields.at(column);
    }
    /// "<source>:<line>: column '<name>'" for messages.
    [[nodiscard]] std::string location(std::size_t row, std::size_t column) const;
    /// An InputError "<source>:<line>: column '<name>': <message>".
    [[nodiscard]] InputError error(std::size_t row, std::size_t column, std::string_view message) const;

  private:
    std::string m_source;
    std::vector<std::string> m_header;
    std::vector<CsvRow> m_rows;
};

/// Parses CSV text. `source` names the text in messages. Throws InputError "<source>:<line>: ..." for an
/// unterminated quote, text after a closing quote, a row with the wrong number of fields, or a bad header.
[[nodiscard]] CsvTable parse_csv(std::string_view text, std::string source);
/// Reads and parses a CSV file. Throws InputError naming the path when it cannot be read or parsed.
[[nodiscard]] CsvTable read_csv(const std::filesystem::path& path);

/// True for a field that means "no value": empty, "NA", "N/A", "NaN" or "null" (case-insensitive).
[[nodiscard]] bool is_missing_field(std::string_view field) noexcept;
/// Parses a whole field as a finite decimal number (leading sign, decimal point and exponent allowed;
/// surrounding blanks ignored). nullopt when the field is not entirely a finite number.
[[nodiscard]] std::optional<double> parse_number(std::string_view field) noexcept;

/// Builds CSV text row by row with RFC 4180 quoting (fields holding a comma, quote, CR or LF are quoted).
class CsvWriter {
  public:
    explicit CsvWriter(std::vector<std::string> header);
    /// Appends a row; throws std::invalid_argument when its size differs from the header's.
    void add_row(std::vector<std::string> fields);
    [[nodiscard]] const std::vector<std::string>& header() const noexcept { return m_header; }
    [[nodiscard]] std::size_t size() const noexcept { return m_rows.size(); }
    /// The whole table, header first, LF line ends, a final LF.
    [[nodiscard]] std::string str() const;

    /// One field, quoted when needed.
    [[nodiscard]] static std::string quote(std::string_view field);

  private:
    std::vector<std::string> m_header;
    std::vector<std::vector<std::string>> m_rows;
};

/// The shortest decimal text that reads back as exactly `value` ("0.1", "123.45", "1e-07"); NaN and ±inf give
/// an empty string (an empty CSV field means "no value").
[[nodiscard]] std::string format_number(double value);
/// `value` rounded to `decimals` places in fixed notation ("12.35"); NaN and ±inf give an empty string.
[[nodiscard]] std::string format_fixed(double value, int decimals);

/// Writes `text` to `path` atomically (io's write_text_file: a temporary file in the same folder, then a rename
/// over `path`), so readers never see a partial file. Throws IoError naming the path on failure (the temporary
/// file is removed). For several files that must appear together, use OutputTransaction (io/raster_sink.hpp).
void write_file_atomic(const std::filesystem::path& path, std::string_view text);

}  // namespace bluecarbon
