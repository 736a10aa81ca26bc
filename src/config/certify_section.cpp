// [certify] (signing key, certificate options) and [registry] (the database credits are issued into).
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

void parse_certify(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    cfg.certify.present = true;
    cfg.certify.origin = Origin{s.ctx().file, s.line(), "certify"};
}

void parse_registry(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    cfg.registry.present = true;
    cfg.registry.origin = Origin{s.ctx().file, s.line(), "registry"};
}

}  // namespace

SectionParser certify_section() { return {"certify", {}, parse_certify}; }
SectionParser registry_section() { return {"registry", {}, parse_registry}; }

}  // namespace bluecarbon::config::detail
