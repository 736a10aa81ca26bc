// `bluecarbon lots project.toml`, `bluecarbon auction settle DB results.csv`, `bluecarbon statement DB --owner ID`:
// pipeline::run_lots / run_settle / run_statement.
#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/lots.hpp>
#include <bluecarbon/pipeline/statement.hpp>

#include <memory>
#include <ostream>

namespace bluecarbon::cli {

namespace fs = std::filesystem;

void add_lots_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        ProjectArgs project;
        CommonOptions common;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("lots", "Auction lots of a project's available credits by its [lots] rules -> "
                                           "<output>/lots.csv and lots.geojson");
    add_project_args(*cmd, o->project);
    add_common_options(*cmd, o->common, false);
    cmd->callback([o, &ctx] {
        const auto cfg = o->project.load();
        if (!cfg.lots.present) throw ConfigError(o->project.file.string() + ": no [lots] section");
        const auto r = pipeline::run_lots(pipeline::lots_request(cfg));
        ctx.out << (o->common.json ? pipeline::to_json(r) + "\n" : o->common.quiet ? "" : pipeline::summary_text(r));
    });
}

void add_auction_command(CLI::App& app, CliContext& ctx) {
    auto o = std::make_shared<pipeline::SettleRequest>();
    auto json = std::make_shared<bool>(false);
    auto* auction = app.add_subcommand("auction", "Auction lots in the registry");
    auction->require_subcommand(1);
    auto* cmd = auction->add_subcommand("settle", "Settle an auction: each lot's blocks move to its buyer at its "
                                                  "price, all lots in one registry transaction");
    cmd->add_option("db", o->registry, "The registry database")->required()->type_name("DB");
    cmd->add_option("results", o->results, "CSV of the results: lot, buyer, price_per_t")->required()->type_name("CSV");
    cmd->add_option("--lots", o->lots, "The lots listed (default: lots.csv beside the results)")->type_name("CSV");
    cmd->add_flag("--json", *json, "Print the settlement as JSON");
    cmd->callback([o, json, &ctx] {
        const auto r = pipeline::run_settle(*o);
        ctx.out << (*json ? pipeline::to_json(r) + "\n" : pipeline::summary_text(r));
    });
}

void add_statement_command(CLI::App& app, CliContext& ctx) {
    auto o = std::make_shared<pipeline::StatementRequest>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("statement", "An owner's carbon assets, signed: statement-<owner>.json and .html");
    cmd->add_option("db", o->registry, "The registry database")->required()->type_name("DB");
    cmd->add_option("--owner", o->owner, "The owner's account")->required()->type_name("ID");
    cmd->add_option("--price", o->price, "Value the credits held at this price per t CO2e")->type_name("P");
    cmd->add_option("--currency", o->currency, "Currency of --price (default CNY)");
    cmd->add_option("--key", o->key, "Private key (PEM) that signs the statement")->required()->type_name("FILE");
    cmd->add_option("--certificates", o->certificates, "Certificate folder (default: certificates/ beside DB)");
    cmd->add_option("--out", o->output_dir, "Output folder (default: the registry's folder)")->type_name("DIR");
    cmd->add_flag("--json", *json, "Print the statement as JSON");
    cmd->callback([o, json, &ctx] {
        const auto r = pipeline::run_statement(*o);
        ctx.out << (*json ? pipeline::to_json(r) + "\n" : pipeline::summary_text(r));
    });
}

}  // namespace bluecarbon::cli
