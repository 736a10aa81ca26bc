#include <bluecarbon/core/source_date.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/report/charts.hpp>
#include <bluecarbon/report/format.hpp>
#include <bluecarbon/report/html_report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

namespace bluecarbon::report {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_css = R"(body{font-family:"DejaVu Sans",Verdana,sans-serif;color:#202020;margin:0;
background:#f7f7f5}
header{background:#0f4c5c;color:#fff;padding:18px 32px}
header h1{margin:0 0 6px;font-size:26px}
header .meta{margin:0 0 10px;color:#d8e8ec;font-size:14px}
nav a{color:#fff;margin-right:18px;font-size:14px}
main{padding:8px 32px 32px;max-width:1400px}
section{background:#fff;border:1px solid #ddd;border-radius:4px;margin:18px 0;padding:8px 20px 18px}
h2{color:#0f4c5c;font-size:20px;border-bottom:2px solid #0f4c5c;padding-bottom:4px}
figure{display:inline-block;margin:10px 16px 10px 0;vertical-align:top}
figure img,figure svg{max-width:100%;height:auto;border:1px solid #ccc}
figcaption{font-size:13px;color:#555;margin-top:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #d0d0d0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef3f4}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:bold;background:#f4f4f4}
code{font-size:12px;word-break:break-all}
.summary{display:flex;flex-wrap:wrap;gap:12px}
.summary div{border:1px solid #d0d0d0;border-radius:4px;padding:8px 14px;min-width:150px}
.summary b{display:block;font-size:20px;color:#0f4c5c}
.none{color:#777;font-style:italic}
footer{padding:0 32px 24px;color:#777;font-size:12px})";

std::string esc(std::string_view s) { return xml_escape(s); }

bool valid_name(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += sep;
        out += items[i];
    }
    return out;
}

std::string none(std::string_view what) { return fmt::format("<p class=\"none\">{}</p>\n", esc(what)); }

std::string td(const std::string& text) { return "<td>" + esc(text) + "</td>"; }
std::string td_num(double v, int decimals) { return "<td class=\"num\">" + grouped(v, decimals) + "</td>"; }

std::string summary(const ReportData& d) {
    double area = 0, stock = 0, credits = 0, lots_t = 0;
    for (const auto& p : d.parcels) area += p.area_ha, stock += p.stock_mg_c;
    for (const auto& c : d.credits) credits += c.net_t_co2e();
    for (const auto& l : d.lots) lots_t += l.t_co2e;
    const auto item = [](const std::string& value, std::string_view label) {
        return fmt::format("<div><b>{}</b>{}</div>", value, esc(label));
    };
    std::string s = "<div class=\"summary\">";
    s += item(std::to_string(d.parcels.size()), "parcels");
    s += item(grouped(area, 2), "hectares");
    s += item(grouped(stock, 0), "Mg C in stock");
    s += item(grouped(credits, 0), "t CO2e net credits");
    s += item(std::to_string(d.lots.size()) + " / " + grouped(lots_t, 0), "lots / t CO2e offered");
    return s + "</div>\n";
}

std::string parcel_table(const std::vector<ParcelRow>& parcels) {
    if (parcels.empty()) return none("No parcels in this run.");
    std::string s =
        "<table id=\"parcel-table\">\n<thead><tr><th>Parcel</th><th>Owner</th><th>Habitat</th>"
        "<th class=\"num\">Area (ha)</th><th class=\"num\">Stock (Mg C)</th><th class=\"num\">90 % interval (Mg C)</th>"
        "<th class=\"num\">Annual removal (t CO2e/yr)</th><th class=\"num\">Credits (t CO2e)</th><th>Eligible</th>"
        "<th>Note</th></tr></thead>\n<tbody>\n";
    double area = 0, stock = 0, removal = 0, credits = 0;
    for (const auto& p : parcels) {
        s += "<tr>" + td(p.parcel_id) + td(p.owner) + td(p.habitat) + td_num(p.area_ha, 2) + td_num(p.stock_mg_c, 1) +
             "<td class=\"num\">" + grouped(p.stock_lo_mg_c, 1) + " – " + grouped(p.stock_hi_mg_c, 1) + "</td>" +
             td_num(p.annual_removal_t_co2e, 1) + td_num(p.credits_t_co2e, 0) + td(p.eligible ? "yes" : "no") +
             td(p.note) + "</tr>\n";
        area += p.area_ha, stock += p.stock_mg_c, removal += p.annual_removal_t_co2e, credits += p.credits_t_co2e;
    }
    s += "</tbody>\n<tfoot><tr><td colspan=\"3\">Total</td>" + td_num(area, 2) + td_num(stock, 1) + "<td></td>" +
         td_num(removal, 1) + td_num(credits, 0) + "<td></td><td></td></tr></tfoot>\n</table>\n";
    return s;
}

std::string lot_section(const std::vector<LotRow>& lots) {
    if (lots.empty()) return none("No lots offered in this run.");
    std::string s =
        "<p>The lots below are offered at auction. Each is sold whole to one buyer at a price per t CO2e of at least "
        "its start (reserve) price, raised by the increment.</p>\n<table id=\"lot-table\">\n<thead><tr><th>Lot</th>"
        "<th>Serial blocks</th><th>Parcels</th><th class=\"num\">t CO2e</th><th class=\"num\">Area (ha)</th>"
        "<th>Habitats</th><th class=\"num\">Start price per t</th><th class=\"num\">Increment</th>"
        "<th class=\"num\">Reserve value</th></tr></thead>\n<tbody>\n";
    for (const auto& l : lots) {
        const std::string cur = l.currency.empty() ? std::string() : fmt::format(" {}", esc(l.currency));
        s += "<tr>" + td(l.lot) + td(join(l.serial_blocks, ", ")) + td(join(l.parcels, ", ")) + td_num(l.t_co2e, 0) +
             td_num(l.area_ha, 2) + td(join(l.habitats, ", ")) + "<td class=\"num\">" + grouped(l.start_price, 2) +
             cur + "</td><td class=\"num\">" + grouped(l.increment, 2) + cur + "</td><td class=\"num\">" +
             grouped(l.start_price * l.t_co2e, 2) + cur + "</td></tr>\n";
    }
    return s + "</tbody>\n</table>\n";
}

std::string parameter_table(const std::vector<Parameter>& params) {
    if (params.empty()) return none("No parameters recorded.");
    std::string s =
        "<table id=\"parameter-table\">\n<thead><tr><th>Parameter</th><th>Value</th></tr></thead>\n<tbody>\n";
    for (const auto& p : params) s += "<tr>" + td(p.key) + "<td><code>" + esc(p.value) + "</code></td></tr>\n";
    return s + "</tbody>\n</table>\n";
}

std::string input_table(const std::vector<InputHash>& inputs) {
    if (inputs.empty()) return none("No input hashes recorded.");
    std::string s =
        "<table id=\"input-table\">\n<thead><tr><th>Input</th><th>File</th><th>SHA-256</th></tr></thead>\n<tbody>\n";
    for (const auto& i : inputs)
        s += "<tr>" + td(i.name) + "<td><code>" + esc(i.path) + "</code></td><td><code>" + esc(i.sha256) +
             "</code></td></tr>\n";
    return s + "</tbody>\n</table>\n";
}

}  // namespace

std::optional<std::int64_t> report_date(std::optional<std::int64_t> given, const char* source_date_epoch) {
    const auto epoch = parse_source_date_epoch(source_date_epoch);
    if (!epoch) return given;
    return given ? std::min(*given, *epoch) : *epoch;
}

std::string format_utc(std::int64_t unix_s) {
    const std::string iso = iso8601_utc_ms(unix_s);  // "YYYY-MM-DDTHH:MM:SS.000Z"
    return iso.substr(0, 10) + ' ' + iso.substr(11, 5) + " UTC";
}

RenderedReport render_report(const ReportData& data, std::optional<std::int64_t> date, const MapOptions& options) {
    RenderedReport out;
    std::set<std::string> names;
    std::string maps_html;
    for (const auto& layer : data.maps) {
        if (!valid_name(layer.name))
            throw InputError("map layer '" + layer.name + "': a name may hold only letters, digits, '_' and '-'");
        if (!names.insert(layer.name).second) throw InputError("map layer '" + layer.name + "' is given twice");
        const RenderedMap map = render_map(layer, data.outlines, options);
        const std::string rel = "report/" + layer.name + ".png";
        // The caption says how far the quicklook is from the full-resolution raster.
        const Grid& g = layer.raster.grid;
        std::string caption = esc(layer.title) + " — " + std::to_string(g.width()) + " × " +
                              std::to_string(g.height()) + " cells, ";
        const auto ratio = static_cast<int>(std::lround(map.px_per_cell >= 1 ? map.px_per_cell : 1 / map.px_per_cell));
        caption += map.px_per_cell >= 1 ? fmt::format("{} px per cell", ratio)
                                        : fmt::format("one pixel per {0} × {0} cells", ratio);
        if (layer.classes.empty() && !layer.unit.empty()) caption += ", in " + esc(layer.unit);
        maps_html += fmt::format(
            "<figure id=\"map-{0}\"><img src=\"{1}\" width=\"{2}\" height=\"{3}\" alt=\"{4}\">"
            "<figcaption>{5}</figcaption></figure>\n",
            esc(layer.name), esc(rel), map.width, map.height, esc(layer.title), caption);
        out.assets.push_back({rel, map.png});
    }

    std::string charts_html;
    const auto chart = [&](const std::string& name, std::string svg, std::string_view caption) {
        if (svg.empty()) return;
        if (names.count(name)) throw InputError("map layer '" + name + "' clashes with a chart's file name");
        charts_html += fmt::format("<figure id=\"{}\">\n{}<figcaption>{} (also as <a href=\"report/{}.svg\">SVG</a>)"
                                   "</figcaption></figure>\n",
                                   name, svg, esc(caption), name);
        out.assets.push_back({"report/" + name + ".svg", std::move(svg)});
    };
    chart("chart_stock_by_habitat", svg_stock_by_habitat(data.habitats), "Carbon stock by habitat");
    chart("chart_credits_by_vintage", svg_credits_by_vintage(data.credits),
          "Credits per vintage, deductions stacked above the net credits");
    chart("chart_parcel_uncertainty", svg_parcel_uncertainty(data.parcels),
          "Carbon stock per parcel with its 90 % interval");

    std::string meta;
    if (!data.project.empty()) meta += "Project: " + esc(data.project);
    if (date) meta += std::string(meta.empty() ? "" : " · ") + "Generated " + format_utc(*date);
    if (!data.tool_version.empty())
        meta += std::string(meta.empty() ? "" : " · ") + "bluecarbon " + esc(data.tool_version);

    std::string& h = out.html;
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h += "<title>" + esc(data.title) + (data.project.empty() ? "" : " — " + esc(data.project)) + "</title>\n";
    h += "<link rel=\"icon\" href=\"data:,\">\n";  // no favicon request
    h += std::string("<style>\n") + k_css + "\n</style>\n</head>\n<body>\n<header>\n";
    h += "<h1>" + esc(data.title) + "</h1>\n";
    if (!meta.empty()) h += "<p class=\"meta\">" + meta + "</p>\n";
    h += "<nav><a href=\"#summary\">Summary</a><a href=\"#maps\">Maps</a><a href=\"#charts\">Charts</a>"
         "<a href=\"#parcels\">Parcels</a><a href=\"#lots\">Lots</a><a href=\"#parameters\">Parameters</a>"
         "<a href=\"#inputs\">Inputs</a></nav>\n</header>\n<main>\n";
    h += "<section id=\"summary\">\n<h2>Summary</h2>\n" + summary(data) + "</section>\n";
    h += "<section id=\"maps\">\n<h2>Maps</h2>\n" + (maps_html.empty() ? none("No maps in this run.") : maps_html) +
         "</section>\n";
    h += "<section id=\"charts\">\n<h2>Charts</h2>\n" +
         (charts_html.empty() ? none("Nothing to chart in this run.") : charts_html) + "</section>\n";
    h += "<section id=\"parcels\">\n<h2>Parcels</h2>\n" + parcel_table(data.parcels) + "</section>\n";
    h += "<section id=\"lots\">\n<h2>Auction lots</h2>\n" + lot_section(data.lots) + "</section>\n";
    h += "<section id=\"parameters\">\n<h2>Run parameters</h2>\n" + parameter_table(data.parameters) +
         "</section>\n";
    h += "<section id=\"inputs\">\n<h2>Input files</h2>\n" + input_table(data.inputs) + "</section>\n";
    h += "</main>\n<footer>Made by bluecarbon from the run's own outputs; maps are quicklooks, the GeoTIFFs hold the "
         "full-resolution values.</footer>\n</body>\n</html>\n";
    return out;
}

ReportPaths write_report(const ReportData& data, const fs::path& out_dir, OutputTransaction* transaction,
                         const MapOptions& options) {
    const auto date = report_date(data.generated_unix_s, std::getenv("SOURCE_DATE_EPOCH"));
    const RenderedReport rendered = render_report(data, date, options);
    ensure_writable_dir(out_dir / "report");
    // Without a caller's transaction, our own one: all files appear together, the page last.
    OutputTransaction local;
    OutputTransaction* t = transaction ? transaction : &local;
    ReportPaths paths;
    for (const auto& f : rendered.assets) {
        paths.assets.push_back(out_dir / f.relative_path);
        write_text_file(paths.assets.back(), f.bytes, t);
    }
    paths.html = out_dir / "report.html";
    write_text_file(paths.html, rendered.html, t);
    if (!transaction) {
        local.commit();
        prune_report_folder(out_dir, paths);
    }
    return paths;
}

void prune_report_folder(const fs::path& out_dir, const ReportPaths& paths) {
    const fs::path dir = out_dir / "report";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    std::set<fs::path> keep;
    for (const auto& p : paths.assets) keep.insert(p.filename());
    std::vector<fs::path> stale;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const fs::path name = e.path().filename();
        const auto ext = name.extension();
        if (e.is_regular_file() && (ext == ".png" || ext == ".svg") && name.string().front() != '.' &&
            !keep.count(name))
            stale.push_back(e.path());
    }
    for (const auto& p : stale)
        if (!fs::remove(p, ec) && ec) throw IoError(p, "cannot remove a map or chart of an earlier report");
}

}  // namespace bluecarbon::report
