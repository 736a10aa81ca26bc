// `bluecarbon survey calibrate project.toml`: a biomass model from the project's plots and the indices sampled at
// them -> biomass_model.json; the work is pipeline::run_calibration.
#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/calibration.hpp>

#include <memory>
#include <string>
#include <vector>

namespace bluecarbon::cli {

namespace {
/// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& list) {
    std::vector<std::string> out;
    for (std::size_t start = 0, comma = 0; comma != std::string::npos; start = comma + 1) {
        comma = list.find(',', start);
        auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) out.push_back(std::move(item));
    }
    return out;
}
}  // namespace

void add_survey_calibrate_command(CLI::App& survey, CliContext& ctx) {
    struct Options {
        pipeline::CalibrationRequest rq;
        std::filesystem::path project;
        std::string predictors{"ndvi,mvi"}, habitats, form{"log"};
        CommonOptions common;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = survey.add_subcommand(
        "calibrate", "Fit a biomass model: plot AGB (from the project's [survey] trees and plots) against indices "
                     "sampled at the plots, by least squares, with k-fold cross-validated RMSE and R2 → "
                     "biomass_model.json in the project's output folder");
    add_path(*cmd, "project", o->project, "Project file (project.toml)");
    cmd->add_option("--predictors", o->predictors,
                    "Comma-separated predictors: indices (ndvi, evi, savi, ndwi, mndwi, ndmi, mvi) or reflectance "
                    "bands (blue, green, red, nir, swir1); default ndvi,mvi")
        ->type_name("LIST");
    cmd->add_option("--input", o->rq.input, "Project input to sample (default reflectance)")->type_name("NAME");
    cmd->add_option("--radius-m", o->rq.radius_m, "Sampling radius around each plot (default: a circle of the plot's "
                                                  "area)")
        ->check(positive())
        ->type_name("M");
    cmd->add_option("--habitats", o->habitats, "Habitats to fit the model for, comma-separated (default: those of all "
                                               "plots)")
        ->type_name("LIST");
    cmd->add_option("--form", o->form, "log (ln AGB linear in the predictors; default) or linear")
        ->check(CLI::IsMember({"log", "linear"}));
    cmd->add_option("--folds", o->rq.options.folds, "Cross-validation folds (default 5; capped at the number of plots)")
        ->check(CLI::Range(2, 1000000));
    cmd->add_option("--seed", o->rq.options.seed, "Seed of the fold assignment (default 1)");
    cmd->add_option("--min-valid", o->rq.min_valid,
                    "Least share of a plot's circle with valid pixels for the plot to be used (default 0.5)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--allometry", o->rq.allometry, "Extra allometry table(s), as for `survey trees`")
        ->type_name("FILE");
    cmd->add_flag("--drop-invalid", o->rq.drop_invalid,
                  "Leave out bad rows (calibrate_qa.csv) and plots outside the input instead of stopping");
    add_path(*cmd, "--out,-o", o->rq.out, "Model file (default: <project output>/biomass_model.json)", "FILE", false);
    add_common_options(*cmd, o->common, 0);
    cmd->callback([o, &ctx] {
        auto rq = o->rq;
        rq.project = config::load_project(o->project);
        rq.predictors = split_list(o->predictors);
        rq.habitats = split_list(o->habitats);
        rq.options.form = o->form == "linear" ? science::survey::ModelForm::linear : science::survey::ModelForm::log;
        execute(ctx, o->common,
                {{"predictors", "--predictors"}, {"habitats", "--habitats"}, {"allometry", "--allometry"}},
                [&](const pipeline::RunContext& rc) { return pipeline::run_calibration(rq, rc); });
    });
}

}  // namespace bluecarbon::cli
