// [parcels]: the credit parcels and their eligibility rules.
#include "config/toml_section.hpp"

#include <limits>

namespace bluecarbon::config::detail {

namespace {

// A non-empty field or layer name.
std::optional<std::string> name(const Section& s, const std::string& k) {
    auto v = s.string(k);
    if (v && v->empty()) s.fail(k, "must not be empty");
    return v;
}

double in_range(const Section& s, const std::string& k, double fallback, double lo, double hi, const char* range) {
    const double v = s.number(k).value_or(fallback);
    if (v < lo || v > hi) s.fail(k, fmt::format("must be {} (got {})", range, v));
    return v;
}

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.parcels;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "parcels"};
    (void)s.required_string("path");
    c.path = s.path("path");
    c.path_origin = s.origin("path");
    c.layer = name(s, "layer").value_or("");
    c.id_field = name(s, "id").value_or("id");
    c.owner_field = name(s, "owner").value_or("owner");
    constexpr double inf = std::numeric_limits<double>::infinity();
    c.min_area_m2 = in_range(s, "min_area_m2", 400.0, 0.0, inf, "at least 0");
    c.min_tidal_share = in_range(s, "min_tidal_share", 0.5, 0.0, 1.0, "between 0 and 1");
    c.overlap_tolerance_m2 = in_range(s, "overlap_tolerance_m2", 1.0, 0.0, inf, "at least 0");
    c.credited = s.path("credited");
    c.credited_origin = s.origin("credited");
    c.credited_id_field = name(s, "credited_id").value_or("");
    if (!c.credited && s.get("credited_id")) s.fail("credited_id", "needs credited (the previously credited polygons)");
}

}  // namespace

SectionParser parcels_section() {
    return {"parcels",
            {"path", "layer", "id", "owner", "min_area_m2", "min_tidal_share", "credited", "credited_id",
             "overlap_tolerance_m2"},
            parse};
}

}  // namespace bluecarbon::config::detail
