#pragma once
// [statistics] configure_chargers: after csmsd accepts a BootNotification it
// asks the charger, with ChangeConfiguration, to sample its meter every
// 900 s and to send clock-aligned readings every 900 s, so each quarter hour
// of the statistics has readings at its edges. The calls go through the
// CommandService like an operator's and are kept in the command history
// (no operator: csmsd sent them); a charger that refuses is only logged.
#include "base/clock.hpp"
#include "csms/command_service.hpp"
#include "store/writer.hpp"

#include <string>

namespace csms {

class BootConfiguration {
public:
    BootConfiguration(CommandService& commands, store::Writer& writer, const base::Clock& clock)
        : commands_(commands), writer_(writer), clock_(clock)
    {
    }

    // From the BootNotification's answer, on the charger's strand: the calls
    // are queued behind that answer and nothing here waits.
    void configure(const std::string& charger_id);

private:
    void change(const std::string& charger_id, const std::string& key, const std::string& value);

    CommandService& commands_;
    store::Writer& writer_;
    const base::Clock& clock_;
};

} // namespace csms
