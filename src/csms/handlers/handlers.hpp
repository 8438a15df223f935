#pragma once
// One handler per charger-initiated action. Each parses its (schema-valid)
// payload, applies the checks a schema cannot express, and answers through
// ChargerSession::commit_then_reply or with a CALLERROR.
#include "csms/charger_session.hpp"

namespace csms::handlers {

using Handler = void (*)(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);

void authorize(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void boot_notification(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void data_transfer(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void diagnostics_status_notification(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void firmware_status_notification(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void heartbeat(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void log_status_notification(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void meter_values(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void security_event_notification(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void sign_certificate(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void signed_firmware_status_notification(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void start_transaction(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void status_notification(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);
void stop_transaction(ChargerSession&, const ocpp::IncomingCall&, const rapidjson::Value&);

// nullptr for an action this central system does not handle.
Handler find(std::string_view action);

} // namespace csms::handlers
