#include <bluecarbon/cli/run_cli.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/version.hpp>

#include "cli/cli_context.hpp"
#include "cli/cmd_invest.hpp"

#include <ostream>

namespace bluecarbon {

namespace {
constexpr const char* k_description =
    "bluecarbon: carbon stocks, removals and certified credit parcels for coastal wetlands and forests.\n"
    "Run `bluecarbon <command> --help` for each command's options.";

void build_app(CLI::App& app, [[maybe_unused]] cli::CliContext& ctx) {
    app.set_version_flag("--version", std::string("bluecarbon ") + k_version);
    app.require_subcommand(1);
    app.fallthrough(false);
    // Subcommands, in the order `--help` lists them.
    cli::add_sample_command(app, ctx);
    cli::add_indices_command(app, ctx);
    cli::add_habitat_command(app, ctx);
    cli::add_stock_command(app, ctx);
    cli::add_survey_command(app, ctx);
    cli::add_invest_command(app, ctx);
    cli::add_zonal_command(app, ctx);
    cli::add_parcels_command(app, ctx);
    cli::add_credits_command(app, ctx);
    cli::add_certify_commands(app, ctx);
    cli::add_registry_command(app, ctx);
    cli::add_merge_command(app, ctx);
    cli::add_lots_command(app, ctx);
    cli::add_auction_command(app, ctx);
    cli::add_statement_command(app, ctx);
    cli::add_report_command(app, ctx);
    cli::add_run_command(app, ctx);
}
}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool err_is_terminal) {
    cli::CliContext ctx{out, err, err_is_terminal};
    CLI::App app(k_description, "bluecarbon");
    try {
        build_app(app, ctx);
        std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
        app.parse(reversed);
        return 0;
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion& e) {
        out << e.what() << '\n';
        return 0;
    } catch (const CLI::ParseError& e) {
        err << "bluecarbon: error: " << e.what() << "\n(see `bluecarbon --help`)\n";
        return 2;
    } catch (const Error& e) {
        err << "bluecarbon: error: " << e.what() << '\n';
        return e.exit_code();
    } catch (const std::exception& e) {
        err << "bluecarbon: internal error: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace bluecarbon
