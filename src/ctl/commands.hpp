#pragma once
// The nouns of csmsctl, each file adding its own to the command line.
// A verb's callback only records what to run (Registry::action); cli.cpp
// runs it after parsing, so usage errors never reach the server.
#include "ctl/context.hpp"
#include "ctl/errors.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace csms::ctl {

// Owns the variables options are parsed into, for as long as the command
// line and the chosen action live.
class Registry {
public:
    template <class T> T& make(T initial = T{})
    {
        auto p = std::make_shared<T>(std::move(initial));
        keep_.push_back(p);
        return *p;
    }
    Action action;

private:
    std::vector<std::shared_ptr<void>> keep_;
};

// A noun: a subcommand that needs one of its verbs.
CLI::App* add_noun(CLI::App& app, const std::string& name, const std::string& description);
// A verb whose parse records `run` as the action.
CLI::App* add_verb(Registry& registry, CLI::App& noun, const std::string& name, const std::string& description,
                   Action run);

// A path segment for ids and tags.
std::string segment(const std::string& text);
// The text of a local file (a PEM); throws LocalError.
std::string read_file(const std::string& path);

// Commands wait for the charger's answer; the server's own call timeout is
// shorter than this.
inline constexpr std::chrono::seconds command_timeout{60};

void add_operator_commands(CLI::App& app, Registry& registry); // whoami, operators, audit
void add_view_commands(CLI::App& app, Registry& registry);     // chargers, transactions, id-tags
// chargers add|registration|security, under the chargers noun.
void add_charger_registration(CLI::App& chargers, Registry& registry);
// chargers <command> ID ...: the OCPP commands, under the chargers noun.
void add_charger_commands(CLI::App& chargers, Registry& registry);
// chargers samples ID --connector N ...: meter values for a chart, under the chargers noun.
void add_sample_command(CLI::App& chargers, Registry& registry);
void add_history_commands(CLI::App& app, Registry& registry); // commands history|show|send
void add_watch_command(CLI::App& app, Registry& registry);    // watch
void add_alert_commands(CLI::App& app, Registry& registry);   // alerts list|show|ack|close
void add_rule_commands(CLI::App& app, Registry& registry);    // rules list|reload
// inbox [list]|read, alerts deliveries; after add_alert_commands.
void add_notification_commands(CLI::App& app, Registry& registry);
void add_stats_command(CLI::App& app, Registry& registry);    // stats
void add_billing_commands(CLI::App& app, Registry& registry); // billing list|show|export|adjust, tariffs show|reload
void add_tariff_commands(CLI::App& app, Registry& registry);  // tariffs show|reload; add_billing_commands calls it

// usage load|regions|chargers: reports for planning (commands_usage.cpp).
void add_usage_commands(CLI::App& app, Registry& registry);
void add_partner_commands(CLI::App& app, Registry& registry); // partners list|show

} // namespace csms::ctl
