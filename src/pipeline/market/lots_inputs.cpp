// Reading run_lots' inputs.
#include "pipeline/market/lots_inputs.hpp"

#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/geometry.hpp>
#include <bluecarbon/registry/registry.hpp>
#include <bluecarbon/science/habitat.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace bluecarbon::pipeline::detail {

namespace fs = std::filesystem;

LotParcels read_lot_parcels(const fs::path& gpkg) {
    if (!fs::exists(gpkg)) throw InputError(gpkg.string() + ": no parcels (run `bluecarbon parcels` first)");
    PolygonReadOptions opt;
    opt.id_field = "parcel_id";
    // parcels.gpkg as the parcels step writes it; as the credits step alone writes it, it lacks owner and area.
    opt.optional_fields = {"owner", "area_m2"};
    for (auto h : science::all_habitats()) opt.optional_fields.push_back("ha_" + std::string(science::habitat_name(h)));
    const PolygonTable t = read_polygons(gpkg, opt);
    LotParcels out;
    out.crs = t.crs;
    for (std::size_t i = 0; i < t.size(); ++i) {
        market::ParcelInfo p;
        p.id = t.ids[i];
        p.owner = t.attributes[i][0];
        const auto area = parse_number(t.attributes[i][1]);
        p.area_ha = (area ? *area : parcels::planar_area(t.geometries[i]) * t.crs.linear_unit_m * t.crs.linear_unit_m) /
                    1e4;
        double best = 0;
        for (std::size_t f = 2; f < t.field_names.size(); ++f) {
            const double ha = parse_number(t.attributes[i][f]).value_or(0.0);
            if (ha > best) {  // ties keep the earlier habitat: deterministic
                best = ha;
                p.habitat = t.field_names[f].substr(3);
            }
        }
        p.geometry = t.geometries[i];
        out.parcels[p.id] = std::move(p);
    }
    return out;
}

namespace {
std::map<std::string, std::string> profiles_by_sha(const fs::path& dir) {
    std::map<std::string, std::string> out;
    if (dir.empty() || !fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".json") continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        const auto j = nlohmann::json::parse(s.str(), nullptr, false);
        if (j.is_discarded()) continue;
        const auto* name = j.contains("certificate") ? &j["certificate"] : nullptr;
        if (name && name->contains("profile") && (*name)["profile"].contains("name"))
            out[sha256_hex(s.str())] = (*name)["profile"]["name"].get<std::string>();
    }
    return out;
}
}  // namespace

std::vector<market::CreditBlock> registry_blocks(const fs::path& db, const fs::path& certificates) {
    registry::RegistryOptions opt;
    opt.read_only = true;
    const auto reg = registry::Registry::open(db, opt);
    std::set<std::string> sold;
    for (const auto& s : reg.sales())
        for (const auto& serial : s.serials) sold.insert(serial);
    const auto profiles = profiles_by_sha(certificates);
    std::vector<market::CreditBlock> out;
    for (const auto& b : reg.list()) {
        if (b.status != registry::BlockStatus::held || b.account != b.owner || sold.count(b.serial)) continue;
        const auto p = profiles.find(b.certificate_sha256);
        out.push_back({b.serial, b.first, b.parcel_id, b.vintage, p == profiles.end() ? "" : p->second, b.owner,
                       static_cast<double>(b.quantity())});
    }
    return out;
}

std::vector<market::CreditBlock> csv_blocks(const fs::path& credits_csv) {
    if (!fs::exists(credits_csv))
        throw InputError(credits_csv.string() + ": no credits (run `bluecarbon credits` first)");
    const CsvTable t = read_csv(credits_csv);
    const auto parcel = t.require_column("parcel_id");
    const auto vintage = t.require_column("vintage_start");  // credits.csv (accounting::k_credit_columns)
    const auto credits = t.require_column("credits_t_co2e");
    const auto profile = t.find_column("profile");
    std::vector<market::CreditBlock> out;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const auto q = parse_number(t.field(r, credits));
        if (!q) throw t.error(r, credits, "expected a number");
        if (*q <= 0) continue;
        out.push_back({t.field(r, parcel) + "/" + t.field(r, vintage), 0, t.field(r, parcel), t.field(r, vintage),
                       profile ? t.field(r, *profile) : "", "", *q});
    }
    return out;
}

}  // namespace bluecarbon::pipeline::detail
