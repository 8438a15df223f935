#include "csms/command_effects.hpp"

#include "csms/json.hpp"
#include "store/command_store.hpp"
#include "store/transaction.hpp"

#include <spdlog/spdlog.h>

#include <limits>
#include <string_view>

namespace csms {
namespace {

using rapidjson::Value;

struct Answer {
    store::Database& db;
    const std::string& charger_id;
    const Value& request;
    const Value& response;
    base::SysTime at;

    bool status_is(std::string_view expected) const { return json::string(response, "status") == expected; }
};

// The schemas say "integer" without bounds; a value that would not fit (or a
// negative connector the tables refuse) is not tracked rather than failing
// the command's history row with it.
std::optional<int> connector_of(const Value& object)
{
    auto c = json::bounded_int(object, "connectorId", 0, std::numeric_limits<int>::max());
    return c.value ? std::optional<int>(static_cast<int>(*c.value)) : std::nullopt;
}

void reserve_now(const Answer& a)
{
    auto id = json::int64_field(a.request, "reservationId").value;
    auto connector = connector_of(a.request);
    auto expiry = json::optional_time(a.request, "expiryDate");
    if (!a.status_is("Accepted") || !id || !connector || !expiry) {
        return;
    }
    store::upsert_reservation(a.db,
                              {a.charger_id, *id, *connector, json::string(a.request, "idTag"),
                               json::optional_string(a.request, "parentIdTag"), *expiry},
                              a.at);
}

void cancel_reservation(const Answer& a)
{
    auto id = json::int64_field(a.request, "reservationId").value;
    if (a.status_is("Accepted") && id) {
        store::set_reservation_state(a.db, a.charger_id, *id, store::ReservationState::cancelled, a.at);
    }
}

void set_charging_profile(const Answer& a)
{
    const Value* profile = json::member(a.request, "csChargingProfiles");
    auto connector = connector_of(a.request);
    if (!a.status_is("Accepted") || !profile || !profile->IsObject() || !connector) {
        return;
    }
    auto id = json::int64_field(*profile, "chargingProfileId").value;
    auto stack_level = json::int64_field(*profile, "stackLevel").value;
    if (!id || !stack_level) {
        return;
    }
    store::upsert_charging_profile(a.db,
                                   {a.charger_id, *connector, *id, *stack_level,
                                    json::string(*profile, "chargingProfilePurpose"), json::text(*profile)},
                                   a.at);
}

// OCPP 1.6, 5.5: either the one profile named by id, or every profile that
// matches all the other criteria given.
void clear_charging_profile(const Answer& a)
{
    if (!a.status_is("Accepted")) {
        return;
    }
    if (auto id = json::int64_field(a.request, "id").value) {
        store::clear_charging_profiles(a.db, a.charger_id, *id, std::nullopt, std::nullopt, std::nullopt);
        return;
    }
    auto connector =
        json::bounded_int(a.request, "connectorId", std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (connector.out_of_range) {
        return; // no stored profile can match it
    }
    store::clear_charging_profiles(
        a.db, a.charger_id, std::nullopt,
        connector.value ? std::optional<int>(static_cast<int>(*connector.value)) : std::nullopt,
        json::optional_string(a.request, "chargingProfilePurpose"), json::int64_field(a.request, "stackLevel").value);
}

void send_local_list(const Answer& a)
{
    if (auto version = json::int64_field(a.request, "listVersion").value; version && a.status_is("Accepted")) {
        store::set_local_list_sent(a.db, a.charger_id, *version, a.at);
    }
}

void get_local_list_version(const Answer& a)
{
    if (auto version = json::int64_field(a.response, "listVersion").value) {
        store::set_local_list_reported(a.db, a.charger_id, *version, a.at);
    }
}

void get_configuration(const Answer& a)
{
    const Value* keys = json::member(a.response, "configurationKey");
    if (!keys || !keys->IsArray()) {
        return;
    }
    for (const auto& entry : keys->GetArray()) {
        const Value* readonly = json::member(entry, "readonly");
        store::upsert_configuration_key(a.db, a.charger_id, json::string(entry, "key"),
                                        json::optional_string(entry, "value"),
                                        readonly && readonly->IsBool() && readonly->GetBool(), a.at);
    }
}

void change_configuration(const Answer& a)
{
    if (a.status_is("Accepted") || a.status_is("RebootRequired")) {
        store::upsert_configuration_key(a.db, a.charger_id, json::string(a.request, "key"),
                                        json::string(a.request, "value"), false, a.at);
    }
}

struct Effect {
    std::string_view action;
    void (*apply)(const Answer&);
};

constexpr Effect effects[] = {
    {"ReserveNow", reserve_now},
    {"CancelReservation", cancel_reservation},
    {"SetChargingProfile", set_charging_profile},
    {"ClearChargingProfile", clear_charging_profile},
    {"SendLocalList", send_local_list},
    {"GetLocalListVersion", get_local_list_version},
    {"GetConfiguration", get_configuration},
    {"ChangeConfiguration", change_configuration},
};

} // namespace

void apply_command_effects(store::Database& db, const std::string& charger_id, const std::string& action,
                           const rapidjson::Value& request, const rapidjson::Value* response, base::SysTime at)
{
    if (!response || !response->IsObject() || !request.IsObject()) {
        return;
    }
    for (const auto& effect : effects) {
        if (effect.action == action) {
            effect.apply(Answer{db, charger_id, request, *response, at});
            return;
        }
    }
}

std::int64_t record_command_and_effects(store::Database& db, const store::CommandRecord& record,
                                        const rapidjson::Value* response)
{
    auto command_id = store::record_command(db, record);
    if (record.outcome != store::CommandOutcome::result) {
        return command_id;
    }
    try {
        store::Savepoint effects(db, "command_effects");
        rapidjson::Document request;
        request.Parse(record.request.c_str(), record.request.size());
        apply_command_effects(db, record.charger_id, record.action, request, response, record.finished_at);
        effects.release();
    } catch (const std::exception& e) {
        spdlog::error("command {} to {}: its effects could not be tracked: {}", command_id, record.charger_id,
                      e.what());
    }
    return command_id;
}

} // namespace csms
