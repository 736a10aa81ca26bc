#pragma once
/// `bluecarbon statement DB --owner ID [--price P] --key KEY`: an owner's carbon assets, as a bank would lend
/// against them: the owner's parcels (area; total stock with its 90 % interval and mean annual removal, from the
/// certificates whose SHA-256 the registry recorded), credits by vintage (issued to the owner; held, transferred
/// and retired of those; bought from others), and the value of the credits held at a price. Written as
/// statement-<owner>.json (signed like a certificate: {"certificate": <statement>, "signature": ...}, canonical)
/// and statement-<owner>.html, together.
#include <bluecarbon/pipeline/run_context.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct StatementRequest {
    std::filesystem::path registry;
    std::string owner;
    std::optional<double> price;                ///< per t CO2e; unset: no valuation
    std::string currency{"CNY"};
    std::filesystem::path key;                  ///< Ed25519 private key (PEM) that signs the statement
    std::filesystem::path certificates;         ///< empty: certificates/ beside the registry
    std::filesystem::path output_dir;           ///< empty: the registry's folder
    std::optional<std::string> date;            ///< ISO date printed; unset: SOURCE_DATE_EPOCH, else today (UTC)
};

struct StatementVintage {
    std::int64_t issued{0}, held{0}, transferred{0}, retired{0}, cancelled{0}, bought{0};
};

struct StatementResult {
    std::string owner;
    std::string date;
    std::size_t parcels{0};
    std::size_t parcels_with_certificate{0};
    double area_ha{0};
    double stock_mg_c{0}, stock_lo_mg_c{0}, stock_hi_mg_c{0};  ///< sums of the parcels' values and bounds
    double annual_removal_t_co2e{0};
    std::map<std::string, StatementVintage> vintages;
    std::int64_t held_units{0};
    std::optional<double> price;
    std::string currency;
    std::optional<double> value;
    std::string key_id;
    std::filesystem::path json_path, html_path;
};

[[nodiscard]] StatementResult run_statement(const StatementRequest& req);
[[nodiscard]] std::string to_json(const StatementResult& r);
[[nodiscard]] std::string summary_text(const StatementResult& r);

}  // namespace bluecarbon::pipeline
