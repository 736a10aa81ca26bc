// [parcels]: the credit parcels and their eligibility rules.
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.parcels;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "parcels"};
    c.path = s.path("path");
}

}  // namespace

SectionParser parcels_section() { return {"parcels", {"path"}, parse}; }

}  // namespace bluecarbon::config::detail
