#pragma once
// A small project whose parcels and credits steps have "run": parcels.gpkg and credits.csv written here with the
// contract's columns (independently of those steps), a key pair, and input files to hash.
#include <bluecarbon/certify/keys.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/vector.hpp>

#include "support/file_text.hpp"
#include "support/rectangles.hpp"
#include "support/temp_dir.hpp"

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bluecarbon::test {

/// Little-endian WKB MultiPolygon (type 6) of one rectangle [x0, x1] × [y0, y1], ring counter-clockwise from
/// (x0, y0): the canonical WKB a certificate must hash, built here byte by byte.
inline std::string rectangle_multipolygon_wkb(double x0, double y0, double x1, double y1) {
    std::string w;
    auto u32 = [&w](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) w.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    auto f64 = [&w](double d) {
        const auto v = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) w.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    w.push_back(1);
    u32(6);
    u32(1);
    w.push_back(1);
    u32(3);
    u32(1);
    u32(5);
    const double xs[] = {x0, x1, x1, x0, x0};
    const double ys[] = {y0, y0, y1, y1, y0};
    for (int i = 0; i < 5; ++i) {
        f64(xs[i]);
        f64(ys[i]);
    }
    return w;
}

/// Parcels: P1 eligible and credited (two vintages), P2 eligible but excluded by the credits step, P3 not
/// eligible. Only P1 gets a certificate.
struct CreditedProject {
    TempDir dir{"bc-certify"};
    std::filesystem::path project = dir / "project.toml";
    std::filesystem::path out = dir / "out";
    std::filesystem::path key = dir / "keys" / "signing.key";
    std::filesystem::path pub = dir / "keys" / "signing.pub";

    static constexpr const char* k_credits_header =
        "parcel_id,profile,profile_version,vintage_start,vintage_end,baseline_t_co2e,project_t_co2e,leakage_t_co2e,"
        "ner_t_co2e,uncertainty_pct,adjusted_ner_t_co2e,buffer_t_co2e,credits_t_co2e,carried_t_co2e,value,"
        "excluded_reason\n";
    // P1's second vintage spans 2022-2024 (vintage_end is exclusive). The numbers need not follow VM0033's chain:
    // certify copies them, and the tests check they arrive bit for bit (0.1 and 12.345678901234567 are not exact
    // binary fractions).
    std::string credits_csv = std::string(k_credits_header) +
                              "P1,VM0033,2.1,2021,2022,0.5,-12.345678901234567,0.1,12.745678901234567,6.25,"
                              "12.745678901234567,1.2745678901234567,11,0.4711,1166,\n"
                              "P1,VM0033,2.1,2022,2025,0.25,-40.5,0,40.75,25,38.7125,3.87125,35,0.3125,3710,\n"
                              "P2,VM0033,2.1,2021,2022,0,0,0,0,0,0,0,0,0,0,outside_profile\n"
                              "P3,VM0033,2.1,2021,2022,1,-9,0,10,5,10,1,9,0,954,\n";

    explicit CreditedProject(const std::string& certify_extra = "assessment_date = 2025-06-30\n") {
        write_text(project, "[project]\nclimate_zone = \"subtropical\"\noutput = \"out\"\n"
                            "[inputs.reflectance]\npath = \"refl.tif\"\nbands = { red = 2, nir = 3 }\n"
                            "[habitat]\nmap = \"classes.tif\"\n[habitat.classes]\n1 = \"water\"\n2 = \"mangrove\"\n"
                            "[parcels]\npath = \"parcels_in.geojson\"\n"
                            "[certify]\nproject_id = \"XS-2025\"\nkey = \"keys/signing.key\"\n" +
                                certify_extra);
        write_text(dir / "refl.tif", "reflectance bytes");
        write_text(dir / "classes.tif", "class bytes");
        write_text(dir / "parcels_in.geojson", "{\"type\": \"FeatureCollection\", \"features\": []}");
        write_text(out / "credits.csv", credits_csv);
        (void)certify::write_key_pair(certify::PrivateKey::generate(), dir / "keys");
        write_parcels();
    }

    void write_parcels() {
        PolygonLayerSpec spec;
        spec.layer = "parcels";
        spec.crs = crs_from_user("EPSG:32651");
        using T = VectorField::Type;
        for (const char* n : {"parcel_id", "owner"}) spec.fields.push_back({n, T::text});
        for (const char* n : {"area_m2", "area_planar_m2", "ha_mangrove", "ha_salt_marsh", "stock_agb_mg_c",
                              "stock_bgb_mg_c", "stock_dead_mg_c", "stock_soc_mg_c", "stock_total_mg_c",
                              "stock_total_mg_co2e", "stock_total_ci90_mg_c", "stock_agb_ci90_mg_c",
                              "stock_bgb_ci90_mg_c", "stock_dead_ci90_mg_c", "stock_soc_ci90_mg_c", "tidal_share"})
            spec.fields.push_back({n, T::real});
        spec.fields.push_back({"eligible", T::integer});
        spec.fields.push_back({"reasons", T::text});
        const std::vector<MultiPolygon> g{rectangle(391000, 3265000, 391100, 3265050),
                                          rectangle(391200, 3265000, 391300, 3265050),
                                          rectangle(391400, 3265000, 391410, 3265010)};
        const auto row = [](const std::string& id, std::int64_t eligible, const std::string& reasons) {
            return std::vector<FieldValue>{id,  "Xiangshan cooperative", 5000.123456789, 5000.0, 0.375, 0.125,
                                           120.5, 30.25, 4.0, 765.75, 920.5, 3375.1666666666665, 105.25,
                                           12.5, 6.25, 1.5, 80.75, 0.9,
                                           eligible, reasons};
        };
        write_polygons_gpkg(out / "parcels.gpkg", spec, g,
                            {row("P1", 1, ""), row("P2", 1, ""), row("P3", 0, "below_mmu")});
    }
};

}  // namespace bluecarbon::test
