#include "proxy/outbox.hpp"

#include "csms/json.hpp"
#include "proxy/relay_policy.hpp"
#include "store/proxy_store.hpp"
#include "store/transaction_store.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <limits>

namespace csms::proxy {
namespace {

// Our transaction a StartTransaction opened: the row its handler has just
// written (or found, for a retry), read back by the same fields.
std::optional<std::int64_t> started_transaction(store::Database& db, const std::string& charger_id,
                                                const std::string& payload)
{
    rapidjson::Document doc;
    if (doc.Parse(payload.data(), payload.size()).HasParseError() || !doc.IsObject()) {
        return std::nullopt;
    }
    auto connector = json::bounded_int(doc, "connectorId", 1, std::numeric_limits<int>::max()).value;
    auto meter = json::int64_field(doc, "meterStart").value;
    auto timestamp = json::optional_time(doc, "timestamp");
    if (!connector || !meter || !timestamp) {
        return std::nullopt;
    }
    store::StartRecord start;
    start.charger_id = charger_id;
    start.connector_id = static_cast<int>(*connector);
    start.id_tag = json::string(doc, "idTag");
    start.meter_start_wh = *meter;
    start.timestamp = *timestamp;
    auto existing = store::find_identical_start(db, start);
    return existing ? std::optional<std::int64_t>(existing->transaction_id) : std::nullopt;
}

// An Authorize the partner answers itself (its customer's tag) is not
// copied to it as well.
bool answered_by(const Partner& partner, const std::string& action, const std::string& payload)
{
    if (action != "Authorize" || partner.authorize_tags.empty()) {
        return false;
    }
    rapidjson::Document doc;
    if (doc.Parse(payload.data(), payload.size()).HasParseError() || !doc.IsObject()) {
        return false;
    }
    return authorizes(partner, json::string(doc, "idTag"));
}

} // namespace

Outbox::Outbox(const Partners& partners, const base::Clock& clock, std::function<void(const std::string&)> wake)
    : partners_(partners), clock_(clock), wake_(std::move(wake))
{
}

bool Outbox::wants(std::string_view charger_id, std::string_view action) const
{
    const auto& set = partners_.current();
    return std::any_of(set.partners.begin(), set.partners.end(),
                       [&](const Partner& p) { return forwards(p, action) && may_cover(p, charger_id); });
}

bool Outbox::copy(store::Database& db, const std::string& charger_id, const std::string& action, const Call& call)
{
    std::optional<std::optional<std::string>> region;       // read once, for the first partner that chooses by region
    std::optional<std::optional<std::int64_t>> transaction; // found once, for the first partner that takes it
    bool copied = false;
    for (const auto& partner : partners_.current().partners) {
        if (!forwards(partner, action)) {
            continue;
        }
        if (!region && needs_region(partner)) {
            region = store::charger_region(db, charger_id);
        }
        if (!covers(partner, charger_id, region.value_or(std::nullopt)) || answered_by(partner, action, call.payload)) {
            continue;
        }
        if (!transaction) {
            transaction =
                action == "StartTransaction" ? started_transaction(db, charger_id, call.payload) : call.transaction_id;
        }
        store::enqueue_outbox(
            db, store::OutboxRow{0, partner.name, charger_id, action, call.payload, *transaction, clock_.now_utc()});
        copied = true;
    }
    return copied;
}

void Outbox::committed(const std::string& charger_id)
{
    if (wake_) {
        wake_(charger_id);
    }
}

} // namespace csms::proxy
