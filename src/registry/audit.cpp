// Registry audit: recompute the event hash chain, replay the events into an independent in-memory model, check
// the balances of every issuance, and compare the model with every table. The first mismatch is reported.
#include "registry/registry_impl.hpp"
#include "registry/wkb_bounds.hpp"

#include <bluecarbon/certify/base64.hpp>
#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/core/sha256.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace bluecarbon::registry {

using detail::Database;
using detail::Statement;
using nlohmann::json;

namespace {

struct Mismatch : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct MIssuance {
    std::string project_id, parcel_id, vintage, period_start, period_end, crs, geometry_sha256, owner, key_id,
        certificate_sha256, external_serial;
    double area_m2{};
    std::int64_t first{}, last{};
    bool cancelled{false};
    bool operator==(const MIssuance&) const = default;
};

struct MBlock {
    std::int64_t first{}, last{}, issuance_first{};
    std::string account, status, beneficiary, reason;
    bool operator==(const MBlock&) const = default;
};

struct MSale {
    std::string buyer, currency;
    double price_per_t{};
    std::vector<std::pair<std::int64_t, std::int64_t>> blocks;
    bool operator==(const MSale&) const = default;
};

struct Model {
    std::string code;
    std::map<std::string, MSale> sales;  // by lot
    std::set<std::int64_t> sold;         // first units of blocks sold
    std::map<std::string, std::string> trusted;  // key_id -> base64
    std::int64_t next_unit{1};
    std::map<std::int64_t, MIssuance> issuances;  // by first unit
    std::map<std::int64_t, MBlock> blocks;        // by first unit
    std::set<std::tuple<std::string, std::string, std::string>> parcel_vintages;  // issued (project, parcel, vintage)
};

const json& member(const json& j, const char* name) {
    if (!j.is_object() || !j.contains(name)) throw Mismatch(std::string("member '") + name + "' is missing");
    return j.at(name);
}
std::string str(const json& j, const char* name) {
    const json& v = member(j, name);
    if (!v.is_string()) throw Mismatch(std::string("member '") + name + "' is not a string");
    return v.get<std::string>();
}
std::int64_t integer(const json& j, const char* name) {
    const json& v = member(j, name);
    if (!v.is_number_integer()) throw Mismatch(std::string("member '") + name + "' is not an integer");
    return v.get<std::int64_t>();
}

/// A sale: whole held blocks, each sold once, move to the buyer.
void apply_sale(Model& m, const json& e) {
    const std::string lot = str(e, "lot");
    MSale sale{str(e, "buyer"), str(e, "currency"), member(e, "price_per_t").get<double>(), {}};
    if (m.sales.count(lot)) throw Mismatch("lot " + lot + " sold twice");
    const json& blocks = member(e, "blocks");
    if (!blocks.is_array() || blocks.empty()) throw Mismatch("sale without blocks");
    for (const json& b : blocks) {
        if (!b.is_array() || b.size() != 2 || !b[0].is_number_integer() || !b[1].is_number_integer()) {
            throw Mismatch("a sale block is not [first, last]");
        }
        const auto first = b[0].get<std::int64_t>(), last = b[1].get<std::int64_t>();
        const auto it = m.blocks.find(first);
        if (it == m.blocks.end() || it->second.last != last) throw Mismatch("sells a block that did not exist");
        if (it->second.status != "held") throw Mismatch("sells units that were " + it->second.status);
        if (!m.sold.insert(first).second) throw Mismatch("sells units from " + std::to_string(first) + " again");
        it->second.account = sale.buyer;
        sale.blocks.emplace_back(first, last);
    }
    std::sort(sale.blocks.begin(), sale.blocks.end());
    m.sales[lot] = std::move(sale);
}

/// Applies one event to the model, checking it against the registry's rules as they stood at that point.
void apply(Model& m, const json& e, std::int64_t seq) {
    const std::string kind = str(e, "kind");
    if ((kind == "init") != (seq == 1)) throw Mismatch("the log must start with exactly one init event");
    if (kind == "init") {
        m.code = str(e, "registry");
        if (integer(e, "schema_version") != k_schema_version) throw Mismatch("init names another schema version");
    } else if (kind == "trust") {
        const std::string id = str(e, "key_id");
        const std::string key = str(e, "public_key");
        const auto raw = certify::base64_decode(key);
        if (!raw || raw->size() != 32 || sha256_hex(std::string(raw->begin(), raw->end())) != id) {
            throw Mismatch("key_id is not the fingerprint of public_key");
        }
        if (m.trusted.count(id)) throw Mismatch("key " + id + " trusted twice");
        m.trusted[id] = key;
    } else if (kind == "untrust") {
        if (m.trusted.erase(str(e, "key_id")) == 0) throw Mismatch("untrusts a key that is not trusted");
    } else if (kind == "issue") {
        const json& list = member(e, "issuances");
        if (!list.is_array() || list.empty()) throw Mismatch("issue event without issuances");
        for (const json& j : list) {
            MIssuance i{str(j, "project_id"), str(j, "parcel_id"), str(j, "vintage"), str(j, "period_start"),
                        str(j, "period_end"), str(j, "crs"), str(j, "geometry_sha256"), str(j, "owner"),
                        str(j, "key_id"), str(j, "certificate_sha256"), str(j, "external_serial"),
                        member(j, "area_m2").get<double>(), integer(j, "first"), integer(j, "last"), false};
            if (!m.trusted.count(i.key_id)) throw Mismatch("issues under key " + i.key_id + ", not trusted then");
            if (!m.parcel_vintages.insert({i.project_id, i.parcel_id, i.vintage}).second) {
                throw Mismatch("issues parcel " + i.parcel_id + " vintage " + i.vintage + " a second time");
            }
            if (i.first != m.next_unit || i.last < i.first) {
                throw Mismatch("units " + std::to_string(i.first) + "-" + std::to_string(i.last) +
                               " do not continue the numbering at " + std::to_string(m.next_unit));
            }
            m.next_unit = i.last + 1;
            m.blocks[i.first] = {i.first, i.last, i.first, i.owner, "held", "", ""};
            m.issuances[i.first] = std::move(i);
        }
    } else if (kind == "transfer" || kind == "retire" || kind == "cancel") {
        const std::int64_t first = integer(e, "block_first");
        const std::int64_t last = integer(e, "block_last");
        const std::int64_t quantity = integer(e, "quantity");
        const auto it = m.blocks.find(first);
        if (it == m.blocks.end() || it->second.last != last) throw Mismatch("acts on a block that did not exist");
        if (it->second.status != "held") throw Mismatch("moves units that were " + it->second.status);
        if (quantity < 1 || quantity > last - first + 1) throw Mismatch("quantity outside the block");
        MBlock part = it->second;
        part.last = first + quantity - 1;
        if (part.last < last) {
            MBlock rest = it->second;
            rest.first = part.last + 1;
            m.blocks[rest.first] = rest;
        }
        if (kind == "transfer") {
            part.account = str(e, "to");
        } else if (kind == "retire") {
            part.status = "retired";
            part.beneficiary = str(e, "beneficiary");
            part.reason = str(e, "reason");
        } else {
            part.status = "cancelled";
            part.reason = str(e, "reason");
        }
        m.blocks[first] = part;
        if (kind == "cancel") {
            // The issuance's blocks tile its units, so they are the blocks keyed within [first, last].
            MIssuance& issuance = m.issuances.at(part.issuance_first);
            bool all = true;
            for (auto b = m.blocks.lower_bound(issuance.first); b != m.blocks.end() && b->first <= issuance.last; ++b) {
                if (b->second.status != "cancelled") all = false;
            }
            issuance.cancelled = all;
        }
    } else if (kind == "sale") {
        apply_sale(m, e);
    } else {
        throw Mismatch("unknown event kind '" + kind + "'");
    }
}

Model read_tables(const Database& db) {
    Model m;
    {
        Statement s(db, "SELECT value FROM registry_meta WHERE key = 'registry'");
        if (s.step()) m.code = s.text(0);
    }
    {
        Statement s(db, "SELECT key_id, public_key FROM trusted_keys");
        while (s.step()) m.trusted[s.text(0)] = s.text(1);
    }
    {
        Statement s(db, "SELECT value FROM counters WHERE name = 'next_unit'");
        m.next_unit = s.step() ? s.int64(0) : -1;
    }
    {
        Statement s(db, "SELECT project_id, parcel_id, vintage, period_start, period_end, crs, wkb, owner, key_id, "
                        "certificate_sha256, external_serial, area_m2, first, last, cancelled FROM issuances");
        while (s.step()) {
            MIssuance i{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), sha256_hex(s.blob(6)),
                        s.text(7), s.text(8), s.text(9), s.text(10), s.real(11), s.int64(12), s.int64(13),
                        s.int64(14) != 0};
            m.issuances[i.first] = std::move(i);
        }
    }
    {
        Statement s(db, "SELECT b.first, b.last, i.first, b.account, b.status, b.beneficiary, b.reason "
                        "FROM blocks b LEFT JOIN issuances i ON i.id = b.issuance_id");
        while (s.step()) {
            MBlock b{s.int64(0), s.int64(1), s.is_null(2) ? -1 : s.int64(2), s.text(3), s.text(4), s.text(5),
                     s.text(6)};
            m.blocks[b.first] = std::move(b);
        }
    }
    if (Statement t(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sales'"); t.step()) {
        Statement s(db, "SELECT lot, buyer, currency, price_per_t FROM sales");
        while (s.step()) m.sales[s.text(0)] = MSale{s.text(1), s.text(2), s.real(3), {}};
        Statement b(db, "SELECT lot, first, last FROM sale_blocks ORDER BY first");
        while (b.step()) m.sales[b.text(0)].blocks.emplace_back(b.int64(1), b.int64(2));
    }
    return m;
}

std::string describe(const MBlock& b) {
    return "units " + std::to_string(b.first) + "-" + std::to_string(b.last) + " (" + b.status + ", account '" +
           b.account + "')";
}

/// Issued = held + retired + cancelled for every issuance, its blocks tiling its units without gap or overlap.
void check_balances(const Model& t, const std::string& code, AuditReport& r) {
    std::map<std::int64_t, std::int64_t> covered;  // issuance first -> next unit expected
    for (const auto& [f, i] : t.issuances) covered[f] = i.first;
    for (const auto& [f, b] : t.blocks) {
        const auto it = t.issuances.find(b.issuance_first);
        if (it == t.issuances.end()) throw Mismatch("table blocks: " + describe(b) + " belongs to no issuance");
        const MIssuance& i = it->second;
        const std::string serial = detail::serial_text(code, i.project_id, i.vintage, i.first, i.last);
        if (b.first != covered[i.first] || b.last < b.first || b.last > i.last) {
            throw Mismatch("table blocks: " + describe(b) + " does not continue the units of issuance " + serial +
                           " at " + std::to_string(covered[i.first]));
        }
        covered[i.first] = b.last + 1;
        const std::int64_t n = b.last - b.first + 1;
        if (b.status == "held") r.units_held += n;
        else if (b.status == "retired") r.units_retired += n;
        else if (b.status == "cancelled") r.units_cancelled += n;
        else throw Mismatch("table blocks: " + describe(b) + " has an unknown status");
        ++r.blocks;
    }
    for (const auto& [f, i] : t.issuances) {
        const std::string serial = detail::serial_text(code, i.project_id, i.vintage, i.first, i.last);
        if (covered[f] != i.last + 1) {
            throw Mismatch("issuance " + serial + ": issued " + std::to_string(i.last - i.first + 1) +
                           " units but its blocks account for " + std::to_string(covered[f] - i.first));
        }
        r.units_issued += i.last - i.first + 1;
    }
    if (r.units_issued != r.units_held + r.units_retired + r.units_cancelled) {
        throw Mismatch("balances: issued " + std::to_string(r.units_issued) + " != held + retired + cancelled");
    }
}

void compare(const Model& log, const Model& t, const std::string& code) {
    if (log.code != t.code) throw Mismatch("table registry_meta: registry code differs from the event log");
    if (log.trusted != t.trusted) throw Mismatch("table trusted_keys differs from the event log");
    if (log.next_unit != t.next_unit) {
        throw Mismatch("table counters: next_unit is " + std::to_string(t.next_unit) + ", the event log says " +
                       std::to_string(log.next_unit));
    }
    for (const auto& [f, i] : log.issuances) {
        const std::string serial = detail::serial_text(code, i.project_id, i.vintage, i.first, i.last);
        const auto it = t.issuances.find(f);
        if (it == t.issuances.end()) throw Mismatch("table issuances: " + serial + " is missing");
        if (!(it->second == i)) throw Mismatch("table issuances: the row of " + serial + " differs from the event log");
    }
    for (const auto& [f, i] : t.issuances) {
        if (!log.issuances.count(f)) {
            throw Mismatch("table issuances: units from " + std::to_string(f) + " were never issued by an event");
        }
    }
    for (const auto& [f, b] : log.blocks) {
        const auto it = t.blocks.find(f);
        if (it == t.blocks.end()) throw Mismatch("table blocks: the block of " + describe(b) + " is missing");
        if (!(it->second == b)) {
            throw Mismatch("table blocks: " + describe(it->second) + " differs from the event log's " + describe(b));
        }
    }
    for (const auto& [f, b] : t.blocks) {
        if (!log.blocks.count(f)) throw Mismatch("table blocks: " + describe(b) + " is not in the event log");
    }
    for (const auto& [lot, sale] : log.sales) {
        const auto it = t.sales.find(lot);
        if (it == t.sales.end() || !(it->second == sale)) {
            throw Mismatch("table sales: lot " + lot + " differs from the event log");
        }
    }
    if (t.sales.size() != log.sales.size()) throw Mismatch("table sales: a lot that no event sold");
}

void check_bboxes(const Database& db) {
    Statement s(db, "SELECT i.first, i.wkb, b.min_x, b.max_x, b.min_y, b.max_y FROM issuances i "
                    "LEFT JOIN issuance_bbox b ON b.id = i.id");
    std::int64_t rows = 0;
    while (s.step()) {
        ++rows;
        const auto bounds = detail::wkb_bounds(s.blob(1));
        // The R*Tree keeps 32-bit floats rounded outwards: the stored box must contain the geometry's, closely.
        auto close_below = [](double stored, double exact) {
            return stored <= exact && exact - stored <= 1e-6 * std::max(1.0, std::fabs(exact));
        };
        if (!bounds || s.is_null(2) || !close_below(s.real(2), bounds->min_x) ||
            !close_below(-s.real(3), -bounds->max_x) ||
            !close_below(s.real(4), bounds->min_y) || !close_below(-s.real(5), -bounds->max_y)) {
            throw Mismatch("table issuance_bbox: the box of the issuance from unit " + std::to_string(s.int64(0)) +
                           " does not match its geometry");
        }
    }
    Statement count(db, "SELECT count(*) FROM issuance_bbox");
    if (count.step() && count.int64(0) != rows) throw Mismatch("table issuance_bbox: rows without an issuance");
}

}  // namespace

