// `registry VERB DB ...`: the registry module's operations, with GEOS overlaps injected and a GeoPackage export.
#include "pipeline/certify/registry_style.hpp"

#include <bluecarbon/certify/wkb.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/validation.hpp>
#include <bluecarbon/pipeline/registry.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

constexpr const char* k_verbs[] = {"init",     "trust",  "untrust", "issue", "list",  "show",
                                   "transfer", "retire", "cancel",  "audit", "export"};

const char* verb_name(RegistryVerb v) { return k_verbs[static_cast<int>(v)]; }

/// A public key file, or (untrust only) a key id.
std::string key_id_of(const std::string& text, bool allow_id) {
    std::error_code ec;
    if (allow_id && !fs::exists(text, ec)) return text;
    return certify::load_public_key(text).key_id();
}

std::vector<certify::PublicKey> load_keys(const std::vector<std::string>& files) {
    std::vector<certify::PublicKey> keys;
    for (const auto& f : files) keys.push_back(certify::load_public_key(f));
    return keys;
}

/// Whole block when no quantity was given.
std::int64_t quantity_of(const registry::Registry& reg, const RegistryRequest& rq) {
    if (rq.quantity != 0) return rq.quantity;
    const auto blocks = reg.show(rq.serial);
    if (blocks.size() != 1 || blocks.front().serial != rq.serial)
        throw RequestError("quantity", "give the number of units of " + rq.serial);
    return blocks.front().quantity();
}

void export_gpkg(const registry::Registry& reg, const fs::path& out) {
    const auto shapes = reg.list_shapes();
    if (shapes.empty()) throw InputError(reg.path().string() + ": no issued blocks to export");
    PolygonLayerSpec spec;
    spec.layer = "registry_blocks";
    spec.style_name = k_registry_style_name;  // QGIS opens the layer coloured by status
    spec.style_qml = registry_status_qml();
    spec.crs = crs_from_user(shapes.front().crs);
    using T = VectorField::Type;
    spec.fields = {{"serial", T::text},          {"project_id", T::text},   {"parcel_id", T::text},
                   {"vintage", T::text},         {"period_start", T::text}, {"period_end", T::text},
                   {"first_unit", T::integer},   {"last_unit", T::integer}, {"quantity", T::integer},
                   {"account", T::text},         {"status", T::text},       {"beneficiary", T::text},
                   {"reason", T::text},          {"certificate_sha256", T::text}, {"external_serial", T::text}};
    std::vector<MultiPolygon> geometries;
    std::vector<std::vector<FieldValue>> rows;
    for (const auto& s : shapes) {
        std::vector<MultiPolygon> g{certify::multipolygon_from_wkb(s.wkb)};
        // Parcels of another CRS (another project) are placed in the layer's CRS.
        if (s.crs != shapes.front().crs) transform_polygons(g, crs_from_user(s.crs), spec.crs);
        geometries.push_back(std::move(g.front()));
        const auto& b = s.block;
        rows.push_back({b.serial, b.project_id, b.parcel_id, b.vintage, b.period_start, b.period_end, b.first, b.last,
                        b.quantity(), b.account, std::string(to_string(b.status)), b.beneficiary, b.reason,
                        b.certificate_sha256, b.external_serial});
    }
    write_polygons_gpkg(out, spec, geometries, rows);
}

}  // namespace

std::optional<RegistryVerb> registry_verb(const std::string& word) {
    for (int i = 0; i < static_cast<int>(std::size(k_verbs)); ++i)
        if (word == k_verbs[i]) return static_cast<RegistryVerb>(i);
    return std::nullopt;
}

registry::RegistryOptions registry_options(bool read_only) {
    registry::RegistryOptions o;
    o.overlap_area = [](const std::string& a, const std::string& b) {
        return parcels::overlap_area(certify::multipolygon_from_wkb(a), certify::multipolygon_from_wkb(b));
    };
    o.read_only = read_only;
    return o;
}

RegistryResult run_registry(const RegistryRequest& rq, const RunContext& ctx) {
    using V = RegistryVerb;
    RegistryResult r;
    r.verb = rq.verb;
    r.db = rq.db;
    if (rq.verb == V::init) {
        if (rq.keys.empty()) throw RequestError("trust", "a new registry needs at least one trusted key");
        auto reg = registry::Registry::create(rq.db, rq.name, load_keys(rq.keys), registry_options());
        r.code = reg.code();
        r.keys = reg.trusted_keys();
        return r;
    }
    if (rq.quantity < 0) throw RequestError("quantity", fmt::format("must be at least 1 (got {})", rq.quantity));
    const bool read_only = rq.verb == V::list || rq.verb == V::show || rq.verb == V::audit || rq.verb == V::export_gpkg;
    auto reg = registry::Registry::open(rq.db, registry_options(read_only));
    r.code = reg.code();
    switch (rq.verb) {
    case V::init: break;
    case V::trust:
        for (const auto& k : load_keys(rq.keys)) reg.trust(k);
        r.keys = reg.trusted_keys();
        break;
    case V::untrust:
        for (const auto& k : rq.keys) reg.untrust(key_id_of(k, true));
        r.keys = reg.trusted_keys();
        break;
    case V::issue:
        for (auto& o : reg.issue_files(rq.certificates, rq.external_serial, ctx.threads)) {
            if (!o.refused.empty()) r.refused.push_back(o.refused);
            for (auto& b : o.blocks) r.blocks.push_back(std::move(b));
        }
        if (!r.refused.empty()) {
            r.failure = r.refused.front();
            if (r.refused.size() > 1) r.failure += fmt::format(" (and {} more refused)", r.refused.size() - 1);
            r.failure_exit_code = 2;
        }
        break;
    case V::list: r.blocks = reg.list(); break;
    case V::show: r.blocks = reg.show(rq.serial); break;
    case V::transfer: r.blocks = {reg.transfer(rq.serial, rq.to, quantity_of(reg, rq))}; break;
    case V::retire: r.blocks = {reg.retire(rq.serial, quantity_of(reg, rq), rq.beneficiary, rq.reason)}; break;
    case V::cancel: r.blocks = {reg.cancel(rq.serial, quantity_of(reg, rq), rq.reason)}; break;
    case V::audit:
        r.audit = reg.audit();
        if (!r.audit->ok) {
            r.failure = rq.db.string() + ": audit failed: " + r.audit->problem;
            r.failure_exit_code = 1;
        }
        break;
    case V::export_gpkg:
        export_gpkg(reg, rq.gpkg);
        r.gpkg = rq.gpkg;
        r.blocks = reg.list();
        break;
    }
    return r;
}

