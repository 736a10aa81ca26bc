#pragma once
/// The report's one input: plain rows and rasters. The pipeline fills it from the results of the stock, parcels,
/// credits, lots and registry steps; the report reads no other module's files or types, so it can be fed from
/// any of them (or by a C++ caller) without knowing how they were computed. Units are in the field names:
/// stocks in Mg C (tonnes of carbon), removals and credits in t CO2e, areas in hectares.
#include <bluecarbon/core/grid.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bluecarbon::report {

struct Rgb {
    std::uint8_t r{0}, g{0}, b{0};
    friend bool operator==(const Rgb&, const Rgb&) = default;
};

/// One class of a categorical map (e.g. a habitat code), with the name the legend shows and its colour.
struct CategoryClass {
    int value{0};
    std::string name;
    Rgb colour;
};

/// A raster to draw: its grid (CRS for the scale bar, geotransform, width × height) and its pixels, row-major
/// from the northern row. Pixels equal to `nodata`, and NaN floats, are drawn as "no data". The report reduces
/// it to quicklook size itself; for a raster too large to hold, pass a decimated read (e.g. GDAL's overviews or a
/// RasterIO into a smaller buffer) with the matching coarser grid: the scale bar follows the grid's cell size.
struct MapRaster {
    Grid grid;
    std::variant<std::vector<float>, std::vector<std::uint8_t>> pixels;
    std::optional<double> nodata;
};

/// One map quicklook: written as report/<name>.png.
struct MapLayer {
    std::string name;                    ///< file stem: letters, digits, '_' and '-' only (e.g. "stock_soil")
    std::string title;                   ///< heading on the map and in the page (e.g. "Soil organic carbon")
    std::string unit;                    ///< shown under a colour ramp's legend (e.g. "Mg C/ha")
    MapRaster raster;
    std::vector<CategoryClass> classes;  ///< non-empty: categorical palette; empty: a colour ramp (viridis)
    std::optional<double> min, max;      ///< ramp range; from the data's valid pixels when unset
};

/// A parcel outline drawn on every map: rings of world coordinates in the rasters' CRS, the first one exterior.
struct ParcelOutline {
    std::string id;
    std::string label;  ///< drawn at the exterior ring's centroid; `id` when empty
    std::vector<std::vector<Coord>> rings;
};

/// One row of the parcel table (and one entry of the uncertainty chart).
struct ParcelRow {
    std::string parcel_id;
    std::string owner;
    std::string habitat;
    double area_ha{0};
    double stock_mg_c{0};     ///< total carbon stock, best estimate
    double stock_lo_mg_c{0};  ///< lower end of the 90 % interval
    double stock_hi_mg_c{0};  ///< upper end of the 90 % interval
    double annual_removal_t_co2e{0};
    double credits_t_co2e{0};  ///< credits issued (or issuable) for the parcel
    bool eligible{true};
    std::string note;  ///< e.g. why a parcel is not eligible
};

/// Carbon stock of one habitat over the project (the "stock by habitat" chart).
struct HabitatStat {
    std::string habitat;
    double area_ha{0};
    double stock_mg_c{0};
    std::optional<Rgb> colour;  ///< bar colour; a default when unset
};

/// A deduction from gross removals (uncertainty, leakage, non-permanence buffer, ...).
struct Deduction {
    std::string name;
    double t_co2e{0};
};

/// Credits of one vintage: gross removals, the deductions, and what remains (net = gross − Σ deductions).
struct CreditVintageRow {
    int vintage{0};
    double gross_t_co2e{0};
    std::vector<Deduction> deductions;
    [[nodiscard]] double net_t_co2e() const noexcept {
        double net = gross_t_co2e;
        for (const auto& d : deductions) net -= d.t_co2e;
        return net;
    }
};

/// One auction lot (the auction notice section).
struct LotRow {
    std::string lot;
    std::vector<std::string> serial_blocks;  ///< e.g. "BC-2025-000001..000500"
    std::vector<std::string> parcels;
    std::vector<std::string> habitats;
    double t_co2e{0};
    double area_ha{0};
    double start_price{0};  ///< reserve price per t CO2e
    double increment{0};    ///< bid increment per t CO2e
    std::string currency;   ///< e.g. "CNY"
};

/// A run parameter as the user wrote it or as the run resolved it.
struct Parameter {
    std::string key;
    std::string value;
};

/// An input file and its SHA-256 (as in run.json and the certificates).
struct InputHash {
    std::string name;  ///< role, e.g. "habitat"
    std::string path;
    std::string sha256;
};

/// Everything the report shows. Empty vectors give a section saying there is nothing of that kind in the run.
struct ReportData {
    std::string title{"Blue carbon report"};
    std::string project;       ///< project name
    std::string tool_version;  ///< shown in the footer when not empty
    /// Date printed in the header (seconds since 1970, UTC). No date is printed unless one is given here or by
    /// SOURCE_DATE_EPOCH, which wins when it is earlier (reproducible-builds convention).
    std::optional<std::int64_t> generated_unix_s;
    std::vector<MapLayer> maps;
    std::vector<ParcelOutline> outlines;
    std::vector<ParcelRow> parcels;
    std::vector<HabitatStat> habitats;
    std::vector<CreditVintageRow> credits;
    std::vector<LotRow> lots;
    std::vector<Parameter> parameters;
    std::vector<InputHash> inputs;
};

}  // namespace bluecarbon::report
