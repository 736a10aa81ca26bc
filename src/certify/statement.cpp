// The members of a signed carbon-asset statement, checked by name (what `verify` accepts as a statement).
#include <bluecarbon/certify/statement.hpp>

#include <bluecarbon/error.hpp>

#include <cstdint>
#include <regex>
#include <string>

namespace bluecarbon::certify {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& member, const std::string& problem) {
    throw InputError("statement." + member + ": " + problem);
}

const json& member(const json& j, const std::string& path, const std::string& key) {
    if (!j.contains(key)) fail(path + key, "missing");
    return j.at(key);
}

double number(const json& j, const std::string& path, const std::string& key) {
    const json& v = member(j, path, key);
    if (!v.is_number()) fail(path + key, "must be a number, got " + v.dump());
    return v.get<double>();
}

void count(const json& j, const std::string& path, const std::string& key) {
    const json& v = member(j, path, key);
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
        fail(path + key, "must be a whole number of t CO2e, not negative, got " + v.dump());
}

}  // namespace

bool is_statement(const json& signed_member) {
    return signed_member.is_object() && signed_member.contains("kind") && signed_member["kind"].is_string() &&
           signed_member["kind"].get<std::string>() == k_statement_kind;
}

void check_statement(const json& s) {
    if (!is_statement(s)) fail("kind", "must be \"" + std::string(k_statement_kind) + "\"");
    const json& owner = member(s, "", "owner");
    if (!owner.is_string() || owner.get<std::string>().empty()) fail("owner", "must be a non-empty string");
    const json& date = member(s, "", "date");
    static const std::regex iso(R"(\d{4}-\d{2}-\d{2})");
    if (!date.is_string() || !std::regex_match(date.get<std::string>(), iso))
        fail("date", "must be an ISO date (YYYY-MM-DD), got " + date.dump());
    count(s, "", "parcels");
    count(s, "", "parcels_with_certificate");
    if (number(s, "", "area_ha") < 0) fail("area_ha", "must not be negative");
    const json& stock = member(s, "", "stock_total_mg_c");
    if (!stock.is_object()) fail("stock_total_mg_c", "must be an object");
    const double mean = number(stock, "stock_total_mg_c.", "mean");
    if (!(number(stock, "stock_total_mg_c.", "ci90_low") <= mean && mean <= number(stock, "stock_total_mg_c.",
                                                                                      "ci90_high")))
        fail("stock_total_mg_c", "the mean must lie within [ci90_low, ci90_high]");
    (void)number(s, "", "annual_removal_t_co2e");
    const json& vintages = member(s, "", "credits_by_vintage");
    if (!vintages.is_object()) fail("credits_by_vintage", "must be an object by vintage");
    for (const auto& [year, v] : vintages.items()) {
        const std::string path = "credits_by_vintage." + year + ".";
        if (!v.is_object()) fail(path.substr(0, path.size() - 1), "must be an object");
        for (const char* k : {"issued", "held", "transferred", "retired", "cancelled", "bought"}) count(v, path, k);
    }
    count(s, "", "held_t_co2e");
    if (s.contains("valuation")) {
        const json& v = s["valuation"];
        if (!v.is_object()) fail("valuation", "must be an object");
        const double price = number(v, "valuation.", "price_per_t"), value = number(v, "valuation.", "value");
        if (!member(v, "valuation.", "currency").is_string()) fail("valuation.currency", "must be a string");
        // run_statement writes value = price_per_t x held_t_co2e; the same product here compares bit for bit.
        if (value != price * static_cast<double>(s["held_t_co2e"].get<std::int64_t>()))
            fail("valuation.value", "is not price_per_t x held_t_co2e");
    }
}

}  // namespace bluecarbon::certify
