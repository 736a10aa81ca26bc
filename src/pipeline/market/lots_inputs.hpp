#pragma once
// What run_lots reads: parcels from parcels.gpkg, credit blocks from the registry or credits.csv.
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/market/lots.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::detail {

struct LotParcels {
    std::map<std::string, market::ParcelInfo> parcels;
    CrsInfo crs;
};

/// parcels.gpkg: id, owner, area (ha from area_m2), dominant habitat (largest ha_<habitat> column), geometry.
[[nodiscard]] LotParcels read_lot_parcels(const std::filesystem::path& gpkg);

/// Held blocks still in their owner's account and never sold; profiles from the certificate files in
/// `certificates` (by the SHA-256 the registry recorded; empty when not found).
[[nodiscard]] std::vector<market::CreditBlock> registry_blocks(const std::filesystem::path& db,
                                                               const std::filesystem::path& certificates);

/// credits.csv: one block per parcel and vintage with credits (vintage = vintage_start, t = credits_t_co2e).
[[nodiscard]] std::vector<market::CreditBlock> csv_blocks(const std::filesystem::path& credits_csv);

}  // namespace bluecarbon::pipeline::detail
