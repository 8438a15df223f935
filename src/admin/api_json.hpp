#pragma once
// How every /api/v1 answer looks. Success: a JSON object. Failure:
//   {"error": {"code": "not_connected", "message": "charger CP1 is not connected"}}
// with a stable code that scripts may match and a message for people.
// Lists: {"items": [...], "next": "<cursor>" | null}; pass it back as
// ?cursor=<next> for the following page. Cursors are opaque strings.
#include "admin/http_server.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::admin {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

HttpResponse json_error(unsigned status, std::string_view code, std::string_view message);
HttpResponse json_ok(const rapidjson::StringBuffer& buffer, unsigned status = 200);

// Small writer helpers: optional fields become null.
void write_string(JsonWriter& w, std::string_view key, std::string_view value);
void write_string(JsonWriter& w, std::string_view key, const std::optional<std::string>& value);
inline void write_string(JsonWriter& w, std::string_view key, const std::string& value)
{
    write_string(w, key, std::string_view(value));
}
inline void write_string(JsonWriter& w, std::string_view key, const char* value)
{
    write_string(w, key, std::string_view(value));
}
void write_int(JsonWriter& w, std::string_view key, std::int64_t value);
void write_int(JsonWriter& w, std::string_view key, const std::optional<std::int64_t>& value);
void write_bool(JsonWriter& w, std::string_view key, bool value);
void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& values);
void write_number(JsonWriter& w, std::string_view key, const std::optional<double>& value); // null when absent
// Copies a stored JSON text in as a value (null if it does not parse).
void write_raw_json(JsonWriter& w, std::string_view key, const std::optional<std::string>& json_text);
// "next": the cursor for the page after this one, or null.
void write_next(JsonWriter& w, const std::optional<std::string>& cursor);

// A list page: {"items": [...], "next": cursor_of(last row) | null}. A full
// page (limit rows) may have a successor; a shorter one is the last.
template <class Row, class WriteItem, class CursorOf>
HttpResponse page_response(const std::vector<Row>& rows, int limit, WriteItem write_item, CursorOf cursor_of)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("items");
    w.StartArray();
    for (const auto& row : rows) {
        write_item(w, row);
    }
    w.EndArray();
    std::optional<std::string> next;
    if (!rows.empty() && static_cast<int>(rows.size()) >= limit) {
        next = cursor_of(rows.back());
    }
    write_next(w, next);
    w.EndObject();
    return json_ok(buffer);
}

// Parses a request body that must be a JSON object in valid UTF-8, nested
// at most 32 deep; nullopt otherwise.
std::optional<rapidjson::Document> parse_object(const std::string& body);

} // namespace csms::admin