ordered_json block_json(const registry::Block& b) {
    return {{"serial", b.serial},
            {"first", b.first},
            {"last", b.last},
            {"quantity", b.quantity()},
            {"project_id", b.project_id},
            {"parcel_id", b.parcel_id},
            {"vintage", b.vintage},
            {"period_start", b.period_start},
            {"period_end", b.period_end},
            {"account", b.account},
            {"status", to_string(b.status)},
            {"beneficiary", b.beneficiary},
            {"reason", b.reason},
            {"certificate_sha256", b.certificate_sha256},
            {"external_serial", b.external_serial}};
}

std::string to_json(const RegistryResult& r) {
    ordered_json j{{"command", std::string("registry ") + verb_name(r.verb)},
                   {"bluecarbon_version", k_version},
                   {"registry", r.db.string()},
                   {"code", r.code}};
    auto& blocks = j["blocks"] = ordered_json::array();
    for (const auto& b : r.blocks) blocks.push_back(block_json(b));
    if (r.verb == RegistryVerb::init || r.verb == RegistryVerb::trust || r.verb == RegistryVerb::untrust) {
        auto& keys = j["trusted_keys"] = ordered_json::array();
        for (const auto& k : r.keys) keys.push_back({{"key_id", k.key_id}, {"public_key", k.public_key}});
    }
    if (r.verb == RegistryVerb::issue) j["refused"] = r.refused;
    if (r.audit) {
        const auto& a = *r.audit;
        j["audit"] = {{"ok", a.ok},
                      {"events", a.events},
                      {"head_hash", a.head_hash},
                      {"blocks", a.blocks},
                      {"units_issued", a.units_issued},
                      {"units_held", a.units_held},
                      {"units_retired", a.units_retired},
                      {"units_cancelled", a.units_cancelled},
                      {"first_bad_event", a.first_bad_event ? ordered_json(*a.first_bad_event) : ordered_json()},
                      {"problem", a.problem}};
    }
    if (!r.gpkg.empty()) j["gpkg"] = r.gpkg.string();
    // What the verb wrote: the registry for a change, the GeoPackage for export, nothing for list/show/audit.
    const bool reads = r.verb == RegistryVerb::list || r.verb == RegistryVerb::show || r.verb == RegistryVerb::audit;
    auto& outputs = j["outputs"] = ordered_json::array();
    if (r.verb == RegistryVerb::export_gpkg) outputs.push_back(r.gpkg.string());
    else if (!reads) outputs.push_back(r.db.string());
    return j.dump(2);
}

std::string summary_text(const RegistryResult& r) {
    std::string s = fmt::format("registry {} ({}): {}\n", r.code, r.db.string(), verb_name(r.verb));
    for (const auto& b : r.blocks) {
        s += fmt::format("  {}  {} units  {}  {}", b.serial, b.quantity(), to_string(b.status), b.account);
        if (!b.beneficiary.empty()) s += "  for " + b.beneficiary;
        if (!b.reason.empty()) s += "  (" + b.reason + ")";
        s += "\n";
        if (r.verb == RegistryVerb::show)
            s += fmt::format("    parcel {} of project {}, vintage {} ({} to {}), certificate sha256 {}{}\n",
                             b.parcel_id, b.project_id, b.vintage, b.period_start, b.period_end, b.certificate_sha256,
                             b.external_serial.empty() ? "" : ", external serial " + b.external_serial);
    }
    for (const auto& k : r.keys) s += "  trusted key " + k.key_id + "\n";
    for (const auto& f : r.refused) s += "  " + f + "\n";
    if (r.audit) {
        const auto& a = *r.audit;
        s += a.ok ? fmt::format("  audit passed: {} events, head {}; {} blocks: {} units issued = {} held + {} retired"
                                " + {} cancelled\n",
                                a.events, a.head_hash, a.blocks, a.units_issued, a.units_held, a.units_retired,
                                a.units_cancelled)
                  : fmt::format("  audit FAILED at event {}: {}\n",
                                a.first_bad_event ? std::to_string(*a.first_bad_event) : "-", a.problem);
    }
    if (!r.gpkg.empty()) s += fmt::format("  {} block(s) written to {}\n", r.blocks.size(), r.gpkg.string());
    return s;
}

}  // namespace bluecarbon::pipeline
