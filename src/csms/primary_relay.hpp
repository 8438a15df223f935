#pragma once
// The seam for migration mode (src/proxy implements it): a charger whose
// primary backend is still a remote CSMS has each of its CALLs relayed
// there first. The charger gets the primary's answer; csmsd still handles
// the CALL as usual (stores it, copies it to partners, raises alerts) with
// the primary's decisions where the primary decides (registration, id tags,
// transaction ids). Absent (nullptr in Services) when no partner is a
// primary: then nothing changes on the message path.
#include "ocpp/endpoint.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace csms {

// A CALL's answer from the charger's primary backend (migration mode), as
// its handler sees it: the charger gets this answer, not the handler's.
struct PrimaryAnswer {
    std::string primary;                       // its name in the partners file
    std::optional<rapidjson::Document> result; // its CALLRESULT payload; none after a CALLERROR or no answer
};

class PrimaryRelay {
public:
    struct Outcome {
        std::string primary; // the primary's name in the partners file
        // What the charger gets: the primary's CALLRESULT or CALLERROR, or
        // a GenericError when it did not answer in time or is unreachable.
        std::shared_ptr<const ocpp::ReplacementAnswer> answer;
        // The charger's payload as csmsd handles it: transaction ids are the
        // primary's on the wire and become ours here.
        std::string payload;
    };

    virtual ~PrimaryRelay() = default;
    // Session strand, every CALL: whether this charger has a primary that
    // takes this action (a set lookup, no database read).
    virtual bool relays(std::string_view charger_id, std::string_view action) const = 0;
    // Any thread; returns at once. done runs exactly once, on another
    // thread, with the outcome.
    virtual void relay(const std::string& charger_id, const std::string& action, std::string payload,
                       std::function<void(Outcome)> done) = 0;
};

} // namespace csms
