#pragma once
// Reading one project-file section: the file context, one-line errors (file:line: key: problem) and the
// Section reader every section parser uses. Private to the config module; each section's parser lives in its
// own file (project_config.cpp for the core sections, <name>_section.cpp for the later ones).
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::config::detail {

namespace fs = std::filesystem;

struct Ctx {
    std::string file;  // as the user named it, for messages
    fs::path dir;      // base of relative paths
};

inline int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

[[noreturn]] inline void fail_at(const Ctx& ctx, int line, const std::string& key, const std::string& msg) {
    if (line > 0) throw ConfigError(fmt::format("{}:{}: {}: {}", ctx.file, line, key, msg));
    throw ConfigError(fmt::format("{}: {}: {}", ctx.file, key, msg));
}

inline std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "a boolean";
        default: return "a date/time";
    }
}

inline std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// One TOML table being read: hands out values by key, remembers which keys were read, and reports any other
// key as unknown (with the line of that key).
class Section {
public:
    Section(const Ctx& ctx, const toml::table& t, std::string prefix, std::vector<std::string> known, int line = 0)
        : m_ctx(ctx), m_t(t), m_prefix(std::move(prefix)), m_known(std::move(known)), m_line(line) {}

    [[nodiscard]] std::string key(const std::string& k) const { return m_prefix.empty() ? k : m_prefix + "." + k; }
    [[nodiscard]] const Ctx& ctx() const noexcept { return m_ctx; }
    [[nodiscard]] const toml::table& table() const noexcept { return m_t; }
    [[nodiscard]] int line() const noexcept { return m_line > 0 ? m_line : line_of(m_t); }

    [[nodiscard]] const toml::node* get(const std::string& k) const { return m_t.get(k); }
    [[nodiscard]] int line_of_key(const std::string& k) const {
        const auto* n = get(k);
        return n ? line_of(*n) : line();
    }
    [[nodiscard]] Origin origin(const std::string& k) const { return Origin{m_ctx.file, line_of_key(k), key(k)}; }

    [[noreturn]] void fail(const std::string& k, const std::string& msg) const {
        fail_at(m_ctx, line_of_key(k), key(k), msg);
    }
    [[noreturn]] void fail_section(const std::string& msg) const { fail_at(m_ctx, line(), m_prefix, msg); }

    [[nodiscard]] std::optional<std::string> string(const std::string& k) const {
        const auto* n = get(k);
        if (!n) return std::nullopt;
        if (!n->is_string()) fail(k, "expected a string, found " + type_name(*n));
        return n->value<std::string>();
    }
    [[nodiscard]] std::string required_string(const std::string& k) const {
        auto s = string(k);
        if (!s) fail_section(fmt::format("missing key \"{}\"", k));
        if (s->empty()) fail(k, "must not be empty");
        return *s;
    }
    [[nodiscard]] std::optional<double> number(const std::string& k) const {
        const auto* n = get(k);
        if (!n) return std::nullopt;
        if (!n->is_number()) fail(k, "expected a number, found " + type_name(*n));
        const double v = *n->value<double>();
        if (!std::isfinite(v)) fail(k, "must be a finite number");
        return v;
    }
    [[nodiscard]] double required_number(const std::string& k) const {
        auto v = number(k);
        if (!v) fail_section(fmt::format("missing key \"{}\"", k));
        return *v;
    }
    [[nodiscard]] std::optional<std::int64_t> integer(const std::string& k) const {
        const auto* n = get(k);
        if (!n) return std::nullopt;
        if (!n->is_integer()) fail(k, "expected an integer, found " + type_name(*n));
        return n->value<std::int64_t>();
    }
    [[nodiscard]] std::optional<fs::path> path(const std::string& k) const {
        auto s = string(k);
        if (!s) return std::nullopt;
        if (s->empty()) fail(k, "must not be empty");
        fs::path p(*s);
        return (p.is_absolute() ? p : m_ctx.dir / p).lexically_normal();
    }
    [[nodiscard]] const toml::table* subtable(const std::string& k) const {
        const auto* n = get(k);
        if (!n) return nullptr;
        if (!n->is_table()) fail(k, "expected a table, found " + type_name(*n));
        return n->as_table();
    }
    [[nodiscard]] const toml::array* array(const std::string& k) const {
        const auto* n = get(k);
        if (!n) return nullptr;
        if (!n->is_array()) fail(k, "expected an array, found " + type_name(*n));
        return n->as_array();
    }
    /// Rejects keys not in the known list.
    void check_keys() const {
        for (auto&& [k, v] : m_t) {
            const std::string name(k.str());
            if (std::find(m_known.begin(), m_known.end(), name) == m_known.end())
                fail_at(m_ctx, static_cast<int>(k.source().begin.line) > 0 ? static_cast<int>(k.source().begin.line)
                                                                           : line_of(v),
                        key(name), fmt::format("unknown key (known: {})", join(m_known)));
        }
    }

private:
    const Ctx& m_ctx;
    const toml::table& m_t;
    std::string m_prefix;
    std::vector<std::string> m_known;
    int m_line;
};


/// A habitat name at `k` (for error messages; `n` is the value node).
[[nodiscard]] science::Habitat parse_habitat_value(const Section& s, const std::string& k, const toml::node& n);

/// A later section's parser: its name, its known keys and the function filling ProjectConfig from it.
struct SectionParser {
    const char* name;
    std::vector<std::string> keys;
    void (*parse)(const Section&, ProjectConfig&);
};

// One per file, in the order parse_project runs them (after the core sections).
[[nodiscard]] SectionParser parcels_section();   // parcels_section.cpp
[[nodiscard]] SectionParser credits_section();   // credits_section.cpp
[[nodiscard]] SectionParser certify_section();   // certify_section.cpp ([certify] and [registry])
[[nodiscard]] SectionParser registry_section();  // certify_section.cpp
[[nodiscard]] SectionParser lots_section();      // lots_section.cpp
[[nodiscard]] SectionParser report_section();    // report_section.cpp

}  // namespace bluecarbon::config::detail
