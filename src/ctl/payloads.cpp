#include "ctl/payloads.hpp"

#include "base/clock.hpp"
#include "base/time_format.hpp"
#include "ctl/errors.hpp"

#include <rapidjson/error/en.h>

namespace csms::ctl::payloads {
namespace {

// Fluent member setter; optionals that are empty are skipped.
class Object {
public:
    Object() { doc_.SetObject(); }

    Object& set(const char* key, const std::string& value)
    {
        doc_.AddMember(rapidjson::StringRef(key), rapidjson::Value(value, alloc()), alloc());
        return *this;
    }
    Object& set(const char* key, int value)
    {
        doc_.AddMember(rapidjson::StringRef(key), rapidjson::Value(value), alloc());
        return *this;
    }
    Object& set(const char* key, const OptText& value) { return value ? set(key, *value) : *this; }
    Object& set(const char* key, Opt value) { return value ? set(key, *value) : *this; }
    Object& set(const char* key, rapidjson::Value& value) // moves value in; it must use alloc()
    {
        doc_.AddMember(rapidjson::StringRef(key), value, alloc());
        return *this;
    }

    rapidjson::Document::AllocatorType& alloc() { return doc_.GetAllocator(); }
    rapidjson::Document take() { return std::move(doc_); }

private:
    rapidjson::Document doc_;
};

// A sub-object built on the outer document's allocator.
rapidjson::Value object_value(Object& outer,
                              std::initializer_list<std::pair<const char*, std::optional<std::string>>> members)
{
    rapidjson::Value v(rapidjson::kObjectType);
    for (const auto& [key, value] : members) {
        if (value) {
            v.AddMember(rapidjson::StringRef(key), rapidjson::Value(*value, outer.alloc()), outer.alloc());
        }
    }
    return v;
}

} // namespace

rapidjson::Document remote_start(const std::string& id_tag, Opt connector)
{
    return Object().set("connectorId", connector).set("idTag", id_tag).take();
}

rapidjson::Document remote_stop(int transaction_id)
{
    return Object().set("transactionId", transaction_id).take();
}

rapidjson::Document reset(bool hard)
{
    return Object().set("type", std::string(hard ? "Hard" : "Soft")).take();
}

rapidjson::Document unlock(int connector)
{
    return Object().set("connectorId", connector).take();
}

rapidjson::Document change_availability(int connector, const std::string& type)
{
    return Object().set("connectorId", connector).set("type", type).take();
}

rapidjson::Document change_configuration(const std::string& key, const std::string& value)
{
    return Object().set("key", key).set("value", value).take();
}

rapidjson::Document get_configuration(const std::vector<std::string>& keys)
{
    Object o;
    if (!keys.empty()) {
        rapidjson::Value list(rapidjson::kArrayType);
        for (const auto& k : keys) {
            list.PushBack(rapidjson::Value(k, o.alloc()), o.alloc());
        }
        o.set("key", list);
    }
    return o.take();
}

rapidjson::Document empty()
{
    return Object().take();
}

rapidjson::Document trigger(const std::string& message, Opt connector)
{
    return Object().set("requestedMessage", message).set("connectorId", connector).take();
}

rapidjson::Document get_diagnostics(const std::string& location, const OptText& start, const OptText& stop, Opt retries,
                                    Opt retry_interval)
{
    return Object()
        .set("location", location)
        .set("startTime", start)
        .set("stopTime", stop)
        .set("retries", retries)
        .set("retryInterval", retry_interval)
        .take();
}

rapidjson::Document update_firmware(const std::string& location, const std::string& retrieve_date)
{
    return Object().set("location", location).set("retrieveDate", retrieve_date).take();
}

LocalListEntry parse_local_list_entry(const std::string& text)
{
    auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        return LocalListEntry{text, std::nullopt};
    }
    return LocalListEntry{text.substr(0, colon), text.substr(colon + 1)};
}

