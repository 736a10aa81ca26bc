// run_statement: an owner's carbon assets from the registry and the certificates, signed, with an HTML page.
#include <bluecarbon/pipeline/statement.hpp>

#include <bluecarbon/certify/certificate.hpp>
#include <bluecarbon/certify/signing.hpp>
#include <bluecarbon/certify/statement.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/registry/registry.hpp>
#include <bluecarbon/report/format.hpp>
#include <bluecarbon/report/html_report.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::map<std::string, certify::Certificate> certificates_by_sha(const fs::path& dir) {
    std::map<std::string, certify::Certificate> out;
    if (!fs::is_directory(dir)) return out;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const auto v = certify::verify_certificate_file(f);
        if (v.ok() && v.certificate) out[v.file_sha256] = *v.certificate;  // only certificates that verify count
    }
    return out;
}

std::string today(const std::optional<std::string>& given) {
    if (given) return *given;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    const auto t = report::report_date(now, std::getenv("SOURCE_DATE_EPOCH"));
    return report::format_utc(*t).substr(0, 10);
}

json statement_json(const StatementResult& r) {
    json v = json::object();
    for (const auto& [y, s] : r.vintages) {
        v[y] = {{"issued", s.issued}, {"held", s.held}, {"transferred", s.transferred}, {"retired", s.retired},
                {"cancelled", s.cancelled}, {"bought", s.bought}};
    }
    json j = {{"kind", certify::k_statement_kind}, {"owner", r.owner}, {"date", r.date}, {"parcels", r.parcels},
              {"parcels_with_certificate", r.parcels_with_certificate}, {"area_ha", r.area_ha},
              {"stock_total_mg_c", {{"mean", r.stock_mg_c}, {"ci90_low", r.stock_lo_mg_c},
                                    {"ci90_high", r.stock_hi_mg_c}}},
              {"annual_removal_t_co2e", r.annual_removal_t_co2e}, {"credits_by_vintage", v},
              {"held_t_co2e", r.held_units}};
    if (r.price) j["valuation"] = {{"price_per_t", *r.price}, {"currency", r.currency}, {"value", *r.value}};
    return j;
}

std::string statement_html(const StatementResult& r) {
    using report::xml_escape;
    std::string rows;
    for (const auto& [y, s] : r.vintages) {
        rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                            xml_escape(y), s.issued, s.held, s.transferred, s.retired, s.bought);
    }
    const std::string value = r.value ? fmt::format("<p>Value of the credits held at {} {}/t: <b>{} {}</b></p>\n",
                                                    report::grouped(*r.price, 2), xml_escape(r.currency),
                                                    report::grouped(*r.value, 2), xml_escape(r.currency))
                                      : "";
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Carbon-asset statement: {0}</title>"
        "<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}table{{border-collapse:collapse}}"
        "td,th{{border:1px solid #999;padding:.2em .6em;text-align:right}}</style></head><body>\n"
        "<h1>Carbon-asset statement</h1>\n<p>Owner: <b>{0}</b> &middot; date {1} &middot; signed with key {2}</p>\n"
        "<p>{3} parcels, {4} ha; carbon stock {5} Mg C (90 % interval {6} to {7}); annual removal {8} t CO2e.</p>\n"
        "<table><tr><th>vintage</th><th>issued</th><th>held</th><th>transferred</th><th>retired</th><th>bought</th>"
        "</tr>\n{9}</table>\n<p>Credits held: {10} t CO2e.</p>\n{11}"
        "<p>Signed (Ed25519 over the canonical JSON of its statement) in statement-{0}.json.</p>\n"
        "</body></html>\n",
        xml_escape(r.owner), r.date, r.key_id, r.parcels, report::grouped(r.area_ha, 2),
        report::grouped(r.stock_mg_c, 1), report::grouped(r.stock_lo_mg_c, 1), report::grouped(r.stock_hi_mg_c, 1),
        report::grouped(r.annual_removal_t_co2e, 1), rows, r.held_units, value);
}

std::string file_stem(const std::string& owner) {
    std::string s;
    for (char c : owner) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return s;
}

}  // namespace

