#include "pipeline/shard/manifest.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <algorithm>
#include <fstream>

namespace bluecarbon::pipeline::shard {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Doubles as C99 hex floats: exact through text.
std::string hex(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", v);
    return buf;
}

double from_hex(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

}  // namespace

Manifest make_manifest(const TilePlan& plan, std::size_t index, std::size_t count) {
    if (count == 0 || index >= count)
        throw ConfigError(fmt::format("--shard: {}/{}: the index must be below the count (0 <= i < n)", index, count));
    const auto tiles = plan.shard(index, count);
    Manifest m;
    m.index = index;
    m.count = count;
    m.width = plan.grid().width();
    m.height = plan.grid().height();
    m.tile_width = plan.tile_width();
    m.tile_height = plan.tile_height();
    m.tiles = plan.size();
    m.first_tile = tiles.empty() ? 0 : tiles.front();
    m.end_tile = tiles.empty() ? 0 : tiles.back() + 1;
    return m;
}

void write_manifest(const fs::path& dir, const Manifest& m) {
    json j;
    j["format"] = "bluecarbon shard 1";
    j["tool_version"] = m.tool_version;
    j["command"] = m.command;
    j["project"] = m.project.string();
    j["shard"] = {{"index", m.index}, {"count", m.count}, {"first_tile", m.first_tile}, {"end_tile", m.end_tile}};
    j["plan"] = {{"width", m.width},           {"height", m.height}, {"tile_width", m.tile_width},
                 {"tile_height", m.tile_height}, {"tiles", m.tiles}};
    j["parameters"] = m.parameters;
    json th = json::object();
    for (const auto& [k, v] : m.thresholds) th[k] = hex(v);
    j["thresholds"] = th;
    j["rasters"] = m.rasters;
    json in = json::array();
    for (const auto& h : m.inputs) in.push_back({{"name", h.name}, {"path", h.path.string()}, {"sha256", h.sha256}});
    j["inputs"] = in;
    write_text_file(dir / "manifest.json", j.dump(2) + "\n");
}

Manifest read_manifest(const fs::path& dir) {
    const fs::path p = dir / "manifest.json";
    std::ifstream f(p);
    if (!f) throw InputError(fmt::format("{}: missing (not a shard folder)", p.string()));
    try {
        const json j = json::parse(f);
        if (j.at("format") != "bluecarbon shard 1") throw InputError(fmt::format("{}: not a shard manifest", p.string()));
        Manifest m;
        m.tool_version = j.at("tool_version");
        m.command = j.at("command");
        m.project = j.at("project").get<std::string>();
        const auto& s = j.at("shard");
        m.index = s.at("index");
        m.count = s.at("count");
        m.first_tile = s.at("first_tile");
        m.end_tile = s.at("end_tile");
        const auto& pl = j.at("plan");
        m.width = pl.at("width");
        m.height = pl.at("height");
        m.tile_width = pl.at("tile_width");
        m.tile_height = pl.at("tile_height");
        m.tiles = pl.at("tiles");
        m.parameters = j.at("parameters").get<std::map<std::string, std::string>>();
        for (const auto& [k, v] : j.at("thresholds").items()) m.thresholds[k] = from_hex(v.get<std::string>());
        m.rasters = j.at("rasters").get<std::vector<std::string>>();
        for (const auto& h : j.at("inputs"))
            m.inputs.push_back(InputHash{h.at("name"), h.at("path").get<std::string>(), h.at("sha256")});
        return m;
    } catch (const json::exception& e) {
        throw InputError(fmt::format("{}: malformed: {}", p.string(), e.what()));
    }
}

std::vector<std::string> differences(const Manifest& a, const Manifest& b, bool with_thresholds) {
    std::vector<std::string> d;
    auto diff = [&](const std::string& what, const auto& x, const auto& y) {
        if (x != y) d.push_back(fmt::format("{} {} vs {}", what, x, y));
    };
    diff("tool version", a.tool_version, b.tool_version);
    diff("command", a.command, b.command);
    diff("project", a.project.string(), b.project.string());
    diff("grid width", a.width, b.width);
    diff("grid height", a.height, b.height);
    diff("tile width", a.tile_width, b.tile_width);
    diff("tile height", a.tile_height, b.tile_height);
    std::map<std::string, std::string> pa = a.parameters, pb = b.parameters;
    for (const auto& [k, v] : pa) diff("parameter " + k, v, pb.count(k) ? pb[k] : std::string("(none)"));
    for (const auto& [k, v] : pb)
        if (!pa.count(k)) diff("parameter " + k, std::string("(none)"), v);
    if (with_thresholds)
        for (const auto& [k, v] : a.thresholds)
            if (!b.thresholds.count(k) || b.thresholds.at(k) != v)
                d.push_back(fmt::format("scene statistic {} {} vs {}", k, v,
                                        b.thresholds.count(k) ? fmt::format("{}", b.thresholds.at(k)) : "(none)"));
    std::map<std::string, const InputHash*> hb;
    for (const auto& h : b.inputs) hb[h.name] = &h;
    for (const auto& h : a.inputs) {
        auto it = hb.find(h.name);
        if (it == hb.end())
            d.push_back(fmt::format("input {} ({}) only in one run", h.name, h.path.string()));
        else if (it->second->sha256 != h.sha256 || it->second->path != h.path)
            d.push_back(fmt::format("input {} changed ({} sha256 {}... vs {} sha256 {}...)", h.name, h.path.string(),
                                    h.sha256.substr(0, 12), it->second->path.string(),
                                    it->second->sha256.substr(0, 12)));
    }
    for (const auto& h : b.inputs)
        if (std::none_of(a.inputs.begin(), a.inputs.end(), [&](const InputHash& x) { return x.name == h.name; }))
            d.push_back(fmt::format("input {} ({}) only in one run", h.name, h.path.string()));
    return d;
}

}  // namespace bluecarbon::pipeline::shard
