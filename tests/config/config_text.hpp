#pragma once
// Helpers for project-file tests: a project text built from parts, the error a text raises, and the line of a
// needle in a text (so an expected "file:line:" is found in the text itself, not counted by hand).
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include <string>

namespace bluecarbon::test {

/// A valid project with a reflectance input and a class map; `inputs` goes after [inputs.reflectance] (more
/// [inputs.x] tables or keys of it), `habitat` replaces the [habitat] section, `tail` is appended.
inline std::string project_text(const std::string& tail = "", const std::string& habitat = "",
                                const std::string& inputs = "") {
    const std::string hab =
        habitat.empty() ? "[habitat]\nmap = \"classes.tif\"\n[habitat.classes]\n1 = \"water\"\n2 = \"mangrove\"\n"
                        : habitat;
    return "[project]\nclimate_zone = \"subtropical\"\n[inputs.reflectance]\npath = \"refl.tif\"\n"
           "bands = { red = 2, nir = 3 }\n" +
           inputs + hab + tail;
}

/// The message of the ConfigError that parsing `text` (as "project.toml") raises, or "(no error)".
inline std::string config_error(const std::string& text) {
    try {
        (void)config::parse_project(text, "project.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

/// 1-based line of the first line of `text` that contains `needle` (0 when none does).
inline int line_with(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    if (at == std::string::npos)
        return 0;
    int line = 1;
    for (std::size_t i = 0; i < at; ++i)
        line += text[i] == '\n' ? 1 : 0;
    return line;
}

/// "project.toml:<line of needle>: <key>: <message>"
inline std::string at_line(const std::string& text, const std::string& needle, const std::string& key_and_message) {
    return "project.toml:" + std::to_string(line_with(text, needle)) + ": " + key_and_message;
}

} // namespace bluecarbon::test
