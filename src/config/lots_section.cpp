// [lots]: grouping available credits into auction lots.
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.lots;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "lots"};
}

}  // namespace

SectionParser lots_section() { return {"lots", {}, parse}; }

}  // namespace bluecarbon::config::detail
