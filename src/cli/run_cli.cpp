#include <bluecarbon/cli/run_cli.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/version.hpp>

#include "cli/cli_context.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
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

/// Walks the command path the arguments name ("survey trees") up to the first option into `path`; throws a
/// usage error naming the commands that exist when a name is not one of them, or none is given.
void command_path(const CLI::App& app, const std::vector<std::string>& args, std::string& path) {
    const CLI::App* cur = &app;
    auto names = [](const CLI::App* a) {
        std::string list;
        for (const auto* s : a->get_subcommands({})) list += (list.empty() ? "" : ", ") + s->get_name();
        return list;
    };
    for (const auto& arg : args) {
        if (cur->get_subcommands({}).empty() || (!arg.empty() && arg[0] == '-')) break;
        const CLI::App* next = nullptr;
        for (const auto* s : cur->get_subcommands({})) next = s->get_name() == arg ? s : next;
        if (next == nullptr)
            throw ConfigError("unknown command '" + (path.empty() ? arg : path + " " + arg) + "' (commands" +
                              (path.empty() ? "" : " of " + path) + ": " + names(cur) + ")");
        cur = next;
        path += (path.empty() ? "" : " ") + arg;
    }
    const bool asks = std::any_of(args.begin(), args.end(), [](const auto& a) {
        return a == "--help" || a == "-h" || a == "--help-all" || a == "--version";
    });
    if (!cur->get_subcommands({}).empty() && !asks)
        throw ConfigError("a command is required (" + std::string(path.empty() ? "" : path + " ") +
                          "commands: " + names(cur) + ")");
}
}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool err_is_terminal) {
    cli::CliContext ctx{out, err, err_is_terminal};
    CLI::App app(k_description, "bluecarbon");
    const bool json = std::find(args.begin(), args.end(), "--json") != args.end();
    std::string path;  // the command named ("survey trees"), for pointing to its help
    auto fail = [&](const std::string& message, int code, bool point_to_help) {
        err << "bluecarbon: error: " << message;  // one line, with where to look for usage errors
        if (point_to_help) err << " (see `bluecarbon " << (path.empty() ? "" : path + " ") << "--help`)";
        err << '\n';
        if (json) out << nlohmann::ordered_json{{"error", message}, {"exit_code", code}}.dump(2) << '\n';
        return code;
    };
    try {
        build_app(app, ctx);
        command_path(app, args, path);
        std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
        app.parse(reversed);
        return 0;
    } catch (const CLI::CallForHelp&) {
        out << app.help();  // the help of the deepest command named
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion& e) {
        out << e.what() << '\n';
        return 0;
    } catch (const CLI::ParseError& e) {
        return fail(e.what(), 2, true);
    } catch (const pipeline::Cancelled& e) {
        return fail(e.what(), 1, false);
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        const bool usage = m.rfind("--", 0) == 0 || m.rfind("unknown command", 0) == 0 || m.rfind("a command", 0) == 0;
        return fail(m, e.exit_code(), usage);
    } catch (const Error& e) {
        return fail(e.what(), e.exit_code(), false);
    } catch (const std::exception& e) {
        err << "bluecarbon: internal error: " << e.what() << '\n';
        if (json) out << nlohmann::ordered_json{{"error", std::string("internal error: ") + e.what()}}.dump(2) << '\n';
        return 1;
    }
}

}  // namespace bluecarbon
