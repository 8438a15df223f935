#pragma once
// What the route handlers work with. The reader connection belongs to the
// admin thread: use it only from a handler's synchronous part, or from work
// posted with run_on_admin_thread.
#include "base/clock.hpp"
#include "billing/tariff_book.hpp"
#include "csms/charger_registry.hpp"
#include "csms/command_service.hpp"
#include "ocpp/schema_registry.hpp"
#include "proxy/partner.hpp"
#include "proxy/uplink.hpp"
#include "rules/rule.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace csms::admin {

struct ApiContext {
    store::Writer& writer;
    store::Database& reader;
    const base::Clock& clock;
    const ChargerRegistry& registry;
    CommandService& commands;
    const ocpp::SchemaRegistry& schemas;
    std::function<void(std::function<void()>)> run_on_admin_thread;
    // Runs work on the admin thread once the delay has passed (long polls).
    std::function<void(std::chrono::milliseconds, std::function<void()>)> run_after;
    // The rules in force, and a reload of the rules file (and what reloads
    // with it) into the running engine; a bad file throws with its file:line
    // reason and changes nothing. Both empty when csmsd runs no rule engine.
    std::function<std::shared_ptr<const rules::RuleSet>()> current_rules;
    std::function<std::shared_ptr<const rules::RuleSet>()> reload_rules;
    // The same for the tariffs file; both empty when csmsd runs no billing.
    std::function<std::shared_ptr<const billing::TariffBook>()> current_tariffs;
    std::function<std::shared_ptr<const billing::TariffBook>()> reload_tariffs;
    // The integration partners in force, a reload of the partners file
    // (throws with its file:line reason and changes nothing when it is
    // bad) and the uplinks' live states; null, empty and empty when csmsd
    // runs without a partners file.
    const proxy::Partners* partners = nullptr;
    std::function<void()> reload_partners{};
    std::function<std::vector<proxy::LinkState>()> partner_links = [] { return std::vector<proxy::LinkState>{}; };
};

} // namespace csms::admin
