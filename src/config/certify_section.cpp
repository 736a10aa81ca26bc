// [certify] (signing key, certificate options) and [registry] (the database credits are issued into).
#include "config/toml_section.hpp"

#include <cstdio>

namespace bluecarbon::config::detail {

namespace {

/// Letters, digits, '_' and '-': a project id appears inside serials and file names.
bool is_id(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

bool is_code(const std::string& s) { return is_id(s) && s.find('-') == std::string::npos; }

bool boolean(const Section& s, const std::string& k) {
    const auto* n = s.get(k);
    if (!n) return false;
    if (!n->is_boolean()) s.fail(k, "expected true or false, found " + type_name(*n));
    return *n->value<bool>();
}

/// A TOML date (2025-06-30) or the same as a string; calendar-checked.
std::optional<std::string> date(const Section& s, const std::string& k) {
    const auto* n = s.get(k);
    if (!n) return std::nullopt;
    int y = 0, m = 0, d = 0;
    if (const auto* dt = n->as_date()) {
        y = dt->get().year;
        m = dt->get().month;
        d = dt->get().day;
    } else if (n->is_string()) {
        const std::string t = *n->value<std::string>();
        char tail = 0;
        if (t.size() != 10 || std::sscanf(t.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
            s.fail(k, "expected a date YYYY-MM-DD, got \"" + t + "\"");
    } else {
        s.fail(k, "expected a date YYYY-MM-DD, found " + type_name(*n));
    }
    const int days[] = {31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31,
                        30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) s.fail(k, "not a calendar date");
    return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

void parse_certify(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.certify;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "certify"};
    c.key = s.path("key");
    c.key_origin = s.origin("key");
    c.project_id = s.required_string("project_id");
    if (!is_id(c.project_id)) s.fail("project_id", "use letters, digits, '_' and '-' only");
    c.assessment_date = date(s, "assessment_date");
    c.sample_key = boolean(s, "sample_key");
}

void parse_registry(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& r = cfg.registry;
    r.present = true;
    r.origin = Origin{s.ctx().file, s.line(), "registry"};
    r.path = s.path("path");  // unset: <output>/registry.db (project_registry_path)
    r.name = s.required_string("name");
    if (!is_code(r.name)) s.fail("name", "use letters, digits and '_' only");
    if (const auto* keys = s.array("trust")) {
        for (const auto& k : *keys) {
            if (!k.is_string() || k.value<std::string>()->empty()) s.fail("trust", "expected key file names");
            const fs::path p(*k.value<std::string>());
            r.trust.push_back((p.is_absolute() ? p : s.ctx().dir / p).lexically_normal());
        }
    }
    r.issue = boolean(s, "issue");
}

}  // namespace

SectionParser certify_section() {
    return {"certify", {"key", "project_id", "assessment_date", "sample_key"}, parse_certify};
}
SectionParser registry_section() { return {"registry", {"path", "name", "trust", "issue"}, parse_registry}; }

}  // namespace bluecarbon::config::detail