rapidjson::Document send_local_list(int version, bool differential, const std::vector<LocalListEntry>& entries)
{
    Object o;
    o.set("listVersion", version).set("updateType", std::string(differential ? "Differential" : "Full"));
    rapidjson::Value list(rapidjson::kArrayType);
    for (const auto& e : entries) {
        rapidjson::Value entry(rapidjson::kObjectType);
        entry.AddMember("idTag", rapidjson::Value(e.id_tag, o.alloc()), o.alloc());
        // A full list names every tag's status; a differential entry
        // without one deletes the tag from the charger's list.
        std::optional<std::string> status = e.status;
        if (!status && !differential) {
            status = "Accepted";
        }
        if (status) {
            auto info = object_value(o, {{"status", status}});
            entry.AddMember("idTagInfo", info, o.alloc());
        }
        list.PushBack(entry, o.alloc());
    }
    o.set("localAuthorizationList", list);
    return o.take();
}

rapidjson::Document reserve_now(int connector, const std::string& id_tag, const std::string& expiry, int reservation_id,
                                const OptText& parent)
{
    return Object()
        .set("connectorId", connector)
        .set("expiryDate", expiry)
        .set("idTag", id_tag)
        .set("parentIdTag", parent)
        .set("reservationId", reservation_id)
        .take();
}

rapidjson::Document cancel_reservation(int reservation_id)
{
    return Object().set("reservationId", reservation_id).take();
}

rapidjson::Document set_charging_profile(int connector, const std::string& profile_json)
{
    auto profile = parse_object(profile_json, "--profile");
    Object o;
    o.set("connectorId", connector);
    rapidjson::Value copy(profile, o.alloc());
    o.set("csChargingProfiles", copy);
    return o.take();
}

rapidjson::Document clear_charging_profile(Opt id, Opt connector, const OptText& purpose, Opt stack_level)
{
    return Object()
        .set("id", id)
        .set("connectorId", connector)
        .set("chargingProfilePurpose", purpose)
        .set("stackLevel", stack_level)
        .take();
}

rapidjson::Document composite_schedule(int connector, int duration, const OptText& unit)
{
    return Object().set("connectorId", connector).set("duration", duration).set("chargingRateUnit", unit).take();
}

rapidjson::Document data_transfer(const std::string& vendor, const OptText& message_id, const OptText& data)
{
    return Object().set("vendorId", vendor).set("messageId", message_id).set("data", data).take();
}

rapidjson::Document get_log(const std::string& type, const std::string& location, int request_id)
{
    Object o;
    auto log = object_value(o, {{"remoteLocation", location}});
    return o.set("log", log).set("logType", type).set("requestId", request_id).take();
}

rapidjson::Document install_certificate(const std::string& type, const std::string& pem)
{
    return Object().set("certificateType", type).set("certificate", pem).take();
}

rapidjson::Document delete_certificate(const std::string& hash_algorithm, const std::string& issuer_name_hash,
                                       const std::string& issuer_key_hash, const std::string& serial)
{
    Object o;
    auto hash = object_value(o, {{"hashAlgorithm", hash_algorithm},
                                 {"issuerNameHash", issuer_name_hash},
                                 {"issuerKeyHash", issuer_key_hash},
                                 {"serialNumber", serial}});
    return o.set("certificateHashData", hash).take();
}

rapidjson::Document installed_certificates(const std::string& type)
{
    return Object().set("certificateType", type).take();
}

rapidjson::Document certificate_signed(const std::string& pem_chain)
{
    return Object().set("certificateChain", pem_chain).take();
}

rapidjson::Document signed_update_firmware(int request_id, const std::string& location,
                                           const std::string& signing_certificate, const std::string& signature,
                                           const std::string& retrieve_date)
{
    Object o;
    auto firmware = object_value(o, {{"location", location},
                                     {"retrieveDateTime", retrieve_date},
                                     {"signingCertificate", signing_certificate},
                                     {"signature", signature}});
    return o.set("requestId", request_id).set("firmware", firmware).take();
}

std::string now()
{
    return base::format_date_time(base::SystemClock().now_utc());
}

rapidjson::Document parse_object(const std::string& text, const std::string& what)
{
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError()) {
        throw UsageError(what + " is not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()) +
                         " (at offset " + std::to_string(doc.GetErrorOffset()) + ")");
    }
    if (!doc.IsObject()) {
        throw UsageError(what + " must be a JSON object");
    }
    return doc;
}

} // namespace csms::ctl::payloads
