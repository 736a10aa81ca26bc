#include "pipeline/survey/survey_support.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/survey/taxon.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace bluecarbon::pipeline::survey {

namespace fs = std::filesystem;
namespace ss = science::survey;

namespace {
// The request field, and the command-line flag, that turn a stop into a dropped row.
constexpr const char* k_drop_hint = "drop_invalid (--drop-invalid) drops such rows and lists them in qa.csv";
}  // namespace

CsvTable read_table(const fs::path& path, const std::string& field) {
    if (!fs::exists(path)) throw RequestError(field, path.string() + ": no such file");
    return read_csv(path);
}

void QaLog::handle(const CsvTable& table, std::vector<ss::QaIssue> issues) {
    std::stable_sort(issues.begin(), issues.end(),
                     [](const ss::QaIssue& a, const ss::QaIssue& b) { return a.line < b.line; });
    if (issues.empty()) return;
    if (!drop)
        throw InputError(format_issue(table, issues.front()) +
                         (issues.size() > 1 ? fmt::format(" (and {} more; {})", issues.size() - 1, k_drop_hint)
                                            : fmt::format(" ({})", k_drop_hint)));
    for (const auto& q : issues)
        rows.push_back({table.source(), std::to_string(q.line), q.column, q.rule, q.value, q.message});
}

std::string QaLog::csv() const {
    CsvWriter w({"file", "line", "column", "rule", "value", "message"});
    for (const auto& r : rows) w.add_row(r);
    return w.str();
}

std::vector<std::string> passthrough_header(const CsvTable& t, const std::vector<std::string>& computed) {
    std::vector<std::string> h;
    for (const auto& name : t.header()) {
        const bool clash = std::any_of(computed.begin(), computed.end(), [&](const std::string& c) {
            return ss::normalize_name(c) == ss::normalize_name(name);
        });
        h.push_back(clash ? "input_" + name : name);
    }
    return h;
}

std::vector<fs::path> StagedOutputs::commit() {
    ensure_writable_dir(m_dir);
    OutputTransaction transaction;
    std::vector<fs::path> done;
    for (const auto& [name, text] : m_files) {
        write_text_file(m_dir / name, text, &transaction);
        done.push_back(m_dir / name);
    }
    transaction.commit();
    return done;
}

json summary_json(const ss::McSummary& s) {
    return json{{"mean", jnum(s.mean)},         {"median", jnum(s.median)},       {"sd", jnum(s.sd)},
                {"ci90_low", jnum(s.ci90_low)}, {"ci90_high", jnum(s.ci90_high)}, {"draws", s.draws}};
}

}  // namespace bluecarbon::pipeline::survey
