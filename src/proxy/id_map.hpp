#pragma once
// What the uplink reads from a partner, the transaction id translation in
// it and a delegated Authorize's question and answer, as pure functions of
// text (RapidJSON only), so what the partner sees can be tested without a
// socket. Ours -> the partner's in what we forward; the partner's -> ours in
// its RemoteStopTransaction. The frames themselves are ocpp/frame's.
#include "csms/authorization.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::proxy {

// The payload with its top-level "transactionId" set to id; the text as is
// when it is not a JSON object.
std::string with_transaction_id(std::string_view payload, std::int64_t id);
// Its top-level integer "transactionId", if any.
std::optional<std::int64_t> transaction_id_in(std::string_view payload);
// What csmsd files a migrating charger's transaction id under when the
// primary gave it for a session csmsd never saw start: the id negated,
// which can never be one of ours (they start at 1), so the message is kept
// apart (an unmatched stop, samples with no transaction) but traceable.
constexpr std::int64_t unknown_transaction_id(std::int64_t primary_id)
{
    return primary_id > 0 ? -primary_id : primary_id;
}

// {"idTag":"..."}: what the partner is asked in a delegated Authorize.
std::string authorize_payload(std::string_view id_tag);
// The idTagInfo of the partner's Authorize answer, when it is one a charger
// may be given (a known status, a date-time expiry, a parent tag of 1-20
// characters); nullopt otherwise.
std::optional<IdTagInfo> id_tag_info_in(std::string_view payload);

// One frame read from a partner (by ocpp::parse_frame), its payload as text
// so it can be copied to whoever waits for it; kind 0 when it is not a
// valid OCPP-J frame.
struct PartnerFrame {
    int kind = 0; // 2 CALL, 3 CALLRESULT, 4 CALLERROR
    std::string unique_id;
    std::string action;      // CALL
    std::string payload;     // CALL and CALLRESULT: JSON text of the object
    std::string error_code;  // CALLERROR
    std::string description; // CALLERROR, or why kind is 0
};
PartnerFrame parse_partner_frame(std::string_view text);

} // namespace csms::proxy
