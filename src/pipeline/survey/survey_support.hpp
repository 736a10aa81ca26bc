// Private to the survey entry points: reading their tables, the QA policy (stop or drop), pass-through columns,
// staged all-or-nothing outputs and JSON helpers.
#pragma once
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/science/survey/monte_carlo.hpp>
#include <bluecarbon/science/survey/qa.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bluecarbon::pipeline::survey {

using json = nlohmann::ordered_json;

/// `path` read as CSV; RequestError("<field>", "<path>: no such file") when it does not exist.
[[nodiscard]] CsvTable read_table(const std::filesystem::path& path, const std::string& field);

/// Stops on the first issue, or (with drop) records every issue for qa.csv.
struct QaLog {
    bool drop{false};
    std::vector<std::vector<std::string>> rows;  // file, line, column, rule, value, message

    void handle(const CsvTable& table, std::vector<science::survey::QaIssue> issues);
    [[nodiscard]] std::string csv() const;
};

/// Input columns passed through to an output; a name the output computes itself is renamed "input_<name>".
[[nodiscard]] std::vector<std::string> passthrough_header(const CsvTable& t, const std::vector<std::string>& computed);

/// Records that survived QA, with the table row each came from (rows are identified by their line).
template <typename Record>
std::vector<std::size_t> rows_of(const CsvTable& t, const std::vector<Record>& records) {
    std::unordered_map<std::size_t, std::size_t> row_by_line;
    for (std::size_t r = 0; r < t.size(); ++r) row_by_line.emplace(t.rows()[r].line, r);
    std::vector<std::size_t> rows;
    rows.reserve(records.size());
    for (const auto& rec : records) rows.push_back(row_by_line.at(rec.line));
    return rows;
}

/// All-or-nothing output: add() keeps the text; commit() writes every file under a temporary name through one
/// OutputTransaction and renames them all only when every one is written (a failure leaves nothing behind).
class StagedOutputs {
public:
    explicit StagedOutputs(std::filesystem::path dir) : m_dir(std::move(dir)) {}
    void add(const std::string& name, std::string text) { m_files.emplace_back(name, std::move(text)); }
    /// Creates the folder if needed (InputError when it is not writable), writes, renames; returns the paths.
    std::vector<std::filesystem::path> commit();

private:
    std::filesystem::path m_dir;
    std::vector<std::pair<std::string, std::string>> m_files;
};

inline std::string num(double v) { return format_number(v); }
inline json jnum(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
[[nodiscard]] json summary_json(const science::survey::McSummary& s);

}  // namespace bluecarbon::pipeline::survey
