#pragma once
// The OCPP 1.6 actions (with the security extension) by direction, so the
// partners file can refuse a misspelt or wrong-way action at load time
// instead of never matching it.
#include "ocpp/charger_actions.hpp"

#include <string_view>

namespace csms::proxy {

using ocpp::charger_actions;

inline constexpr std::string_view central_actions[] = {"CancelReservation",
                                                       "ChangeAvailability",
                                                       "ChangeConfiguration",
                                                       "ClearCache",
                                                       "ClearChargingProfile",
                                                       "DataTransfer",
                                                       "GetCompositeSchedule",
                                                       "GetConfiguration",
                                                       "GetDiagnostics",
                                                       "GetLocalListVersion",
                                                       "RemoteStartTransaction",
                                                       "RemoteStopTransaction",
                                                       "ReserveNow",
                                                       "Reset",
                                                       "SendLocalList",
                                                       "SetChargingProfile",
                                                       "TriggerMessage",
                                                       "UnlockConnector",
                                                       "UpdateFirmware",
                                                       "ExtendedTriggerMessage",
                                                       "GetLog",
                                                       "SignedUpdateFirmware"};

} // namespace csms::proxy
