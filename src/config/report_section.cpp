// [report]: what the report shows.
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.report;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "report"};
}

}  // namespace

SectionParser report_section() { return {"report", {}, parse}; }

}  // namespace bluecarbon::config::detail