StatementResult run_statement(const StatementRequest& req) {
    if (req.owner.empty()) throw RequestError("owner", "must not be empty");
    if (req.price && !(*req.price >= 0)) throw RequestError("price", "must not be negative");
    const auto key = certify::PrivateKey::load(req.key);
    registry::RegistryOptions opt;
    opt.read_only = true;
    const auto reg = registry::Registry::open(req.registry, opt);
    const fs::path dir = req.registry.parent_path();
    const auto certs = certificates_by_sha(req.certificates.empty() ? dir / "certificates" : req.certificates);

    StatementResult r;
    r.owner = req.owner;
    r.date = today(req.date);
    r.currency = req.currency;
    r.key_id = key.public_key().key_id();
    std::set<std::pair<std::string, std::string>> parcels, certified;  // (project, parcel)
    for (const auto& i : reg.issuances()) {
        if (i.owner != req.owner) continue;
        r.vintages[i.vintage].issued += i.quantity();
        if (parcels.insert({i.project_id, i.parcel_id}).second) r.area_ha += i.area_m2 / 1e4;
        const auto c = certs.find(i.certificate_sha256);
        if (c == certs.end() || !certified.insert({i.project_id, i.parcel_id}).second) continue;
        // The "total" pool when the certificate has one, else the sum of its pools (bounds added: conservative; a
        // pool without an interval counts as exact).
        const auto& stock = c->second.stock;
        for (const auto& [pool, v] : stock) {
            if (stock.count("total") && pool != "total") continue;
            r.stock_mg_c += v.mean_mg_c;
            r.stock_lo_mg_c += v.ci90_low_mg_c.value_or(v.mean_mg_c);
            r.stock_hi_mg_c += v.ci90_high_mg_c.value_or(v.mean_mg_c);
        }
        double ner = 0;
        for (const auto& v : c->second.vintages) ner += v.ner_t_co2e;
        if (!c->second.vintages.empty())
            r.annual_removal_t_co2e += ner / static_cast<double>(c->second.vintages.size());
    }
    bool any = !parcels.empty();
    for (const auto& b : reg.list()) {
        auto& v = r.vintages[b.vintage];
        const bool mine = b.owner == req.owner, holds = b.account == req.owner;
        if (holds) any = true;
        if (holds && b.status == registry::BlockStatus::held) r.held_units += b.quantity();
        if (mine && !holds) v.transferred += b.quantity();
        if (mine && holds && b.status == registry::BlockStatus::held) v.held += b.quantity();
        if (mine && holds && b.status == registry::BlockStatus::retired) v.retired += b.quantity();
        if (mine && b.status == registry::BlockStatus::cancelled) v.cancelled += b.quantity();
        if (!mine && holds && b.status == registry::BlockStatus::held) v.bought += b.quantity();
    }
    if (!any) throw InputError(req.registry.string() + ": no parcels or credits of owner '" + req.owner + "'");
    for (auto it = r.vintages.begin(); it != r.vintages.end();) {  // vintages of other owners only
        const auto& s = it->second;
        it = (s.issued || s.bought || s.held || s.retired) ? std::next(it) : r.vintages.erase(it);
    }
    r.parcels = parcels.size();
    r.parcels_with_certificate = certified.size();
    r.price = req.price;
    if (req.price) r.value = *req.price * static_cast<double>(r.held_units);

    const fs::path out = req.output_dir.empty() ? dir : req.output_dir;
    ensure_writable_dir(out);
    r.json_path = out / ("statement-" + file_stem(req.owner) + ".json");
    r.html_path = out / ("statement-" + file_stem(req.owner) + ".html");
    OutputTransaction tx;
    const json statement = statement_json(r);
    certify::check_statement(statement);  // never sign what `verify` would refuse
    write_text_file(r.json_path, certify::sign_certificate_json(statement, key), &tx);
    write_text_file(r.html_path, statement_html(r), &tx);
    tx.commit();
    return r;
}

std::string to_json(const StatementResult& r) {
    json j = statement_json(r);
    j["key_id"] = r.key_id;
    j["command"] = "statement";
    j["bluecarbon_version"] = k_version;
    j["outputs"] = {r.json_path.string(), r.html_path.string()};
    return j.dump(2);
}

std::string summary_text(const StatementResult& r) {
    std::string s = fmt::format("{}: {} parcels, {:.2f} ha, stock {:.1f} Mg C [{:.1f}, {:.1f}], {} t CO2e held",
                                r.owner, r.parcels, r.area_ha, r.stock_mg_c, r.stock_lo_mg_c, r.stock_hi_mg_c,
                                r.held_units);
    if (r.value) s += fmt::format(", worth {:.2f} {}", *r.value, r.currency);
    return s + "\n  " + r.json_path.string() + "\n  " + r.html_path.string() + "\n";
}

}  // namespace bluecarbon::pipeline
