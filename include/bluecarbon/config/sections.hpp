#pragma once
/// The project file's later sections, one struct each: what the parcels, credits, certify, registry, lots and
/// report steps read. Each section is optional; `present` says whether the file had it (a step whose section
/// is absent is skipped by `run`). Parsed in src/config/<name>_section.cpp.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::config {

/// Where a value was written: for messages about values that are only checked later (e.g. a band name the
/// raster does not have).
struct Origin {
    std::string file;  ///< the project file as the user named it
    int line{0};
    std::string key;  ///< dotted key, e.g. "inputs.reflectance.bands.nir"
    /// "project.toml:14: inputs.reflectance.bands.nir"
    [[nodiscard]] std::string str() const;
};

/// [parcels]: the credit parcels and their eligibility rules.
struct ParcelsConfig {
    bool present{false};
    std::optional<std::filesystem::path> path;  ///< the parcel polygons (any OGR source)
    Origin origin;
};

/// [credits]: crediting period, profile and monitoring snapshots.
struct CreditsConfig {
    bool present{false};
    Origin origin;
};

/// [certify]: the signing key and certificate options.
struct CertifyConfig {
    bool present{false};
    Origin origin;
};

/// [registry]: the registry database credits are issued into.
struct RegistryConfig {
    bool present{false};
    Origin origin;
};

/// [lots]: how available credits are grouped into auction lots (see market/lots.hpp for the rules).
struct LotsConfig {
    bool present{false};
    /// Attributes whose values a lot shares, any of "vintage", "profile", "habitat", "owner" (default: vintage).
    std::vector<std::string> group_by{"vintage"};
    double target_t_co2e{1000.0};               ///< a lot closes once it holds at least this much
    std::optional<double> contiguity_m;         ///< parcels of a lot lie within this distance of each other
    double start_price{0.0};                    ///< reserve price per t CO2e
    double increment{0.0};                      ///< bid increment per t CO2e
    std::string currency{"CNY"};
    Origin origin;
};

/// The map layers a report can draw (the stock step's rasters, by file stem).
inline const std::vector<std::string>& report_layer_names() {
    static const std::vector<std::string> names{"habitat",   "stock_total", "stock_agb",  "stock_bgb",
                                                "stock_dead", "stock_soc",  "uncertainty"};
    return names;
}

/// [report]: what the report shows.
struct ReportConfig {
    bool present{false};
    std::string title{"Blue carbon report"};
    std::vector<std::string> layers{"habitat", "stock_total", "stock_soc", "uncertainty"};  ///< maps, in order
    Origin origin;
    Origin layers_origin;
};

}  // namespace bluecarbon::config
