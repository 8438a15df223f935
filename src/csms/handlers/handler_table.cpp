#include "csms/handlers/handlers.hpp"

#include <unordered_map>

namespace csms::handlers {

Handler find(std::string_view action)
{
    static const std::unordered_map<std::string_view, Handler> table{
        {"Authorize", &authorize},
        {"BootNotification", &boot_notification},
        {"DataTransfer", &data_transfer},
        {"DiagnosticsStatusNotification", &diagnostics_status_notification},
        {"FirmwareStatusNotification", &firmware_status_notification},
        {"Heartbeat", &heartbeat},
        {"LogStatusNotification", &log_status_notification},
        {"MeterValues", &meter_values},
        {"SecurityEventNotification", &security_event_notification},
        {"SignCertificate", &sign_certificate},
        {"SignedFirmwareStatusNotification", &signed_firmware_status_notification},
        {"StartTransaction", &start_transaction},
        {"StatusNotification", &status_notification},
        {"StopTransaction", &stop_transaction},
    };
    auto it = table.find(action);
    return it == table.end() ? nullptr : it->second;
}

} // namespace csms::handlers
