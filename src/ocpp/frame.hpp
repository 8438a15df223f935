#pragma once
// OCPP-J framing: [2,"id","Action",{...}] / [3,"id",{...}] / [4,"id","Code","desc",{...}].
// Parsing is a pure function with no I/O; serialising goes through
// rapidjson::Writer only, so every string is escaped.
#include "ocpp/call_error.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace csms::ocpp {

// True when a value inside root sits more than `limit` levels deep (root is
// level 1). Iterative: safe on any document, e.g. one parsed with
// kParseIterativeFlag, before anything recursive (Accept, a schema) runs.
bool nests_deeper_than(const rapidjson::Value& root, std::size_t limit);

enum class MessageType { call = 2, call_result = 3, call_error = 4 };

// A parsed inbound frame. It owns its document; payload() points into it.
struct Frame {
    MessageType type{};
    std::string unique_id;
    std::string action;            // call only
    std::string error_code;        // call_error only
    std::string error_description; // call_error only
    rapidjson::Document document;  // the whole array

    // call: element 3; call_result: element 2; call_error: element 4 (details).
    const rapidjson::Value& payload() const;
};

// Why a text could not become a Frame. unique_id is set whenever the
// charger's id could be read, so the CALLERROR can echo it.
struct FrameError {
    ErrorCode code;
    std::string description;
    std::optional<std::string> unique_id;
    // Set when the message type was readable: a broken CALLRESULT answers
    // one of our calls, a broken CALL deserves a CALLERROR.
    std::optional<MessageType> type = std::nullopt;
};

// Limits from OCPP-J: unique ids are at most 36 characters.
inline constexpr std::size_t max_unique_id_length = 36;

std::variant<Frame, FrameError> parse_frame(std::string_view text);

std::string serialize_call(std::string_view unique_id, std::string_view action, const rapidjson::Value& payload);
// payload_json is an object's JSON text, written as it is, not parsed again:
// the proxy sends a stored message to its partner byte for byte.
std::string serialize_call_raw(std::string_view unique_id, std::string_view action, std::string_view payload_json);
std::string serialize_call_result(std::string_view unique_id, const rapidjson::Value& payload);
// details is always an empty object, as OCPP-J 1.6 allows.
std::string serialize_call_error(std::string_view unique_id, ErrorCode code, std::string_view description);
// code as spelt on the wire: the proxy relays a charger's own code, which
// need not be one OCPP 1.6 has.
std::string serialize_call_error(std::string_view unique_id, std::string_view code, std::string_view description);

// The id used in a CALLERROR when the charger's own id cannot be read
// (invalid JSON, not an array): OCPP-J 2.0.1 section 4.2.3 names "-1".
inline constexpr std::string_view unreadable_unique_id = "-1";

} // namespace csms::ocpp
