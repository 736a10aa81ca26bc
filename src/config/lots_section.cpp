// [lots]: grouping available credits into auction lots.
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.lots;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "lots"};
    if (const auto* list = s.array("group_by")) {
        c.group_by.clear();
        for (const auto& n : *list) {
            const auto v = n.value<std::string>();
            static const std::vector<std::string> known{"vintage", "profile", "habitat", "owner"};
            if (!v || std::find(known.begin(), known.end(), *v) == known.end())
                fail_at(s.ctx(), line_of(n), s.key("group_by"),
                        fmt::format("expected one of {} (got {})", join(known), v ? "\"" + *v + "\"" : type_name(n)));
            if (std::find(c.group_by.begin(), c.group_by.end(), *v) != c.group_by.end())
                fail_at(s.ctx(), line_of(n), s.key("group_by"), fmt::format("\"{}\" named twice", *v));
            c.group_by.push_back(*v);
        }
    }
    if (auto v = s.number("target_t_co2e")) {
        if (*v <= 0) s.fail("target_t_co2e", fmt::format("must be greater than 0 (got {})", *v));
        c.target_t_co2e = *v;
    }
    if (auto v = s.number("contiguity_m")) {
        if (*v < 0) s.fail("contiguity_m", fmt::format("must not be negative (got {})", *v));
        c.contiguity_m = *v;
    }
    for (const char* k : {"start_price", "increment"}) {
        if (auto v = s.number(k)) {
            if (*v < 0) s.fail(k, fmt::format("must not be negative (got {})", *v));
            (std::string(k) == "start_price" ? c.start_price : c.increment) = *v;
        }
    }
    if (s.get("currency")) c.currency = s.required_string("currency");
}

}  // namespace

SectionParser lots_section() {
    return {"lots", {"group_by", "target_t_co2e", "contiguity_m", "start_price", "increment", "currency"}, parse};
}

}  // namespace bluecarbon::config::detail
