// run: the whole pipeline of a project, step by step, with run.json.
#include <bluecarbon/pipeline/run.hpp>

#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/io/library_versions.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/pipeline/core_survey.hpp>
#include <bluecarbon/pipeline/certify.hpp>
#include <bluecarbon/pipeline/credits.hpp>
#include <bluecarbon/pipeline/lots.hpp>
#include <bluecarbon/pipeline/parcels.hpp>
#include <bluecarbon/pipeline/registry.hpp>
#include <bluecarbon/pipeline/report.hpp>
#include <bluecarbon/pipeline/stock.hpp>
#include <bluecarbon/pipeline/tree_survey.hpp>
#include <bluecarbon/version.hpp>

#include "pipeline/input_file.hpp"
#include "pipeline/run_clock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

json run_record(const RunResult& r, const config::ProjectConfig* cfg);

// `registry init` (when the file is new) then `registry issue` of every certificate the certify step wrote.
std::string issue_into_registry(const config::ProjectConfig& cfg, const RunContext& ctx) {
    const auto db = *project_registry_path(cfg);
    if (!fs::exists(db)) {
        RegistryRequest init;
        init.verb = RegistryVerb::init;
        init.db = db;
        init.name = cfg.registry.name;
        for (const auto& k : cfg.registry.trust) init.keys.push_back(k.string());
        (void)run_registry(init, ctx);
    }
    RegistryRequest issue;
    issue.verb = RegistryVerb::issue;
    issue.db = db;
    const auto dir = cfg.output_dir / "certificates";
    if (fs::exists(dir))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".json") issue.certificates.push_back(e.path());
    std::sort(issue.certificates.begin(), issue.certificates.end());
    const auto r = run_registry(issue, ctx);
    return fmt::format("{} blocks issued, {} refused", r.blocks.size(), r.refused.size());
}

double credits_in(const fs::path& csv) {
    if (!fs::exists(csv)) return 0;
    const CsvTable t = read_csv(csv);
    const auto c = t.find_column("credits_t_co2e");
    double sum = 0;
    for (std::size_t r = 0; c && r < t.size(); ++r) sum += parse_number(t.field(r, *c)).value_or(0.0);
    return sum;
}

std::string surveys(const config::ProjectConfig& cfg, const RunContext& ctx) {
    std::string note;
    const fs::path out = cfg.output_dir / "survey";
    if (cfg.survey.trees && cfg.survey.plots) {
        require_input_file(*cfg.survey.trees, cfg.survey.trees_origin);
        require_input_file(*cfg.survey.plots, cfg.survey.plots_origin);
        TreeSurveyRequest req;
        req.trees = *cfg.survey.trees;
        req.plots = *cfg.survey.plots;
        req.out = out;
        const auto r = run_tree_survey(req, ctx);
        (void)r;
        note = "survey/trees.csv, survey/plots.csv";
    }
    if (cfg.survey.cores) {
        require_input_file(*cfg.survey.cores, cfg.survey.cores_origin);
        CoreSurveyRequest req;
        req.cores = *cfg.survey.cores;
        req.out = out;
        (void)run_core_survey(req, ctx);
        note += std::string(note.empty() ? "" : ", ") + "survey/cores.csv";
    }
    return note;
}

}  // namespace

const std::vector<std::string>& run_step_names() {
    static const std::vector<std::string> names{"stock",    "surveys",  "parcels", "credits",
                                                "certify", "registry", "lots",    "report"};
    return names;
}

RunResult run(const config::ProjectConfig& cfg, const RunContext& ctx) { return run(cfg, ctx, RunOptions{}); }

