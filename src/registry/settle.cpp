// Auction settlement (whole blocks of sold lots move to their buyers, all lots in one transaction) and the
// read-only listings the market uses (issuances, sales).
#include "registry/registry_impl.hpp"

#include <set>

namespace bluecarbon::registry {

using detail::Database;
using detail::Statement;
using nlohmann::json;

namespace {

bool table_exists(const Database& db, const char* name) {
    Statement s(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    s.bind(1, name);
    return s.step();
}

void settle_one(Registry::Impl& I, const Sale& sale, std::set<std::int64_t>& moved) {
    Database& db = I.db;
    const std::string what = "lot " + sale.lot;
    {
        Statement sold(db, "SELECT buyer FROM sales WHERE lot = ?1");
        sold.bind(1, sale.lot);
        if (sold.step()) throw RefusedError(what + ": refused: sold before, to " + sold.text(0));
    }
    if (!(sale.price_per_t >= sale.reserve_per_t)) {
        throw RefusedError(what + ": refused: price " + json(sale.price_per_t).dump() + " per t is below the reserve " +
                           json(sale.reserve_per_t).dump());
    }
    if (sale.buyer.empty()) throw InputError(what + ": the buyer account is empty");
    if (sale.serials.empty()) throw InputError(what + ": no blocks");
    json blocks = json::array();
    std::int64_t units = 0;
    for (const auto& serial : sale.serials) {
        const auto found = detail::find_block(db, I.code, serial);
        if (!found) throw RefusedError(what + ": refused: no block " + serial + " (moved or split since the listing)");
        const Block& b = found->first;
        if (b.status != BlockStatus::held) throw RefusedError(what + ": refused: block " + serial + " is " +
                                                              to_string(b.status));
        Statement in_sale(db, "SELECT lot FROM sale_blocks WHERE first = ?1");
        in_sale.bind(1, b.first);
        if (!moved.insert(b.first).second) {
            throw RefusedError(what + ": refused: block " + serial + " is in another lot of this settlement");
        }
        if (in_sale.step()) {
            throw RefusedError(what + ": refused: block " + serial + " was sold before, in lot " + in_sale.text(0));
        }
        if (b.account == sale.buyer) {
            throw RefusedError(what + ": refused: block " + serial + " is already held by " + sale.buyer);
        }
        Statement upd(db, "UPDATE blocks SET account = ?1 WHERE first = ?2");
        upd.bind(1, sale.buyer).bind(2, b.first).run();
        units += b.quantity();
        blocks.push_back(json::array({b.first, b.last}));
    }
    Statement rec(db, "INSERT INTO sales(lot, buyer, price_per_t, currency, units) VALUES(?1, ?2, ?3, ?4, ?5)");
    rec.bind(1, sale.lot).bind(2, sale.buyer).bind(3, sale.price_per_t).bind(4, sale.currency).bind(5, units).run();
    for (const auto& b : blocks) {
        Statement sb(db, "INSERT INTO sale_blocks(first, last, lot) VALUES(?1, ?2, ?3)");
        sb.bind(1, b[0].get<std::int64_t>()).bind(2, b[1].get<std::int64_t>()).bind(3, sale.lot).run();
    }
    detail::append_event(db, {{"kind", "sale"}, {"lot", sale.lot}, {"buyer", sale.buyer},
                              {"price_per_t", sale.price_per_t}, {"currency", sale.currency}, {"blocks", blocks}});
}

}  // namespace

void Registry::settle(const std::vector<Sale>& sales) {
    if (sales.empty()) throw InputError("settle: no lots");
    std::set<std::string> lots;
    for (const auto& s : sales) {
        if (!lots.insert(s.lot).second) throw RefusedError("lot " + s.lot + ": refused: sold twice in one settlement");
    }
    Impl& I = *m_impl;
    I.db.write_transaction(I.options.busy_retries, [&] {
        detail::ensure_sales_tables(I.db);
        std::set<std::int64_t> moved;
        for (const auto& s : sales) {
            settle_one(I, s, moved);
            if (I.options.fault_hook) I.options.fault_hook(I.db.handle());
        }
    });
}

std::vector<Issuance> Registry::issuances() const {
    Statement s(m_impl->db, "SELECT project_id, parcel_id, vintage, owner, certificate_sha256, area_m2, first, last "
                            "FROM issuances ORDER BY first");
    std::vector<Issuance> out;
    while (s.step()) {
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.real(5), s.int64(6), s.int64(7)});
    }
    return out;
}

std::vector<SaleRecord> Registry::sales() const {
    std::vector<SaleRecord> out;
    if (!table_exists(m_impl->db, "sales")) return out;
    Statement s(m_impl->db, "SELECT lot, buyer, price_per_t, currency, units FROM sales ORDER BY seq");
    while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2), s.text(3), s.int64(4), {}});
    for (auto& r : out) {
        Statement b(m_impl->db, "SELECT first FROM sale_blocks WHERE lot = ?1 ORDER BY first");
        b.bind(1, r.lot);
        while (b.step()) {
            Statement blk(m_impl->db, std::string(detail::k_block_columns) + "WHERE b.first = ?1");
            blk.bind(1, b.int64(0));
            if (blk.step()) r.serials.push_back(detail::read_block(blk, m_impl->code).serial);
        }
    }
    return out;
}

}  // namespace bluecarbon::registry
