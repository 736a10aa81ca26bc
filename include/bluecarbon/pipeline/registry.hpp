#pragma once
/// `bluecarbon registry VERB DB ...` (issue 14): the credit registry's verbs on one SQLite file, with the exact
/// parcel overlaps (GEOS, parcels::overlap_area) injected into the registry's no-double-issuance rule.
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/registry/registry.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

enum class RegistryVerb { init, trust, untrust, issue, list, show, transfer, retire, cancel, audit, export_gpkg };

/// "init", ..., "export"; nullopt for another word.
[[nodiscard]] std::optional<RegistryVerb> registry_verb(const std::string& word);

struct RegistryRequest {
    RegistryVerb verb{RegistryVerb::list};
    std::filesystem::path db;
    std::string name;                    ///< init: the registry code
    std::vector<std::string> keys;       ///< init/trust: public key files; untrust: key ids or public key files
    std::vector<std::filesystem::path> certificates;  ///< issue
    std::string external_serial;         ///< issue: an opaque serial of another registry (Verra, CCER)
    std::string serial;                  ///< show: a serial or parcel id; transfer/retire/cancel: a serial
    std::string to;                      ///< transfer: the receiving account
    std::int64_t quantity{0};            ///< transfer/retire/cancel (0: the whole block)
    std::string beneficiary, reason;     ///< retire; cancel (reason)
    std::filesystem::path gpkg;          ///< export
};

struct RegistryResult {
    RegistryVerb verb{RegistryVerb::list};
    std::filesystem::path db;
    std::string code;
    std::vector<registry::Block> blocks;       ///< issued, acted on, listed or shown
    std::vector<registry::TrustedKey> keys;    ///< init/trust/untrust: the trusted keys after the change
    std::vector<std::string> refused;          ///< issue: one line per refused certificate (the rest were issued)
    std::optional<registry::AuditReport> audit;
    std::filesystem::path gpkg;                ///< export
    /// The one-line failure the command exits with (refused certificates, a failed audit); empty when none.
    std::string failure;
    int failure_exit_code{0};                  ///< 2 for refusals, 1 for a failed audit
};

/// The registry options every verb uses: GEOS overlap areas, default tolerances.
[[nodiscard]] registry::RegistryOptions registry_options(bool read_only = false);

/// Runs one verb. Refusals of issuance are collected per certificate (each certificate is its own transaction);
/// any other refusal or bad input throws (InputError / RefusedError naming the item) with the registry unchanged.
[[nodiscard]] RegistryResult run_registry(const RegistryRequest& request, const RunContext& ctx = {});
[[nodiscard]] nlohmann::ordered_json block_json(const registry::Block& b);
[[nodiscard]] std::string to_json(const RegistryResult& r);
[[nodiscard]] std::string summary_text(const RegistryResult& r);

}  // namespace bluecarbon::pipeline
