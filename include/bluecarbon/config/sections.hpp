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

/// [parcels]: the credit parcels and their eligibility rules (keys path (required), layer, id, owner,
/// min_area_m2, min_tidal_share, credited, credited_id, overlap_tolerance_m2).
struct ParcelsConfig {
    bool present{false};
    std::optional<std::filesystem::path> path;  ///< the parcel polygons (any OGR source); set when present
    std::string layer;                          ///< empty: the source's first layer
    std::string id_field{"id"};                 ///< unique parcel id
    std::string owner_field{"owner"};           ///< empty values fail the no_owner rule
    double min_area_m2{400.0};                  ///< minimum mapping unit (ellipsoidal area), >= 0
    double min_tidal_share{0.5};                ///< share between MLLW and HAT for blue-carbon parcels, 0-1
    std::optional<std::filesystem::path> credited;  ///< previously credited polygons
    std::string credited_id_field;              ///< their id field; empty: the same as id_field
    double overlap_tolerance_m2{1.0};           ///< overlaps up to this area are ignored, >= 0
    Origin origin;
    Origin path_origin, credited_origin;
};

/// One dated habitat map of [[credits.snapshots]] (class codes as in [habitat.classes]).
struct CreditSnapshot {
    int year{0};
    std::filesystem::path map;  ///< absolute
    Origin origin;              ///< of `map`
};

/// One vintage, years [start, end).
struct CreditVintage {
    int start{0};
    int end{0};
};

/// [credits]: crediting period, profile and monitoring snapshots.
///   start_year, end_year   the crediting period, years [start_year, end_year)
///   profile                "vm0033" | "ccer-14-002" (the version comes from the profile table, data/profiles)
///   buffer_percent         non-permanence risk buffer, % (0-100; the profile's minimum is checked at run time)
///   price, currency        price per t CO2e; price_table (CSV `year,price`) overrides it year by year
///   discount_rate          % per year, for the net present value of the credits' value at start_year
///   snapshots              [[credits.snapshots]] year + map: the first is the state before the project (year <=
///                          start_year), the others monitoring maps (start_year < year <= end_year), in time order
///   baseline_map           the baseline scenario's habitat (default: the first snapshot, held unchanged)
///   vintages               [[start, end], ...] (default: from start_year to each monitoring snapshot)
///   precision_table        CSV `precision_up_to_pct,discount_pct` (required for ccer-14-002)
struct CreditsConfig {
    bool present{false};
    int start_year{0};
    int end_year{0};
    std::string profile;
    double buffer_percent{0};
    std::optional<double> price;
    std::string currency;
    std::optional<std::filesystem::path> price_table;
    double discount_rate_pct{0};
    std::vector<CreditSnapshot> snapshots;
    std::optional<std::filesystem::path> baseline_map;
    std::vector<CreditVintage> vintages;  ///< always filled (explicit or from the snapshots)
    std::optional<std::filesystem::path> precision_table;
    Origin origin;
    Origin profile_origin, buffer_origin, price_table_origin, baseline_origin, precision_origin;
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
    std::optional<std::filesystem::path> path;  ///< the registry file (SQLite); unset: <output>/registry.db
    std::string name;                           ///< registry code in serials (letters, digits, '_')
    std::vector<std::filesystem::path> trust;   ///< public keys trusted when the registry is created
    bool issue{false};                          ///< issue the certificates as `run` writes them
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
