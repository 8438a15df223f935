#include "ocpp/frame.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <vector>

namespace csms::ocpp {

namespace {

// Trailing garbage, NaN/Infinity and invalid UTF-8 are all refused; full
// precision keeps every double exactly as the charger wrote it.
// Iterative parsing: a frame of 60,000 '[' must not exhaust the stack.
constexpr unsigned parse_flags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;

// OCPP 1.6 payloads nest a handful of levels; the schema validator and the
// handlers walk documents recursively, so deeper ones are refused up front.
constexpr std::size_t max_nesting = 32;

// The common frame: pure ASCII (valid UTF-8 without checking each character)
// and brackets nested less than max_nesting deep (so no value nests deeper
// than max_nesting, and RapidJSON's faster recursive parser cannot exhaust
// the stack). One scan decides; every other frame takes the careful path.
// Together this took a third off parsing a MeterValues frame.
bool is_plain(std::string_view text)
{
    unsigned char any = 0;
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (unsigned char c : text) {
        any |= c;
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return (any & 0x80U) == 0 && deepest < max_nesting;
}
constexpr unsigned plain_parse_flags = rapidjson::kParseFullPrecisionFlag;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// OCPP-J limits ids to 36 characters, not bytes; the text is valid UTF-8
// here, so counting non-continuation bytes counts code points.
std::size_t code_points(std::string_view text)
{
    std::size_t n = 0;
    for (unsigned char c : text) {
        if ((c & 0xC0U) != 0x80U) {
            ++n;
        }
    }
    return n;
}

bool is_valid_unique_id(const rapidjson::Value& v)
{
    if (!v.IsString() || v.GetStringLength() == 0) {
        return false;
    }
    return code_points(std::string_view(v.GetString(), v.GetStringLength())) <= max_unique_id_length;
}

std::string as_string(const rapidjson::Value& v)
{
    return std::string(v.GetString(), v.GetStringLength());
}

void write_string(Writer& w, std::string_view s)
{
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// [2,"id","Action", and the payload follows.
void start_call(Writer& w, std::string_view unique_id, std::string_view action)
{
    w.StartArray();
    w.Int(static_cast<int>(MessageType::call));
    write_string(w, unique_id);
    write_string(w, action);
}

std::string finish(const rapidjson::StringBuffer& buffer)
{
    return std::string(buffer.GetString(), buffer.GetSize());
}

FrameError error(ErrorCode code, std::string description, std::optional<std::string> id = std::nullopt)
{
    return FrameError{code, std::move(description), std::move(id)};
}

// An error in a frame whose message type was readable.
FrameError typed_error(MessageType type, ErrorCode code, std::string description, std::optional<std::string> id)
{
    return FrameError{code, std::move(description), std::move(id), type};
}

} // namespace

bool nests_deeper_than(const rapidjson::Value& root, std::size_t limit)
{
    std::vector<std::pair<const rapidjson::Value*, std::size_t>> stack{{&root, 1}};
    while (!stack.empty()) {
        auto [value, depth] = stack.back();
        stack.pop_back();
        if (depth > limit) {
            return true;
        }
        if (value->IsArray()) {
            for (const auto& child : value->GetArray()) {
                stack.emplace_back(&child, depth + 1);
            }
        } else if (value->IsObject()) {
            for (const auto& member : value->GetObject()) {
                stack.emplace_back(&member.value, depth + 1);
            }
        }
    }
    return false;
}

const rapidjson::Value& Frame::payload() const
{
    switch (type) {
    case MessageType::call:
        return document[3];
    case MessageType::call_result:
        return document[2];
    case MessageType::call_error:
        return document[4];
    }
    return document[2];
}

std::variant<Frame, FrameError> parse_frame(std::string_view text)
{
    Frame frame;
    const bool plain = is_plain(text);
    if (plain) {
        frame.document.Parse<plain_parse_flags>(text.data(), text.size());
    } else {
        frame.document.Parse<parse_flags>(text.data(), text.size());
    }
    if (frame.document.HasParseError()) {
        return error(ErrorCode::FormationViolation, "invalid JSON");
    }
    const rapidjson::Value& root = frame.document;
    if (!root.IsArray()) {
        return error(ErrorCode::ProtocolError, "message is not a JSON array");
    }
    if (root.Empty()) {
        return error(ErrorCode::ProtocolError, "message is an empty array");
    }
    const rapidjson::SizeType size = root.Size();

    // Read the id first so that every later error can echo it.
    std::optional<std::string> id;
    if (size >= 2 && is_valid_unique_id(root[1])) {
        id = as_string(root[1]);
    }

    const rapidjson::Value& type = root[0];
    if (!type.IsInt() || type.GetInt() < 2 || type.GetInt() > 4) {
        return error(ErrorCode::ProtocolError, "unknown message type", id);
    }
    frame.type = static_cast<MessageType>(type.GetInt());
    if (size < 2) {
        return typed_error(frame.type, ErrorCode::ProtocolError, "missing unique id", std::nullopt);
    }
    if (!root[1].IsString()) {
        return typed_error(frame.type, ErrorCode::ProtocolError, "unique id is not a string", std::nullopt);
    }
    if (root[1].GetStringLength() == 0) {
        return typed_error(frame.type, ErrorCode::ProtocolError, "unique id is empty", std::nullopt);
    }
    if (!id) {
        return typed_error(frame.type, ErrorCode::ProtocolError, "unique id is longer than 36 characters",
                           std::nullopt);
    }
    if (!plain && nests_deeper_than(root, max_nesting)) {
        return typed_error(frame.type, ErrorCode::FormationViolation, "message nests too deeply", id);
    }

    switch (frame.type) {
    case MessageType::call:
        if (size != 4) {
            return typed_error(frame.type, ErrorCode::ProtocolError, "CALL must have 4 elements", id);
        }
        if (!root[2].IsString() || root[2].GetStringLength() == 0) {
            return typed_error(frame.type, ErrorCode::ProtocolError, "CALL action is not a non-empty string", id);
        }
        if (!root[3].IsObject()) {
            return typed_error(frame.type, ErrorCode::FormationViolation, "CALL payload is not an object", id);
        }
        frame.action = as_string(root[2]);
        break;
    case MessageType::call_result:
        if (size != 3) {
            return typed_error(frame.type, ErrorCode::ProtocolError, "CALLRESULT must have 3 elements", id);
        }
        if (!root[2].IsObject()) {
            return typed_error(frame.type, ErrorCode::FormationViolation, "CALLRESULT payload is not an object", id);
        }
        break;
    case MessageType::call_error:
        if (size != 5) {
            return typed_error(frame.type, ErrorCode::ProtocolError, "CALLERROR must have 5 elements", id);
        }
        if (!root[2].IsString()) {
            return typed_error(frame.type, ErrorCode::FormationViolation, "CALLERROR code is not a string", id);
        }
        if (!root[3].IsString()) {
            return typed_error(frame.type, ErrorCode::FormationViolation, "CALLERROR description is not a string", id);
        }
        if (!root[4].IsObject()) {
            return typed_error(frame.type, ErrorCode::FormationViolation, "CALLERROR details is not an object", id);
        }
        frame.error_code = as_string(root[2]);
        frame.error_description = as_string(root[3]);
        break;
    }
    frame.unique_id = std::move(*id);
    return frame;
}

std::string serialize_call(std::string_view unique_id, std::string_view action, const rapidjson::Value& payload)
{
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    start_call(w, unique_id, action);
    payload.Accept(w);
    w.EndArray();
    return finish(buffer);
}

std::string serialize_call_raw(std::string_view unique_id, std::string_view action, std::string_view payload_json)
{
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    start_call(w, unique_id, action);
    w.RawValue(payload_json.data(), payload_json.size(), rapidjson::kObjectType);
    w.EndArray();
    return finish(buffer);
}

std::string serialize_call_result(std::string_view unique_id, const rapidjson::Value& payload)
{
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartArray();
    w.Int(static_cast<int>(MessageType::call_result));
    write_string(w, unique_id);
    payload.Accept(w);
    w.EndArray();
    return finish(buffer);
}

std::string serialize_call_error(std::string_view unique_id, ErrorCode code, std::string_view description)
{
    return serialize_call_error(unique_id, to_string(code), description);
}

std::string serialize_call_error(std::string_view unique_id, std::string_view code, std::string_view description)
{
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartArray();
    w.Int(static_cast<int>(MessageType::call_error));
    write_string(w, unique_id);
    write_string(w, code);
    write_string(w, description);
    w.StartObject();
    w.EndObject();
    w.EndArray();
    return finish(buffer);
}

} // namespace csms::ocpp
