// `bluecarbon survey calibrate project.toml`: a biomass model from the project's plots and the indices sampled at
// them -> biomass_model.json; the work is pipeline::run_calibration.
#include "cli/cli_context.hpp"
#include "cli/cmd_survey.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/calibration.hpp>

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;
namespace ss = science::survey;

struct CalibrateOptions {
    fs::path project;
    std::string predictors{"ndvi,mvi"};
    std::string input{"reflectance"};
    std::optional<double> radius_m;
    std::string habitats;
    std::string form{"log"};
    std::size_t folds{5};
    std::uint64_t seed{1};
    double min_valid{0.5};
    fs::path out;
    std::vector<fs::path> allometry;
    bool drop_invalid{false};
    CommonOptions common;
};

/// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) out.push_back(std::move(item));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

void print_fit(const CliContext& ctx, const CalibrateOptions& o, const pipeline::CalibrationResult& r) {
    const auto& fit = r.fit;
    const auto& low_coverage = r.low_coverage_plots;
    std::vector<std::string> habitats_used;
    for (auto h : fit.habitats) habitats_used.emplace_back(science::habitat_name(h));
    std::string terms;
    for (std::size_t i = 0; i < fit.coefficients.size(); ++i)
        terms += fmt::format(" {} {:.4g} {}", fit.coefficients[i] < 0 ? "-" : "+", std::abs(fit.coefficients[i]),
                             fit.predictors[i]);
    ctx.out << fmt::format("survey calibrate: {} plots ({}), {}-fold cross-validation\n", fit.n,
                           fmt::join(habitats_used, ", "), fit.folds);
    if (fit.form == ss::ModelForm::log)
        ctx.out << fmt::format("  ln AGB = {:.4g}{}   (residual sigma {:.3g} on the ln scale, R2 {:.3f})\n",
                               fit.intercept, terms, fit.residual_sigma, fit.fit_r2);
    else
        ctx.out << fmt::format("  AGB = {:.4g}{}   (residual sigma {:.3g} t/ha, R2 {:.3f})\n", fit.intercept, terms,
                               fit.residual_sigma, fit.fit_r2);
    ctx.out << fmt::format("  CV RMSE {:.2f} t d.m./ha, CV R2 {:.3f}, CV bias {:+.2f} t d.m./ha\n",
                           fit.cv_rmse_t_dm_per_ha, fit.cv_r2, fit.cv_bias_t_dm_per_ha);
    if (!fit.excluded.empty() || !low_coverage.empty())
        ctx.out << fmt::format("  left out: {} (AGB <= 0), {} (less than {:.0f} % valid pixels)\n",
                               fit.excluded.size(), low_coverage.size(), 100 * o.min_valid);
    if (!r.dropped_plots.empty() || r.dropped_rows > 0)
        ctx.out << fmt::format("  dropped: {} table rows, plots {}\n", r.dropped_rows,
                               fmt::join(r.dropped_plots, "; "));
    for (const auto& w : r.warnings) ctx.out << "  warning: " << w << '\n';
    ctx.out << "  -> " << r.output.string() << '\n';
}

void run_calibrate(const CliContext& ctx, const CalibrateOptions& o) {
    pipeline::CalibrationRequest rq;
    rq.project = config::load_project(o.project);
    rq.predictors = split_list(o.predictors);
    rq.input = o.input;
    rq.radius_m = o.radius_m;
    rq.habitats = split_list(o.habitats);
    rq.options.form = o.form == "linear" ? ss::ModelForm::linear : ss::ModelForm::log;
    rq.options.folds = o.folds;
    rq.options.seed = o.seed;
    rq.min_valid = o.min_valid;
    rq.allometry = o.allometry;
    rq.out = o.out;
    rq.drop_invalid = o.drop_invalid;
    CliProgress progress(ctx, o.common);
    pipeline::RunContext rc;
    rc.threads = o.common.threads;
    rc.progress = &progress;
    pipeline::CalibrationResult r;
    with_flags({{"threads", "--threads"}, {"predictors", "--predictors"}, {"habitats", "--habitats"},
                {"allometry", "--allometry"}},
               [&] { r = pipeline::run_calibration(rq, rc); });
    if (o.common.json)
        ctx.out << pipeline::to_json(r) << '\n';
    else
        print_fit(ctx, o, r);
}

}  // namespace

void add_survey_calibrate_command(CLI::App& survey, CliContext& ctx) {
    auto o = std::make_shared<CalibrateOptions>();
    CLI::App* cmd = survey.add_subcommand(
        "calibrate", "Fit a biomass model: plot AGB (from the project's [survey] trees and plots) against indices "
                     "sampled at the plots, by least squares, with k-fold cross-validated RMSE and R2 → "
                     "biomass_model.json in the project's output folder");
    cmd->add_option("project", o->project, "Project file (project.toml)")->required()->type_name("FILE");
    cmd->add_option("--predictors", o->predictors,
                    "Comma-separated predictors: indices (ndvi, evi, savi, ndwi, mndwi, ndmi, mvi) or reflectance "
                    "bands (blue, green, red, nir, swir1); default ndvi,mvi")
        ->type_name("LIST");
    cmd->add_option("--input", o->input, "Project input to sample (default reflectance)")->type_name("NAME");
    cmd->add_option("--radius-m", o->radius_m, "Sampling radius around each plot (default: a circle of the plot's area)")
        ->check(positive())
        ->type_name("M");
    cmd->add_option("--habitats", o->habitats,
                    "Habitats to fit the model for, comma-separated (default: those of all plots)")
        ->type_name("LIST");
    cmd->add_option("--form", o->form, "log (ln AGB linear in the predictors; default) or linear")
        ->check(CLI::IsMember({"log", "linear"}));
    cmd->add_option("--folds", o->folds, "Cross-validation folds (default 5; capped at the number of plots)")
        ->check(CLI::Range(2, 1000000));
    cmd->add_option("--seed", o->seed, "Seed of the fold assignment (default 1)");
    cmd->add_option("--min-valid", o->min_valid,
                    "Least share of a plot's circle with valid pixels for the plot to be used (default 0.5)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--allometry", o->allometry, "Extra allometry table(s), as for `survey trees`")->type_name("FILE");
    cmd->add_option("--out,-o", o->out, "Model file (default: <project output>/biomass_model.json)")->type_name("FILE");
    cmd->add_flag("--drop-invalid", o->drop_invalid,
                  "Leave out bad rows (calibrate_qa.csv) and plots outside the input instead of stopping");
    add_common_options(*cmd, o->common, false);
    cmd->callback([o, &ctx] { run_calibrate(ctx, *o); });
}

}  // namespace bluecarbon::cli
