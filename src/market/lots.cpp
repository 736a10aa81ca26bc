// Lot grouping: group, cluster by contiguity, walk, fill (the rules are in market/lots.hpp).
#include <bluecarbon/market/lots.hpp>

#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <numeric>
#include <set>

namespace bluecarbon::market {

std::optional<GroupBy> parse_group_by(const std::string& name) {
    for (GroupBy g : {GroupBy::vintage, GroupBy::profile, GroupBy::habitat, GroupBy::owner})
        if (name == to_string(g)) return g;
    return std::nullopt;
}

const char* to_string(GroupBy g) noexcept {
    switch (g) {
    case GroupBy::vintage: return "vintage";
    case GroupBy::profile: return "profile";
    case GroupBy::habitat: return "habitat";
    case GroupBy::owner: return "owner";
    }
    return "vintage";
}

namespace {

using Key = std::vector<std::string>;

std::string attribute(GroupBy g, const CreditBlock& b, const ParcelInfo& p) {
    switch (g) {
    case GroupBy::vintage: return b.vintage;
    case GroupBy::profile: return b.profile;
    case GroupBy::habitat: return p.habitat;
    case GroupBy::owner: return b.owner.empty() ? p.owner : b.owner;
    }
    return {};
}

double box_gap(const Extent& a, const Extent& b) {
    const double dx = std::max({0.0, a.xmin - b.xmax, b.xmin - a.xmax});
    const double dy = std::max({0.0, a.ymin - b.ymax, b.ymin - a.ymax});
    return std::hypot(dx, dy);
}

/// Parcel ids (sorted) -> adjacency lists (sorted) of parcels within `d` of each other.
std::vector<std::vector<std::size_t>> neighbours(const std::vector<const ParcelInfo*>& ps, std::optional<double> d) {
    std::vector<std::vector<std::size_t>> adj(ps.size());
    if (!d) return adj;
    std::vector<Extent> boxes;
    for (const auto* p : ps) boxes.push_back(p->geometry.bounds());
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (ps[i]->geometry.empty()) continue;
        for (std::size_t j = i + 1; j < ps.size(); ++j) {
            if (ps[j]->geometry.empty() || box_gap(boxes[i], boxes[j]) > *d) continue;
            if (polygon_distance(ps[i]->geometry, ps[j]->geometry) <= *d) {
                adj[i].push_back(j);
                adj[j].push_back(i);
            }
        }
    }
    for (auto& a : adj) std::sort(a.begin(), a.end());
    return adj;
}

/// Clusters as lists of parcel indices in walk order (breadth-first from each cluster's lowest index).
std::vector<std::vector<std::size_t>> walks(const std::vector<std::vector<std::size_t>>& adj, bool contiguity) {
    std::vector<std::vector<std::size_t>> out;
    if (!contiguity) {
        out.emplace_back(adj.size());
        std::iota(out.back().begin(), out.back().end(), std::size_t{0});
        return out;
    }
    std::vector<bool> seen(adj.size(), false);
    for (std::size_t start = 0; start < adj.size(); ++start) {
        if (seen[start]) continue;
        std::vector<std::size_t> walk;
        std::deque<std::size_t> queue{start};
        seen[start] = true;
        while (!queue.empty()) {
            const std::size_t i = queue.front();
            queue.pop_front();
            walk.push_back(i);
            for (std::size_t j : adj[i]) {
                if (!seen[j]) {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
        out.push_back(std::move(walk));
    }
    return out;
}

void finish(Lot& lot, const std::map<std::string, ParcelInfo>& parcels, const LotRules& rules) {
    std::set<std::string> ids, habitats;
    for (const auto& b : lot.blocks) {
        ids.insert(b.parcel_id);
        lot.t_co2e += b.t_co2e;
    }
    for (const auto& id : ids) {
        const auto& p = parcels.at(id);
        lot.area_ha += p.area_ha;
        if (!p.habitat.empty()) habitats.insert(p.habitat);
    }
    lot.parcels.assign(ids.begin(), ids.end());
    lot.habitats.assign(habitats.begin(), habitats.end());
    lot.start_price = rules.start_price;
    lot.increment = rules.increment;
    lot.currency = rules.currency;
}

}  // namespace

std::vector<Lot> group_lots(const std::vector<CreditBlock>& blocks, const std::map<std::string, ParcelInfo>& parcels,
                            const LotRules& rules) {
    std::vector<CreditBlock> sorted = blocks;
    std::sort(sorted.begin(), sorted.end(), [](const CreditBlock& a, const CreditBlock& b) {
        return std::tie(a.first, a.serial) < std::tie(b.first, b.serial);
    });
    // Group -> parcel id -> its blocks in unit order.
    std::map<Key, std::map<std::string, std::vector<CreditBlock>>> groups;
    for (const auto& b : sorted) {
        const auto p = parcels.find(b.parcel_id);
        if (p == parcels.end()) throw InputError(fmt::format("block {}: parcel '{}' is not among the parcels",
                                                             b.serial, b.parcel_id));
        if (!(b.t_co2e > 0)) throw InputError(fmt::format("block {}: quantity must be positive", b.serial));
        Key key;
        for (GroupBy g : rules.group_by) key.push_back(attribute(g, b, p->second));
        groups[key][b.parcel_id].push_back(b);
    }
    std::vector<Lot> lots;
    for (const auto& [key, by_parcel] : groups) {
        std::vector<const ParcelInfo*> ps;
        for (const auto& entry : by_parcel) ps.push_back(&parcels.at(entry.first));
        for (const auto& walk : walks(neighbours(ps, rules.contiguity_m), rules.contiguity_m.has_value())) {
            Lot lot;
            for (std::size_t i = 0; i < rules.group_by.size(); ++i) lot.key[rules.group_by[i]] = key[i];
            const Lot empty = lot;
            double held = 0;
            for (std::size_t i : walk) {
                for (const auto& b : by_parcel.at(ps[i]->id)) {
                    lot.blocks.push_back(b);
                    held += b.t_co2e;
                    if (held >= rules.target_t_co2e) {
                        lots.push_back(std::move(lot));
                        lot = empty;
                        held = 0;
                    }
                }
            }
            if (!lot.blocks.empty()) lots.push_back(std::move(lot));
        }
    }
    const bool issued = std::all_of(sorted.begin(), sorted.end(), [](const CreditBlock& b) { return b.first > 0; });
    for (std::size_t n = 0; n < lots.size(); ++n) {
        Lot& lot = lots[n];
        finish(lot, parcels, rules);
        if (issued) {
            std::int64_t first = lot.blocks.front().first;
            for (const auto& b : lot.blocks) first = std::min(first, b.first);
            lot.id = fmt::format("LOT-{}", first);
        } else {
            lot.id = fmt::format("LOT-{:03d}", n + 1);
        }
    }
    return lots;
}

}  // namespace bluecarbon::market
