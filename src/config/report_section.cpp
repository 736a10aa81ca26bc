// [report]: what the report shows.
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.report;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "report"};
    if (s.get("title")) c.title = s.required_string("title");
    if (const auto* list = s.array("layers")) {
        c.layers_origin = s.origin("layers");
        c.layers.clear();
        const auto& known = report_layer_names();
        for (const auto& n : *list) {
            const auto v = n.value<std::string>();
            if (!v || std::find(known.begin(), known.end(), *v) == known.end())
                fail_at(s.ctx(), line_of(n), s.key("layers"),
                        fmt::format("unknown layer {} (known: {})", v ? "\"" + *v + "\"" : type_name(n), join(known)));
            if (std::find(c.layers.begin(), c.layers.end(), *v) == c.layers.end()) c.layers.push_back(*v);
        }
    }
}

}  // namespace

SectionParser report_section() { return {"report", {"title", "layers"}, parse}; }

}  // namespace bluecarbon::config::detail
