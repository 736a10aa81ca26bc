#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/profile_table.hpp>

#include <cctype>
#include <fstream>
#include <sstream>

namespace bluecarbon {

namespace {
std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}
}  // namespace

ParameterTable read_parameter_table(const std::filesystem::path& path, const std::vector<std::string>& required_metadata) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open parameter table");
    ParameterTable table;
    table.path = path;
    // Comment lines become empty lines, so the CSV parser's line numbers stay those of the file.
    std::ostringstream csv;
    std::string line;
    while (std::getline(in, line)) {
        const std::string t = trim(line);
        if (!t.empty() && t.front() == '#') {
            const auto colon = t.find(':');
            if (colon != std::string::npos) {
                const std::string key = trim(std::string_view(t).substr(1, colon - 1));
                if (!key.empty() && key.find(' ') == std::string::npos) {
                    table.metadata[key] = trim(std::string_view(t).substr(colon + 1));
                }
            }
            csv << '\n';
        } else {
            csv << line << '\n';
        }
    }
    const CsvTable t = parse_csv(csv.str(), path.filename().string());
    const std::size_t cp = t.require_column("parameter");
    const std::size_t cv = t.require_column("value");
    const std::size_t cs = t.require_column("source");
    const auto cu = t.find_column("unit");
    for (std::size_t r = 0; r < t.size(); ++r) {
        ParameterTableRow row;
        row.parameter = t.field(r, cp);
        row.value = t.field(r, cv);
        row.source = t.field(r, cs);
        row.unit = cu ? t.field(r, *cu) : std::string();
        row.origin = path.filename().string() + ":" + std::to_string(t.rows()[r].line);
        if (row.parameter.empty()) throw t.error(r, cp, "empty parameter name");
        if (row.value.empty()) throw t.error(r, cv, "empty value");
        if (row.source.empty()) throw t.error(r, cs, "every row must name its source");
        table.rows.push_back(std::move(row));
    }
    for (const auto& key : required_metadata) {
        if (!table.metadata.contains(key)) {
            throw ConfigError(path.string() + ": missing '# " + key + ": ...' line");
        }
    }
    return table;
}

}  // namespace bluecarbon
