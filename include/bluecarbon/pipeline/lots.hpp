#pragma once
/// `bluecarbon lots project.toml` and `bluecarbon auction settle DB results.csv`: auction lots from the credits
/// available for sale, and their settlement in the registry.
///
/// Lots read the parcels from parcels.gpkg (dominant habitat from its ha_<habitat> columns, owner, area) and the
/// credits either from the registry (held blocks still in their owner's account and not sold; the crediting
/// profile from the certificate files in certificates/ whose SHA-256 the registry recorded) or, without a
/// registry, from credits.csv (one block per parcel and vintage, not yet issued). They write lots.csv (lot,
/// serial_blocks, parcels, t_co2e, area_ha, habitats, start_price, increment, currency; lists joined by ';')
/// and lots.geojson (each lot's outline: the union of its parcels), together.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/market/lots.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct LotsRequest {
    std::filesystem::path output_dir;                  ///< lots.csv and lots.geojson go here
    std::filesystem::path parcels;                     ///< parcels.gpkg
    std::optional<std::filesystem::path> registry;     ///< the registry database; unset: credits.csv
    std::filesystem::path credits;                     ///< credits.csv (without a registry)
    std::filesystem::path certificates;                ///< folder of certificate files (profile names)
    market::LotRules rules;
};

struct LotsResult {
    std::string source;  ///< "registry" or "credits.csv"
    std::vector<market::Lot> lots;
    std::size_t blocks{0};
    double t_co2e{0};
    std::filesystem::path lots_csv, lots_geojson;
};

/// The request a project's [lots] (and [registry]) make; parcels, credits and certificates in its output folder.
[[nodiscard]] LotsRequest lots_request(const config::ProjectConfig& cfg);
/// The registry database a project's [registry] names (nullopt without the section).
[[nodiscard]] std::optional<std::filesystem::path> project_registry_path(const config::ProjectConfig& cfg);

[[nodiscard]] LotsResult run_lots(const LotsRequest& req, const RunContext& ctx = {});
[[nodiscard]] std::string to_json(const LotsResult& r);
[[nodiscard]] std::string summary_text(const LotsResult& r);

/// One row of lots.csv read back.
struct ListedLot {
    std::string lot;
    std::vector<std::string> serial_blocks;
    double t_co2e{0};
    double start_price{0};
    std::string currency;
};
/// Reads lots.csv (InputError naming file, line and column).
[[nodiscard]] std::vector<ListedLot> read_lots_csv(const std::filesystem::path& path);

struct SettleRequest {
    std::filesystem::path registry;
    std::filesystem::path results;  ///< CSV: lot, buyer, price_per_t
    std::filesystem::path lots;     ///< lots.csv; empty: lots.csv beside `results`
};

struct SettledLot {
    std::string lot, buyer, currency;
    double price_per_t{0};
    double t_co2e{0};
    [[nodiscard]] double value() const noexcept { return price_per_t * t_co2e; }
};

struct SettleResult {
    std::vector<SettledLot> lots;
    std::filesystem::path registry;  ///< the registry the sales were recorded in (the one file written)
};

/// Settles every row of `results` in one registry transaction. An unknown lot, a lot sold twice (in the file
/// or before), a price below the lot's start price or a block no longer available is refused with one line
/// naming the lot, and the registry is left unchanged.
[[nodiscard]] SettleResult run_settle(const SettleRequest& req);
[[nodiscard]] std::string to_json(const SettleResult& r);
[[nodiscard]] std::string summary_text(const SettleResult& r);

}  // namespace bluecarbon::pipeline
