#include "scenario.hpp"

#include "base/time_format.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <utility>

namespace csms::sim {
namespace {

using Value = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// Charging at 32 A on one 230 V phase, one sample per simulated minute.
constexpr int current_deci_amps = 320;
constexpr int voltage_deci_volts = 2300;
constexpr int power_w = current_deci_amps * voltage_deci_volts / 100;
constexpr int wh_per_sample = power_w / 60;

Value str(std::string_view s, Allocator& a)
{
    return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// OCPP 1.6 sends sampled values as decimal strings.
std::string decimal(int tenths)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d.%d", tenths / 10, std::abs(tenths % 10));
    return buf;
}

Value sampled_value(std::string_view value, std::string_view measurand, std::string_view unit, std::string_view context,
                    std::string_view phase, Allocator& a)
{
    Value v(rapidjson::kObjectType);
    v.AddMember("value", str(value, a), a);
    v.AddMember("context", str(context, a), a);
    v.AddMember("format", "Raw", a);
    v.AddMember("measurand", str(measurand, a), a);
    if (!phase.empty()) {
        v.AddMember("phase", str(phase, a), a);
    }
    v.AddMember("location", "Outlet", a);
    v.AddMember("unit", str(unit, a), a);
    return v;
}

const Value* member(const Value& object, const char* name)
{
    if (!object.IsObject()) {
        return nullptr;
    }
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string string_or(const Value* v, std::string_view fallback)
{
    return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string(fallback);
}

// idTagInfo.status must be Accepted; returns the reason when it is not.
std::optional<std::string> id_tag_rejected(std::string_view action, const Value& payload)
{
    const Value* info = member(payload, "idTagInfo");
    std::string status = string_or(info != nullptr ? member(*info, "status") : nullptr, "<missing>");
    if (status != "Accepted") {
        return std::string(action) + " idTagInfo.status " + status;
    }
    return std::nullopt;
}

std::optional<std::string> bad_current_time(std::string_view action, const Value& payload)
{
    const Value* t = member(payload, "currentTime");
    if (t == nullptr || !t->IsString() || !base::parse_date_time(t->GetString())) {
        return std::string(action) + " currentTime missing or not a date-time";
    }
    return std::nullopt;
}

} // namespace

Scenario::Scenario(ScenarioConfig config, const base::Clock& clock) : config_(std::move(config)), clock_(clock)
{
    if (config_.boot_only) {
        steps_ = {Kind::boot_notification};
        return;
    }
    steps_ = {Kind::boot_notification, Kind::status_available, Kind::heartbeat};
    for (int s = 0; s < config_.sessions; ++s) {
        steps_.insert(steps_.end(), {Kind::authorize, Kind::start_transaction, Kind::status_charging});
        steps_.insert(steps_.end(), static_cast<std::size_t>(config_.meter_values), Kind::meter_values);
        steps_.insert(steps_.end(), {Kind::stop_transaction, Kind::status_available});
    }
    script_steps_ = steps_.size();
}

std::optional<std::int64_t> Scenario::transaction_id() const
{
    return session_ ? session_->transaction_id : std::nullopt;
}

std::variant<rapidjson::Document, ocpp::ErrorCode> Scenario::answer_call(std::string_view action,
                                                                         const rapidjson::Value& payload)
{
    bool accepted = false;
    if (action == "RemoteStartTransaction") {
        accepted = remote_start(payload);
    } else if (action == "RemoteStopTransaction") {
        accepted = remote_stop(payload);
    } else {
        return answer_server_call(action);
    }
    rapidjson::Document doc(rapidjson::kObjectType);
    doc.AddMember("status", rapidjson::StringRef(accepted ? "Accepted" : "Rejected"), doc.GetAllocator());
    return doc;
}

bool Scenario::remote_start(const rapidjson::Value& payload)
{
    // One connector; without connectorId the charger picks it.
    const Value* connector = member(payload, "connectorId");
    const bool ours = connector == nullptr || (connector->IsInt() && connector->GetInt() == 1);
    // idTag is CiString20Type.
    const Value* id_tag = member(payload, "idTag");
    const bool tag_ok =
        id_tag != nullptr && id_tag->IsString() && id_tag->GetStringLength() > 0 && id_tag->GetStringLength() <= 20;
    if (!script_done() || session_ || !ours || !tag_ok) {
        return false;
    }
    session_ = Session{string_or(id_tag, ""), "Remote", true, false, std::nullopt};
    steps_.insert(steps_.end(),
                  {Kind::status_preparing, Kind::start_transaction, Kind::status_charging, Kind::meter_values});
    return true;
}

bool Scenario::remote_stop(const rapidjson::Value& payload)
{
    const Value* id = member(payload, "transactionId");
    if (id == nullptr || !id->IsInt64() || !session_ || !session_->remote || session_->stopping ||
        session_->transaction_id != id->GetInt64()) {
        return false;
    }
    session_->stopping = true;
    steps_.insert(steps_.end(), {Kind::stop_transaction, Kind::status_available});
    return true;
}

Call Scenario::next_call()
{
    Kind kind = steps_[next_];
    std::string_view action;
    switch (kind) {
    case Kind::boot_notification:
        action = "BootNotification";
        break;
    case Kind::status_available:
    case Kind::status_preparing:
    case Kind::status_charging:
        action = "StatusNotification";
        break;
    case Kind::heartbeat:
        action = "Heartbeat";
        break;
    case Kind::authorize:
        action = "Authorize";
        break;
    case Kind::start_transaction:
        action = "StartTransaction";
        break;
    case Kind::meter_values:
        action = "MeterValues";
        break;
    case Kind::stop_transaction:
        action = "StopTransaction";
        break;
    }
    return Call{action, build(kind)};
}

Verdict Scenario::check_result(const rapidjson::Value& payload)
{
    Kind kind = steps_[next_++];
    if (!payload.IsObject()) {
        return Verdict{false, "CALLRESULT payload is not an object"};
    }
    return check(kind, payload);
}

rapidjson::Document Scenario::build(Kind kind)
{
    rapidjson::Document doc(rapidjson::kObjectType);
    Allocator& a = doc.GetAllocator();
    const std::string now = base::format_date_time(clock_.now_utc());

    switch (kind) {
    case Kind::boot_notification: {
        // Serial numbers are CiString25Type.
        std::string serial = config_.charge_point_id.substr(0, 25);
        doc.AddMember("chargePointVendor", "CsmsSim", a);
        doc.AddMember("chargePointModel", "Sim-1", a);
        doc.AddMember("chargePointSerialNumber", str(serial, a), a);
        doc.AddMember("chargeBoxSerialNumber", str(serial, a), a);
        doc.AddMember("firmwareVersion", "ocpp-sim-1.0", a);
        break;
    }
    case Kind::status_available:
    case Kind::status_preparing:
    case Kind::status_charging: {
        const char* status = kind == Kind::status_charging    ? "Charging"
                             : kind == Kind::status_preparing ? "Preparing"
                                                              : "Available";
        doc.AddMember("connectorId", 1, a);
        doc.AddMember("errorCode", "NoError", a);
        doc.AddMember("status", rapidjson::StringRef(status), a);
        doc.AddMember("timestamp", str(now, a), a);
        break;
    }
    case Kind::heartbeat:
        break;
    case Kind::authorize:
        doc.AddMember("idTag", str(config_.id_tag, a), a);
        break;
    case Kind::start_transaction:
        if (!session_) {
            session_ = Session{config_.id_tag, "Local", false, false, std::nullopt}; // a scripted session
        }
        sample_ = 0;
        soc_percent_ = 20;
        doc.AddMember("connectorId", 1, a);
        doc.AddMember("idTag", str(session_->id_tag, a), a);
        doc.AddMember("meterStart", meter_wh_, a);
        doc.AddMember("timestamp", str(now, a), a);
        break;
    case Kind::meter_values: {
        meter_wh_ += wh_per_sample;
        ++sample_;
        soc_percent_ = std::min(100, soc_percent_ + 1);
        const std::string_view ctx = "Sample.Periodic";
        Value sampled(rapidjson::kArrayType);
        sampled.PushBack(sampled_value(std::to_string(meter_wh_), "Energy.Active.Import.Register", "Wh", ctx, "", a),
                         a);
        sampled.PushBack(sampled_value(std::to_string(power_w), "Power.Active.Import", "W", ctx, "", a), a);
        sampled.PushBack(sampled_value(decimal(current_deci_amps), "Current.Import", "A", ctx, "L1", a), a);
        sampled.PushBack(sampled_value(decimal(voltage_deci_volts), "Voltage", "V", ctx, "", a), a);
        sampled.PushBack(sampled_value(std::to_string(soc_percent_), "SoC", "Percent", ctx, "", a), a);
        auto temperature_deci_c =
            config_.temperature_c ? static_cast<int>(std::lround(*config_.temperature_c * 10)) : 250 + 5 * sample_;
        sampled.PushBack(sampled_value(decimal(temperature_deci_c), "Temperature", "Celsius", ctx, "", a), a);
        Value meter_value(rapidjson::kObjectType);
        meter_value.AddMember("timestamp", str(now, a), a);
        meter_value.AddMember("sampledValue", sampled, a);
        Value meter_values(rapidjson::kArrayType);
        meter_values.PushBack(meter_value, a);
        doc.AddMember("connectorId", 1, a);
        doc.AddMember("transactionId", transaction_id().value_or(0), a);
        doc.AddMember("meterValue", meter_values, a);
        break;
    }
    case Kind::stop_transaction: {
        // The energy drawn since the last sample.
        meter_wh_ += wh_per_sample;
        Value sampled(rapidjson::kArrayType);
        sampled.PushBack(
            sampled_value(std::to_string(meter_wh_), "Energy.Active.Import.Register", "Wh", "Transaction.End", "", a),
            a);
        Value meter_value(rapidjson::kObjectType);
        meter_value.AddMember("timestamp", str(now, a), a);
        meter_value.AddMember("sampledValue", sampled, a);
        Value data(rapidjson::kArrayType);
        data.PushBack(meter_value, a);
        doc.AddMember("transactionId", transaction_id().value_or(0), a);
        doc.AddMember("idTag", str(session_ ? session_->id_tag : config_.id_tag, a), a);
        doc.AddMember("meterStop", meter_wh_, a);
        doc.AddMember("timestamp", str(now, a), a);
        doc.AddMember("reason", str(session_ ? session_->stop_reason : "Local", a), a);
        doc.AddMember("transactionData", data, a);
        break;
    }
    }
    return doc;
}

Verdict Scenario::check(Kind kind, const rapidjson::Value& payload)
{
    std::optional<std::string> problem;
    switch (kind) {
    case Kind::boot_notification: {
        std::string status = string_or(member(payload, "status"), "<missing>");
        const Value* interval = member(payload, "interval");
        if (status != "Accepted") {
            problem = "BootNotification status " + status;
        } else if (interval == nullptr || !interval->IsInt()) {
            problem = "BootNotification interval missing or not an integer";
        } else {
            problem = bad_current_time("BootNotification", payload);
        }
        break;
    }
    case Kind::heartbeat:
        problem = bad_current_time("Heartbeat", payload);
        break;
    case Kind::authorize:
        problem = id_tag_rejected("Authorize", payload);
        break;
    case Kind::start_transaction: {
        auto rejected = id_tag_rejected("StartTransaction", payload);
        const Value* id = member(payload, "transactionId");
        const bool has_id = id != nullptr && id->IsInt64();
        const bool remote = session_ && session_->remote;
        if (rejected && !(remote && has_id)) {
            problem = std::move(rejected); // the script expects its own tag to be accepted
        } else if (!has_id) {
            problem = "StartTransaction transactionId missing or not an integer";
        } else if (session_) {
            session_->transaction_id = id->GetInt64();
            if (rejected) {
                // A remote tag the server does not accept: end the session at
                // once, as with StopTransactionOnInvalidId. Until the id was
                // known no stop could be queued, so what follows this step is
                // this session's Charging and MeterValues only.
                session_->stopping = true;
                session_->stop_reason = "DeAuthorized";
                steps_.resize(next_);
                steps_.insert(steps_.end(), {Kind::stop_transaction, Kind::status_available});
            }
        }
        break;
    }
    case Kind::stop_transaction:
        session_.reset();
        break;
    case Kind::status_available:
    case Kind::status_preparing:
    case Kind::status_charging:
    case Kind::meter_values:
        break; // empty confirmations
    }
    if (problem) {
        return Verdict{false, std::move(*problem)};
    }
    return Verdict{};
}

std::variant<rapidjson::Document, ocpp::ErrorCode> answer_server_call(std::string_view action)
{
    // Actions whose confirmation is only {"status": "Accepted"}.
    static constexpr std::array<std::string_view, 19> accepted_only = {
        "ChangeAvailability",     "ChangeConfiguration",   "ClearCache",
        "RemoteStartTransaction", "RemoteStopTransaction", "Reset",
        "TriggerMessage",         "CancelReservation",     "ReserveNow",
        "ClearChargingProfile",   "SetChargingProfile",    "SendLocalList",
        "DataTransfer",           "GetCompositeSchedule",  "ExtendedTriggerMessage",
        "CertificateSigned",      "InstallCertificate",    "DeleteCertificate",
        "SignedUpdateFirmware",
    };
    rapidjson::Document doc(rapidjson::kObjectType);
    Allocator& a = doc.GetAllocator();
    if (std::find(accepted_only.begin(), accepted_only.end(), action) != accepted_only.end()) {
        doc.AddMember("status", "Accepted", a);
    } else if (action == "UnlockConnector") {
        doc.AddMember("status", "Unlocked", a);
    } else if (action == "GetLocalListVersion") {
        doc.AddMember("listVersion", 0, a);
    } else if (action == "GetConfiguration") {
        // A couple of keys, so an operator's GetConfiguration shows something.
        Value keys(rapidjson::kArrayType);
        for (auto [key, value] : {std::pair{"HeartbeatInterval", "300"}, std::pair{"MeterValueSampleInterval", "60"}}) {
            Value entry(rapidjson::kObjectType);
            entry.AddMember("key", str(key, a), a);
            entry.AddMember("readonly", false, a);
            entry.AddMember("value", str(value, a), a);
            keys.PushBack(entry, a);
        }
        doc.AddMember("configurationKey", keys, a);
        doc.AddMember("unknownKey", Value(rapidjson::kArrayType), a);
    } else if (action == "GetDiagnostics") {
        doc.AddMember("fileName", "diagnostics.log", a);
    } else if (action == "UpdateFirmware") {
        // The confirmation has no fields.
    } else if (action == "GetInstalledCertificateIds") {
        doc.AddMember("status", "NotFound", a); // a simulator holds no certificates
    } else if (action == "GetLog") {
        doc.AddMember("status", "Accepted", a);
        doc.AddMember("filename", "log.txt", a);
    } else {
        return ocpp::ErrorCode::NotImplemented;
    }
    return doc;
}

} // namespace csms::sim
