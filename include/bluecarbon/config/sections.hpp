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
    std::optional<std::filesystem::path> key;  ///< PKCS#8 PEM private key (`bluecarbon keygen`); --key overrides
    std::string project_id;                    ///< required: names the project in certificates and serials
    std::optional<std::string> assessment_date;  ///< YYYY-MM-DD; unset: SOURCE_DATE_EPOCH's date, else today
    bool sample_key{false};                    ///< the key is a published demo key: certificates only demonstrate
    Origin origin;
    Origin key_origin;
};

/// [registry]: the registry database credits are issued into.
struct RegistryConfig {
    bool present{false};
    std::optional<std::filesystem::path> path;  ///< the registry file (SQLite)
    std::string name;                           ///< registry code in serials (letters, digits, '_')
    std::vector<std::filesystem::path> trust;   ///< public keys trusted when the registry is created
    bool issue{false};                          ///< issue the certificates as `run` writes them
    Origin origin;
};

/// [lots]: how available credits are grouped into auction lots.
struct LotsConfig {
    bool present{false};
    Origin origin;
};

/// [report]: what the report shows.
struct ReportConfig {
    bool present{false};
    Origin origin;
};

}  // namespace bluecarbon::config
