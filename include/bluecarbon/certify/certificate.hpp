#pragma once
/// The credit certificate of one parcel (issue 14): what was measured, how it was credited and from which inputs.
/// Its JSON form is what gets signed (see signing.hpp); member names carry their units.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::certify {

inline constexpr int k_certificate_schema_version = 1;

/// Inclusive ISO dates (YYYY-MM-DD), so periods compare as text.
struct Period {
    std::string start;
    std::string end;
    friend bool operator==(const Period&, const Period&) = default;
};

/// One vintage's accounting, in t CO2e unless named otherwise.
struct VintageCredits {
    std::string vintage;  ///< label, e.g. "2024"
    Period period;
    double baseline_t_co2e{};
    double project_t_co2e{};
    double leakage_t_co2e{};
    double ner_t_co2e{};          ///< net emission reductions/removals: baseline − project − leakage
    double u{};                   ///< the 90 % half-width U as a fraction of NER (credits.csv's uncertainty_pct / 100)
    double adjusted_ner_t_co2e{};
    double buffer_t_co2e{};       ///< non-permanence buffer contribution
    std::int64_t credits{};       ///< whole credits (1 credit = 1 t CO2e): the units a registry issues
    double remainder_t_co2e{};    ///< carried to the next vintage
    double value{};               ///< in the profile's currency
    friend bool operator==(const VintageCredits&, const VintageCredits&) = default;
};

/// Carbon stock of one pool over the parcel, Mg C, with its 90 % interval where the stock step gives one (the
/// total always; a pool without it has no ci90 members rather than an invented interval).
struct PoolStock {
    double mean_mg_c{};
    std::optional<double> ci90_low_mg_c;
    std::optional<double> ci90_high_mg_c;
    friend bool operator==(const PoolStock&, const PoolStock&) = default;
};

struct InputFile {
    std::string path;    ///< as the project names it
    std::string sha256;  ///< lower-case hex
    std::uint64_t size{};
    friend bool operator==(const InputFile&, const InputFile&) = default;
};

/// The parcel's geometry: canonical WKB in the project CRS, coordinates as stored, and its SHA-256.
struct ParcelGeometry {
    std::string crs;     ///< e.g. "EPSG:32651"
    std::string wkb;     ///< raw WKB bytes (base64 in JSON)
    std::string sha256;  ///< of `wkb`, lower-case hex
    friend bool operator==(const ParcelGeometry&, const ParcelGeometry&) = default;
};

struct CreditingProfile {
    std::string name;
    std::string version;
    nlohmann::json parameters = nlohmann::json::object();  ///< every parameter used, by name
    friend bool operator==(const CreditingProfile&, const CreditingProfile&) = default;
};

struct Certificate {
    int schema_version{k_certificate_schema_version};
    std::string tool_version;
    std::string project_id;
    std::string parcel_id;
    std::string owner;
    ParcelGeometry geometry;
    double area_m2{};                             ///< ellipsoidal area
    std::map<std::string, double> habitat_m2;     ///< area per habitat class
    CreditingProfile profile;
    std::vector<VintageCredits> vintages;
    std::map<std::string, PoolStock> stock;       ///< by pool name
    std::vector<InputFile> inputs;
    std::string assessment_date;                  ///< ISO date
    friend bool operator==(const Certificate&, const Certificate&) = default;
};

[[nodiscard]] nlohmann::json to_json(const Certificate& c);
/// Reads the JSON form back. Throws InputError naming the member at fault ("certificate.vintages[1].credits: ...").
[[nodiscard]] Certificate certificate_from_json(const nlohmann::json& j);

/// True if geometry.sha256 is the SHA-256 of geometry.wkb.
[[nodiscard]] bool geometry_hash_matches(const Certificate& c);

/// Fills geometry.wkb and geometry.sha256 from raw WKB bytes.
[[nodiscard]] ParcelGeometry make_parcel_geometry(std::string crs, std::string wkb);

}  // namespace bluecarbon::certify
