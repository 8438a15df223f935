#include "ctl/cli.hpp"

#include "ctl/commands.hpp"
#include "ctl/usage_message.hpp"

#include <sstream>

namespace csms::ctl {
namespace {

// CLI11 messages may span lines; the contract is one line on stderr.
std::string one_line(std::string text)
{
    for (auto& c : text) {
        if (c == '\n') {
            c = ' ';
        }
    }
    while (!text.empty() && text.back() == ' ') {
        text.pop_back();
    }
    return text;
}

} // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err)
{
    Context context(out, err);
    Registry registry;
    CLI::App app("csmsctl: the operators' command line for csmsd's admin API", "csmsctl");
    // Global options are accepted after the noun and verb too.
    app.fallthrough();
    app.require_subcommand(1);
    app.add_option("--server", context.options.server,
                   "admin API URL, http[s]://HOST[:PORT] (default: $CSMS_SERVER, else http://127.0.0.1:8181)");
    app.add_option("--token-file", context.options.token_file,
                   "file holding the bearer token, mode 0600 (default: $CSMS_TOKEN, else $CSMS_TOKEN_FILE, "
                   "else ~/.config/csms/token)");
    app.add_option("--ca-file", context.options.ca_file,
                   "PEM file of the CA(s) to trust for an https:// server (default: $CSMS_CA_FILE, else the "
                   "system's trust store)");
    // The last --server, --token-file or --ca-file wins, so a shell alias can be overridden.
    for (const char* name : {"--server", "--token-file", "--ca-file"}) {
        app.get_option(name)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
    app.add_flag("--json", context.options.json, "print the server's JSON instead of tables");
    app.set_version_flag("--version", "csmsctl " CSMS_VERSION, "print csmsctl's version and exit");

    add_operator_commands(app, registry);
    add_view_commands(app, registry);
    add_history_commands(app, registry);
    add_watch_command(app, registry);
    add_alert_commands(app, registry);
    add_rule_commands(app, registry);
    add_notification_commands(app, registry);
    add_stats_command(app, registry);
    add_billing_commands(app, registry);
    add_usage_commands(app, registry);
    add_partner_commands(app, registry);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e, out, err);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e, out, err);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e, out, err);
    } catch (const CLI::ParseError& e) {
        err << "csmsctl: " << one_line(usage_message(app, e)) << "\n";
        return exit_usage;
    }
    if (!registry.action) {
        err << "csmsctl: nothing to do (see csmsctl --help)\n";
        return exit_usage;
    }
    try {
        registry.action(context);
        out.flush();
        return exit_ok;
    } catch (const ApiError& e) {
        err << "csmsctl: " << e.code() << ": " << one_line(e.what()) << "\n";
        return exit_failed;
    } catch (const UnreachableError& e) {
        err << "csmsctl: " << one_line(e.what()) << "\n";
        return exit_unreachable;
    } catch (const UsageError& e) {
        err << "csmsctl: " << one_line(e.what()) << "\n";
        return exit_usage;
    } catch (const std::exception& e) {
        err << "csmsctl: " << one_line(e.what()) << "\n";
        return exit_failed;
    }
}

} // namespace csms::ctl
