#include <bluecarbon/certify/base64.hpp>
#include <bluecarbon/certify/certificate.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include <cmath>
#include <initializer_list>
#include <set>

namespace bluecarbon::certify {

using nlohmann::json;

namespace {

json period_json(const Period& p) { return {{"start", p.start}, {"end", p.end}}; }

/// Strict reader: every member must be present with the right type and no unknown member may appear, so a
/// certificate means exactly one thing. Errors name the member by its path.
class Reader {
public:
    Reader(const json& j, std::string path, std::initializer_list<const char*> members)
        : m_j(j), m_path(std::move(path)) {
        if (!j.is_object()) fail("", "must be an object");
        std::set<std::string> known(members.begin(), members.end());
        for (const auto& [k, v] : j.items()) {
            if (!known.count(k)) fail(k, "unknown member");
        }
        for (const char* m : members) {
            if (!j.contains(m)) fail(m, "missing");
        }
    }
    [[noreturn]] void fail(const std::string& member, const std::string& what) const {
        throw InputError(m_path + (member.empty() ? "" : "." + member) + ": " + what);
    }
    [[nodiscard]] std::string path(const std::string& member) const { return m_path + "." + member; }
    [[nodiscard]] const json& at(const char* m) const { return m_j.at(m); }
    [[nodiscard]] std::string str(const char* m) const {
        if (!at(m).is_string()) fail(m, "must be a string");
        return at(m).get<std::string>();
    }
    [[nodiscard]] double num(const char* m) const {
        if (!at(m).is_number()) fail(m, "must be a number");
        return at(m).get<double>();
    }
    [[nodiscard]] std::int64_t integer(const char* m) const {
        const double d = num(m);
        if (d != std::floor(d) || std::fabs(d) > 9007199254740992.0) fail(m, "must be an integer");
        return static_cast<std::int64_t>(d);
    }

private:
    const json& m_j;
    std::string m_path;
};

Period read_period(const json& j, const std::string& path) {
    const Reader r(j, path, {"start", "end"});
    return {r.str("start"), r.str("end")};
}

}  // namespace

ParcelGeometry make_parcel_geometry(std::string crs, std::string wkb) {
    std::string hash = sha256_hex(wkb);
    return {std::move(crs), std::move(wkb), std::move(hash)};
}

bool geometry_hash_matches(const Certificate& c) { return sha256_hex(c.geometry.wkb) == c.geometry.sha256; }

json to_json(const Certificate& c) {
    json vintages = json::array();
    for (const auto& v : c.vintages) {
        vintages.push_back({{"vintage", v.vintage},
                            {"period", period_json(v.period)},
                            {"baseline_t_co2e", v.baseline_t_co2e},
                            {"project_t_co2e", v.project_t_co2e},
                            {"leakage_t_co2e", v.leakage_t_co2e},
                            {"ner_t_co2e", v.ner_t_co2e},
                            {"u", v.u},
                            {"adjusted_ner_t_co2e", v.adjusted_ner_t_co2e},
                            {"buffer_t_co2e", v.buffer_t_co2e},
                            {"credits", v.credits},
                            {"remainder_t_co2e", v.remainder_t_co2e},
                            {"value", v.value}});
    }
    json stock = json::object();
    for (const auto& [pool, s] : c.stock) {
        stock[pool] = {{"mean_mg_c", s.mean_mg_c}};
        if (s.ci90_low_mg_c && s.ci90_high_mg_c) {
            stock[pool]["ci90_low_mg_c"] = *s.ci90_low_mg_c;
            stock[pool]["ci90_high_mg_c"] = *s.ci90_high_mg_c;
        }
    }
    json inputs = json::array();
    for (const auto& f : c.inputs) inputs.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
    json habitat = json::object();
    for (const auto& [h, a] : c.habitat_m2) habitat[h] = a;
    const auto* wkb = reinterpret_cast<const std::uint8_t*>(c.geometry.wkb.data());
    return {{"schema_version", c.schema_version},
            {"tool_version", c.tool_version},
            {"project_id", c.project_id},
            {"parcel_id", c.parcel_id},
            {"owner", c.owner},
            {"geometry",
             {{"crs", c.geometry.crs},
              {"wkb", base64_encode({wkb, c.geometry.wkb.size()})},
              {"sha256", c.geometry.sha256}}},
            {"area_m2", c.area_m2},
            {"habitat_m2", habitat},
            {"profile",
             {{"name", c.profile.name}, {"version", c.profile.version}, {"parameters", c.profile.parameters}}},
            {"vintages", vintages},
            {"stock", stock},
            {"inputs", inputs},
            {"assessment_date", c.assessment_date}};
}

Certificate certificate_from_json(const json& j) {
    const Reader r(j, "certificate",
                   {"schema_version", "tool_version", "project_id", "parcel_id", "owner", "geometry", "area_m2",
                    "habitat_m2", "profile", "vintages", "stock", "inputs", "assessment_date"});
    Certificate c;
    c.schema_version = static_cast<int>(r.integer("schema_version"));
    if (c.schema_version != k_certificate_schema_version) {
        r.fail("schema_version", "is " + std::to_string(c.schema_version) + ", this tool reads version " +
                                     std::to_string(k_certificate_schema_version));
    }
    c.tool_version = r.str("tool_version");
    c.project_id = r.str("project_id");
    c.parcel_id = r.str("parcel_id");
    c.owner = r.str("owner");
    {
        const Reader g(r.at("geometry"), r.path("geometry"), {"crs", "wkb", "sha256"});
        c.geometry.crs = g.str("crs");
        const auto wkb = base64_decode(g.str("wkb"));
        if (!wkb) g.fail("wkb", "is not canonical base64");
        c.geometry.wkb.assign(wkb->begin(), wkb->end());
        c.geometry.sha256 = g.str("sha256");
    }
    c.area_m2 = r.num("area_m2");
    {
        const json& h = r.at("habitat_m2");
        if (!h.is_object()) r.fail("habitat_m2", "must be an object");
        for (const auto& [name, v] : h.items()) {
            if (!v.is_number()) r.fail("habitat_m2." + name, "must be a number");
            c.habitat_m2[name] = v.get<double>();
        }
    }
    {
        const Reader p(r.at("profile"), r.path("profile"), {"name", "version", "parameters"});
        c.profile.name = p.str("name");
        c.profile.version = p.str("version");
        if (!p.at("parameters").is_object()) p.fail("parameters", "must be an object");
        c.profile.parameters = p.at("parameters");
    }
    {
        const json& vs = r.at("vintages");
        if (!vs.is_array()) r.fail("vintages", "must be an array");
        for (std::size_t i = 0; i < vs.size(); ++i) {
            const Reader v(vs[i], r.path("vintages[" + std::to_string(i) + "]"),
                           {"vintage", "period", "baseline_t_co2e", "project_t_co2e", "leakage_t_co2e", "ner_t_co2e", "u",
                            "adjusted_ner_t_co2e", "buffer_t_co2e", "credits", "remainder_t_co2e", "value"});
            VintageCredits vc;
            vc.vintage = v.str("vintage");
            vc.period = read_period(v.at("period"), v.path("period"));
            vc.baseline_t_co2e = v.num("baseline_t_co2e");
            vc.project_t_co2e = v.num("project_t_co2e");
            vc.leakage_t_co2e = v.num("leakage_t_co2e");
            vc.ner_t_co2e = v.num("ner_t_co2e");
            vc.u = v.num("u");
            vc.adjusted_ner_t_co2e = v.num("adjusted_ner_t_co2e");
            vc.buffer_t_co2e = v.num("buffer_t_co2e");
            vc.credits = v.integer("credits");
            if (vc.credits < 0) v.fail("credits", "must not be negative");
            vc.remainder_t_co2e = v.num("remainder_t_co2e");
            vc.value = v.num("value");
            c.vintages.push_back(std::move(vc));
        }
    }
    {
        const json& st = r.at("stock");
        if (!st.is_object()) r.fail("stock", "must be an object");
        for (const auto& [pool, v] : st.items()) {
            const bool ci = !v.is_object() || v.size() != 1;  // the interval is both bounds or neither
            const std::string path = r.path("stock." + pool);
            if (ci) {
                const Reader s(v, path, {"mean_mg_c", "ci90_low_mg_c", "ci90_high_mg_c"});
                c.stock[pool] = {s.num("mean_mg_c"), s.num("ci90_low_mg_c"), s.num("ci90_high_mg_c")};
            } else {
                c.stock[pool] = {Reader(v, path, {"mean_mg_c"}).num("mean_mg_c"), std::nullopt, std::nullopt};
            }
        }
    }
    {
        const json& in = r.at("inputs");
        if (!in.is_array()) r.fail("inputs", "must be an array");
        for (std::size_t i = 0; i < in.size(); ++i) {
            const Reader f(in[i], r.path("inputs[" + std::to_string(i) + "]"), {"path", "sha256", "size"});
            const std::int64_t size = f.integer("size");
            if (size < 0) f.fail("size", "must not be negative");
            c.inputs.push_back({f.str("path"), f.str("sha256"), static_cast<std::uint64_t>(size)});
        }
    }
    c.assessment_date = r.str("assessment_date");
    return c;
}

}  // namespace bluecarbon::certify
