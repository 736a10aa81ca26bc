// [credits]: crediting period, profile and monitoring snapshots. Checks here what the file alone decides (years,
// order, overlaps, required keys); the profile's minimum buffer and the files' contents are checked by run_credits.
#include "config/toml_section.hpp"

namespace bluecarbon::config::detail {

namespace {

int year_at(const Section& s, const std::string& k, bool required) {
    const auto v = s.integer(k);
    if (!v) {
        if (required)
            s.fail_section(fmt::format("missing key \"{}\"", k));
        return 0;
    }
    if (*v < 1000 || *v > 9999)
        s.fail(k, fmt::format("must be a four-digit year (got {})", *v));
    return static_cast<int>(*v);
}

void parse_snapshots(const Section& s, CreditsConfig& c) {
    const auto* arr = s.array("snapshots");
    if (!arr || arr->size() < 2)
        s.fail_section("needs at least two [[credits.snapshots]] (the state before the project and a monitoring map)");
    std::size_t i = 0;
    for (const auto& node : *arr) {
        ++i;
        const std::string key = fmt::format("credits.snapshots[{}]", i);
        if (!node.is_table())
            fail_at(s.ctx(), line_of(node), key, "expected a table with year and map");
        Section t(s.ctx(), *node.as_table(), key, {"year", "map"}, line_of(node));
        t.check_keys();
        CreditSnapshot snap{year_at(t, "year", true), {}, t.origin("map")};
        (void)t.required_string("map");
        snap.map = *t.path("map");
        if (i == 1 && snap.year > c.start_year)
            t.fail("year", fmt::format("the first snapshot ({}) is the state before the project: it must not be after "
                                       "start_year ({})",
                                       snap.year, c.start_year));
        if (i > 1 && snap.year <= c.snapshots.back().year)
            t.fail("year", fmt::format("snapshots must be in time order ({} is not after {})", snap.year,
                                       c.snapshots.back().year));
        if (i > 1 && snap.year <= c.start_year)
            t.fail("year",
                   fmt::format("a monitoring snapshot ({}) must be after start_year ({})", snap.year, c.start_year));
        if (snap.year > c.end_year)
            t.fail("year", fmt::format("{} is after the crediting period (end_year {})", snap.year, c.end_year));
        c.snapshots.push_back(std::move(snap));
    }
}

void parse_vintages(const Section& s, CreditsConfig& c) {
    const auto* arr = s.array("vintages");
    const int monitored = c.snapshots.back().year;
    if (!arr) { // one vintage per monitoring period
        for (std::size_t k = 1; k < c.snapshots.size(); ++k)
            c.vintages.push_back({std::max(c.start_year, c.snapshots[k - 1].year), c.snapshots[k].year});
        return;
    }
    if (arr->empty())
        s.fail("vintages", "must not be empty (leave it out for one vintage per monitoring period)");
    for (const auto& node : *arr) {
        const auto* pair = node.as_array();
        if (!pair || pair->size() != 2 || !(*pair)[0].is_integer() || !(*pair)[1].is_integer())
            fail_at(s.ctx(), line_of(node), s.key("vintages"), "each vintage is [start_year, end_year]");
        const CreditVintage v{static_cast<int>(*(*pair)[0].value<std::int64_t>()),
                              static_cast<int>(*(*pair)[1].value<std::int64_t>())};
        const auto bad = [&](const std::string& msg) {
            fail_at(s.ctx(), line_of(node), s.key("vintages"), fmt::format("[{}, {}] {}", v.start, v.end, msg));
        };
        if (v.end <= v.start)
            bad("must end after it starts");
        if (v.start < c.start_year)
            bad(fmt::format("starts before the project (start_year {})", c.start_year));
        if (v.end > c.end_year)
            bad(fmt::format("ends after the crediting period (end_year {})", c.end_year));
        if (v.end > monitored)
            bad(fmt::format("is not monitored (the last snapshot is {})", monitored));
        if (!c.vintages.empty() && v.start < c.vintages.back().end)
            bad(fmt::format("overlaps the vintage before it ([{}, {}])", c.vintages.back().start,
                            c.vintages.back().end));
        c.vintages.push_back(v);
    }
}

void parse(const Section& s, ProjectConfig& cfg) {
    s.check_keys();
    auto& c = cfg.credits;
    c.present = true;
    c.origin = Origin{s.ctx().file, s.line(), "credits"};
    c.start_year = year_at(s, "start_year", true);
    c.end_year = year_at(s, "end_year", true);
    if (c.end_year <= c.start_year)
        s.fail("end_year", fmt::format("must be after start_year ({} <= {})", c.end_year, c.start_year));

    c.profile = s.required_string("profile");
    c.profile_origin = s.origin("profile");
    if (c.profile != "vm0033" && c.profile != "ccer-14-002")
        s.fail("profile", fmt::format("unknown profile \"{}\" (vm0033 or ccer-14-002)", c.profile));

    c.buffer_percent = s.required_number("buffer_percent");
    c.buffer_origin = s.origin("buffer_percent");
    if (c.buffer_percent < 0 || c.buffer_percent > 100)
        s.fail("buffer_percent", fmt::format("must be a percentage, 0 to 100 (got {})", c.buffer_percent));

    c.price = s.number("price");
    if (c.price && *c.price < 0)
        s.fail("price", fmt::format("must not be negative (got {})", *c.price));
    c.price_table = s.path("price_table");
    c.price_table_origin = s.origin("price_table");
    if (!c.price && !c.price_table)
        s.fail_section("missing key \"price\" (or a price_table)");
    c.currency = s.required_string("currency");
    c.discount_rate_pct = s.number("discount_rate").value_or(0.0);
    if (c.discount_rate_pct < 0 || c.discount_rate_pct >= 100)
        s.fail("discount_rate", fmt::format("must be a percentage per year, 0 to < 100 (got {})", c.discount_rate_pct));

    parse_snapshots(s, c);
    c.baseline_map = s.path("baseline_map");
    c.baseline_origin = s.origin("baseline_map");
    parse_vintages(s, c);

    c.precision_table = s.path("precision_table");
    c.precision_origin = s.origin("precision_table");
    if (c.profile == "ccer-14-002" && !c.precision_table)
        s.fail_section("missing key \"precision_table\": ccer-14-002 needs the project's precision-discount table "
                       "(90 % reliability); it is never guessed");
}

} // namespace

SectionParser credits_section() {
    return {"credits",
            {"start_year", "end_year", "profile", "buffer_percent", "price", "currency", "price_table", "discount_rate",
             "snapshots", "baseline_map", "vintages", "precision_table"},
            parse};
}

} // namespace bluecarbon::config::detail