RunResult run(const config::ProjectConfig& cfg, const RunContext& ctx, const RunOptions& options) {
    const auto& known = run_step_names();
    for (const auto& s : options.steps)
        if (std::find(known.begin(), known.end(), s) == known.end())
            throw RequestError("steps", fmt::format("unknown step '{}' (steps: {})", s, fmt::join(known, ", ")));
    auto asked = [&](const std::string& name) {
        return options.steps.empty() || std::find(options.steps.begin(), options.steps.end(), name) !=
                                            options.steps.end();
    };
    RunResult r;
    const auto t0 = std::chrono::steady_clock::now();
    // Two passes over the same step list: the first only checks that every step asked for can run (so a missing
    // section is refused before anything is written), the second runs them.
    bool checking = !options.steps.empty();
    auto step = [&](const std::string& name, bool present, const std::string& missing,
                    const std::function<std::string()>& fn) {
        if (checking) {
            if (asked(name) && !present)
                throw RequestError("steps", fmt::format("{} was asked for but cannot run: {} in {}", name, missing,
                                                        cfg.file.string()));
            return;
        }
        if (!asked(name)) present = false;
        RunStep s{name, present, asked(name) ? missing : "not in --steps", 0};
        if (present) {
            const auto a = std::chrono::steady_clock::now();
            s.note = fn();
            s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
        }
        r.steps.push_back(std::move(s));
    };
    auto all_steps = [&] {
        step("stock", true, "", [&] {
            const auto s = run_stock(cfg, ctx);
            return fmt::format("{} x {} pixels, {} habitats", s.grid.width(), s.grid.height(), s.habitats.size());
        });
        const bool any_survey = (cfg.survey.trees && cfg.survey.plots) || cfg.survey.cores;
        step("surveys", any_survey, "no [survey] trees and plots, or cores", [&] { return surveys(cfg, ctx); });
        step("parcels", cfg.parcels.present && cfg.parcels.path.has_value(), "no [parcels] path", [&] {
            const auto p = run_parcels(cfg, ctx);
            return fmt::format("{} parcels, {} eligible", p.parcels.parcels.size(), p.parcels.eligible);
        });
        // After parcels: credits adds its per-parcel totals to parcels.gpkg.
        const bool can_credit = cfg.credits.present && cfg.parcels.path;
        step("credits", can_credit, cfg.credits.present ? "no [parcels] path" : "no [credits] section", [&] {
            const auto c = run_credits(cfg, ctx);
            return fmt::format("{} t CO2e over {} parcels ({})", c.credits_t_co2e, c.parcels_credited, c.profile);
        });
        step("certify", cfg.certify.present, "no [certify] section", [&] {
            const auto c = run_certify(cfg, CertifyRequest{}, ctx);
            return fmt::format("{} certificates signed by key {}", c.certificates.size(), c.key_id);
        });
        // Issues every certificate into the project's registry (created with its trusted keys on first use).
        const bool can_issue = cfg.registry.present && cfg.registry.issue && cfg.certify.present;
        step("registry", can_issue,
             cfg.registry.present ? "[registry] issue is off, or no [certify]" : "no [registry] section",
             [&] { return issue_into_registry(cfg, ctx); });
        // parcels.gpkg exists once the parcels step ran (when checking: once it will run, or from an earlier run).
        const bool parcels_will_run = checking && asked("parcels") && cfg.parcels.present && cfg.parcels.path;
        const bool can_lots = cfg.lots.present && (parcels_will_run || fs::exists(cfg.output_dir / "parcels.gpkg"));
        step("lots", can_lots, cfg.lots.present ? "no parcels.gpkg" : "no [lots] section", [&] {
            const auto l = run_lots(lots_request(cfg), ctx);
            r.lots = l.lots.size();
            return fmt::format("{} lots, {} t CO2e", l.lots.size(), format_number(l.t_co2e));
        });
        step("report", true, "", [&] {
            const auto rep = run_report(cfg, ctx);
            r.report = rep.html;
            r.parcels = rep.parcels;
            return fmt::format("{} maps, {} parcels, {} lots", rep.maps, rep.parcels, rep.lots);
        });
    };
    if (checking) all_steps();
    checking = false;
    ensure_writable_dir(cfg.output_dir);
    all_steps();
    r.credits_t_co2e = credits_in(cfg.output_dir / "credits.csv");
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.peak_rss_mb = peak_rss_mb();
    r.run_json = cfg.output_dir / "run.json";
    write_text_file(r.run_json, run_record(r, &cfg).dump(2) + "\n");
    return r;
}

namespace {
json run_record(const RunResult& r, const config::ProjectConfig* cfg) {
    json steps = json::array();
    for (const auto& s : r.steps) {
        json j{{"step", s.name}, {"status", s.done ? "done" : "skipped"}};
        j[s.done ? "result" : "reason"] = s.note;
        if (s.done) j["seconds"] = s.seconds;
        steps.push_back(j);
    }
    const auto v = library_versions();
    json j{{"command", "run"},
           {"versions", {{"bluecarbon", k_version}, {"gdal", v.gdal}, {"proj", v.proj}, {"geos", v.geos}}},
           {"steps", steps},
           {"parcels", r.parcels},
           {"credits_t_co2e", r.credits_t_co2e},
           {"lots", r.lots},
           {"report", r.report.string()},
           {"bluecarbon_version", k_version},
           {"outputs", {r.run_json.string(), r.report.string()}},
           {"seconds", r.seconds},
           {"peak_rss_mb", r.peak_rss_mb}};
    if (cfg) {
        json params = json::object(), inputs = json::array();
        for (const auto& p : run_parameters(*cfg)) params[p.key] = p.value;
        for (const auto& h : project_input_hashes(*cfg))
            inputs.push_back({{"name", h.name}, {"path", h.path}, {"sha256", h.sha256}});
        j["project"] = cfg->name;
        j["parameters"] = params;
        j["inputs"] = inputs;
    }
    return j;
}
}  // namespace

std::string to_json(const RunResult& r) { return run_record(r, nullptr).dump(2); }

std::string summary_text(const RunResult& r) {
    std::string s;
    for (const auto& st : r.steps) {
        s += st.done ? fmt::format("  {:<9} {:>7.2f} s  {}\n", st.name, st.seconds, st.note)
                     : fmt::format("  {:<9} skipped  ({})\n", st.name, st.note);
    }
    return s + fmt::format("parcels: {}, credits: {} t CO2e, lots: {}\nreport: {}\n({:.1f} s, peak memory {:.0f} MB)\n",
                           r.parcels, format_number(r.credits_t_co2e), r.lots, r.report.string(), r.seconds,
                           r.peak_rss_mb);
}

}  // namespace bluecarbon::pipeline