AuditReport Registry::audit() const {
    Database& db = m_impl->db;
    AuditReport r;
    db.exec("BEGIN");  // one consistent snapshot while other writers carry on
    try {
        Model log;
        std::string prev = detail::k_genesis_hash;
        Statement events(db, "SELECT seq, body, prev_hash, hash FROM events ORDER BY seq");
        std::int64_t expected = 1;
        while (events.step()) {
            const std::int64_t seq = events.int64(0);
            try {
                if (seq != expected) throw Mismatch("sequence number " + std::to_string(seq) + " where " +
                                                    std::to_string(expected) + " was expected");
                const std::string body = events.text(1);
                if (events.text(2) != prev) throw Mismatch("prev_hash is not the previous row's hash");
                if (detail::event_hash(prev, body) != events.text(3)) {
                    throw Mismatch("hash is not SHA-256(prev_hash + body)");
                }
                json e;
                try {
                    e = json::parse(body);
                } catch (const json::exception&) {
                    throw Mismatch("body is not JSON");
                }
                if (certify::canonical_json(e) != body) throw Mismatch("body is not canonical JSON");
                if (integer(e, "seq") != seq) throw Mismatch("body names another sequence number");
                apply(log, e, seq);
            } catch (const Mismatch& m) {
                r.first_bad_event = seq;
                r.problem = "event " + std::to_string(seq) + ": " + m.what();
                r.events = seq - 1;
                r.head_hash = prev;
                db.exec("COMMIT");
                return r;
            }
            prev = events.text(3);
            ++expected;
            ++r.events;
        }
        r.head_hash = prev;
        try {
            if (r.events == 0) throw Mismatch("the event log is empty");
            const Model tables = read_tables(db);
            check_balances(tables, m_impl->code, r);
            compare(log, tables, m_impl->code);
            check_bboxes(db);
            r.ok = true;
        } catch (const Mismatch& m) {
            r.problem = m.what();
        }
        db.exec("COMMIT");
    } catch (...) {
        db.exec("ROLLBACK");
        throw;
    }
    return r;
}

}  // namespace bluecarbon::registry
