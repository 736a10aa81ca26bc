// run_settle: an auction's results against lots.csv, settled in one registry transaction.
#include <bluecarbon/pipeline/lots.hpp>

#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/registry/registry.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;

namespace {
std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto end = s.find(';', start);
        std::string part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!part.empty()) out.push_back(std::move(part));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

double number(const CsvTable& t, std::size_t r, std::size_t c) {
    const auto v = parse_number(t.field(r, c));
    if (!v) throw t.error(r, c, fmt::format("expected a number (got '{}')", t.field(r, c)));
    return *v;
}
}  // namespace

std::vector<ListedLot> read_lots_csv(const fs::path& path) {
    const CsvTable t = read_csv(path);
    const auto lot = t.require_column("lot"), blocks = t.require_column("serial_blocks");
    const auto tco2e = t.require_column("t_co2e"), price = t.require_column("start_price");
    const auto currency = t.require_column("currency");
    std::vector<ListedLot> out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        out.push_back({t.field(r, lot), split(t.field(r, blocks)), number(t, r, tco2e), number(t, r, price),
                       t.field(r, currency)});
    }
    return out;
}

SettleResult run_settle(const SettleRequest& req) {
    const fs::path lots_path = req.lots.empty() ? req.results.parent_path() / "lots.csv" : req.lots;
    std::map<std::string, ListedLot> listed;
    for (auto& l : read_lots_csv(lots_path)) listed[l.lot] = std::move(l);
    const CsvTable t = read_csv(req.results);
    const auto lot = t.require_column("lot"), buyer = t.require_column("buyer");
    const auto price = t.require_column("price_per_t");
    std::vector<registry::Sale> sales;
    SettleResult result;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const auto it = listed.find(t.field(r, lot));
        if (it == listed.end()) {
            throw t.error(r, lot, fmt::format("unknown lot '{}' (not in {})", t.field(r, lot), lots_path.string()));
        }
        const ListedLot& l = it->second;
        const double p = number(t, r, price);
        sales.push_back({l.lot, t.field(r, buyer), p, l.start_price, l.currency, l.serial_blocks});
        result.lots.push_back({l.lot, t.field(r, buyer), l.currency, p, l.t_co2e});
    }
    if (sales.empty()) throw InputError(req.results.string() + ": no results to settle");
    auto reg = registry::Registry::open(req.registry);
    reg.settle(sales);
    result.registry = req.registry;
    return result;
}

std::string to_json(const SettleResult& r) {
    nlohmann::json lots = nlohmann::json::array();
    for (const auto& l : r.lots) {
        lots.push_back({{"lot", l.lot}, {"buyer", l.buyer}, {"price_per_t", l.price_per_t}, {"t_co2e", l.t_co2e},
                        {"value", l.value()}, {"currency", l.currency}});
    }
    return nlohmann::json{{"command", "auction settle"},
                          {"bluecarbon_version", k_version},
                          {"outputs", nlohmann::json::array({r.registry.string()})},
                          {"settled", lots}}
        .dump(2);
}

std::string summary_text(const SettleResult& r) {
    std::string s;
    for (const auto& l : r.lots) {
        s += fmt::format("{}: {} t CO2e to {} at {} {}/t = {} {}\n", l.lot, format_number(l.t_co2e), l.buyer,
                         format_number(l.price_per_t), l.currency, format_fixed(l.value(), 2), l.currency);
    }
    return s;
}

}  // namespace bluecarbon::pipeline
