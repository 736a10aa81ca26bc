// run_lots: lots.csv and lots.geojson from the available credits.
#include <bluecarbon/pipeline/lots.hpp>

#include "pipeline/market/lots_inputs.hpp"

#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/validation.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;

std::optional<fs::path> project_registry_path(const config::ProjectConfig& cfg) {
    if (!cfg.registry.present) return std::nullopt;
    return cfg.registry.path ? *cfg.registry.path : cfg.output_dir / "registry.db";
}

LotsRequest lots_request(const config::ProjectConfig& cfg) {
    LotsRequest r;
    r.output_dir = cfg.output_dir;
    r.parcels = cfg.output_dir / "parcels.gpkg";
    r.registry = project_registry_path(cfg);
    r.credits = cfg.output_dir / "credits.csv";
    r.certificates = cfg.output_dir / "certificates";
    const auto& l = cfg.lots;
    r.rules.group_by.clear();
    for (const auto& g : l.group_by) r.rules.group_by.push_back(*market::parse_group_by(g));
    r.rules.target_t_co2e = l.target_t_co2e;
    r.rules.contiguity_m = l.contiguity_m;
    r.rules.start_price = l.start_price;
    r.rules.increment = l.increment;
    r.rules.currency = l.currency;
    return r;
}

namespace {
std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
    return s;
}
std::vector<std::string> serials(const market::Lot& l) {
    std::vector<std::string> s;
    for (const auto& b : l.blocks) s.push_back(b.serial);
    return s;
}
}  // namespace

LotsResult run_lots(const LotsRequest& req, const RunContext&) {
    if (!(req.rules.target_t_co2e > 0)) throw RequestError("target_t_co2e", "must be greater than 0");
    const auto parcels = detail::read_lot_parcels(req.parcels);
    LotsResult r;
    r.source = req.registry ? "registry" : "credits.csv";
    const auto blocks = req.registry ? detail::registry_blocks(*req.registry, req.certificates)
                                     : detail::csv_blocks(req.credits);
    r.lots = market::group_lots(blocks, parcels.parcels, req.rules);
    r.blocks = blocks.size();
    CsvWriter csv({"lot", "serial_blocks", "parcels", "t_co2e", "area_ha", "habitats", "start_price", "increment",
                   "currency"});
    std::vector<MultiPolygon> shapes;
    std::vector<std::vector<FieldValue>> rows;
    for (const auto& l : r.lots) {
        r.t_co2e += l.t_co2e;
        csv.add_row({l.id, joined(serials(l)), joined(l.parcels), format_number(l.t_co2e), format_fixed(l.area_ha, 4),
                     joined(l.habitats), format_number(l.start_price), format_number(l.increment), l.currency});
        std::vector<MultiPolygon> members;
        for (const auto& id : l.parcels) members.push_back(parcels.parcels.at(id).geometry);
        shapes.push_back(parcels::dissolve(members));  // the lot's outline: its parcels' union
        rows.push_back({l.id, l.t_co2e, l.area_ha, joined(l.parcels), l.start_price, l.currency});
    }
    ensure_writable_dir(req.output_dir);
    r.lots_csv = req.output_dir / "lots.csv";
    r.lots_geojson = req.output_dir / "lots.geojson";
    OutputTransaction tx;
    write_text_file(r.lots_csv, csv.str(), &tx);
    PolygonLayerSpec spec;
    spec.layer = "lots";
    spec.crs = parcels.crs;
    using T = VectorField::Type;
    spec.fields = {{"lot", T::text}, {"t_co2e", T::real},      {"area_ha", T::real},
                   {"parcels", T::text}, {"start_price", T::real}, {"currency", T::text}};
    write_polygons_geojson(r.lots_geojson, spec, shapes, rows, &tx);
    tx.commit();
    return r;
}

std::string to_json(const LotsResult& r) {
    nlohmann::json lots = nlohmann::json::array();
    for (const auto& l : r.lots) {
        lots.push_back({{"lot", l.id}, {"serial_blocks", serials(l)}, {"parcels", l.parcels}, {"t_co2e", l.t_co2e},
                        {"area_ha", l.area_ha}, {"habitats", l.habitats}, {"start_price", l.start_price},
                        {"increment", l.increment}, {"currency", l.currency}});
    }
    return nlohmann::json{{"command", "lots"}, {"bluecarbon_version", k_version},
                          {"source", r.source}, {"blocks", r.blocks}, {"t_co2e", r.t_co2e}, {"lots", lots},
                          {"outputs", {r.lots_csv.string(), r.lots_geojson.string()}}}
        .dump(2);
}

std::string summary_text(const LotsResult& r) {
    return fmt::format("{} lots of {} t CO2e from {} blocks ({}) -> {}\n", r.lots.size(), format_number(r.t_co2e),
                       r.blocks, r.source, r.lots_csv.string());
}

}  // namespace bluecarbon::pipeline
