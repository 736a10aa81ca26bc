// [credits]: crediting period, profile and monitoring snapshots.
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.credits;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "credits"};
}

}  // namespace

SectionParser credits_section() { return {"credits", {}, parse}; }

}  // namespace bluecarbon::config::detail
