#include "admin/api_json.hpp"

#include "ocpp/frame.hpp"

namespace csms::admin {

HttpResponse json_error(unsigned status, std::string_view code, std::string_view message)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("error");
    w.StartObject();
    write_string(w, "code", code);
    write_string(w, "message", message);
    w.EndObject();
    w.EndObject();
    return HttpResponse{status, "application/json", buffer.GetString()};
}

HttpResponse json_ok(const rapidjson::StringBuffer& buffer, unsigned status)
{
    return HttpResponse{status, "application/json", std::string(buffer.GetString(), buffer.GetSize())};
}

void write_string(JsonWriter& w, std::string_view key, std::string_view value)
{
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_string(JsonWriter& w, std::string_view key, const std::optional<std::string>& value)
{
    if (value) {
        write_string(w, key, std::string_view(*value));
    } else {
        w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        w.Null();
    }
}

void write_int(JsonWriter& w, std::string_view key, std::int64_t value)
{
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.Int64(value);
}

void write_int(JsonWriter& w, std::string_view key, const std::optional<std::int64_t>& value)
{
    if (value) {
        write_int(w, key, *value);
    } else {
        w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        w.Null();
    }
}

void write_number(JsonWriter& w, std::string_view key, const std::optional<double>& value)
{
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    if (value) {
        w.Double(*value);
    } else {
        w.Null();
    }
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& values)
{
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.StartArray();
    for (const auto& v : values) {
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    }
    w.EndArray();
}

void write_bool(JsonWriter& w, std::string_view key, bool value)
{
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.Bool(value);
}

void write_raw_json(JsonWriter& w, std::string_view key, const std::optional<std::string>& json_text)
{
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    rapidjson::Document doc;
    if (!json_text || doc.Parse(json_text->c_str()).HasParseError()) {
        w.Null();
        return;
    }
    doc.Accept(w);
}

void write_next(JsonWriter& w, const std::optional<std::string>& cursor)
{
    write_string(w, "next", cursor);
}

namespace {

// Deeper than any OCPP payload (a charging profile is five levels): writing
// or validating a deeper document would recurse once per level.
constexpr std::size_t max_json_depth = 32;

} // namespace

std::optional<rapidjson::Document> parse_object(const std::string& body)
{
    // Parsed iteratively, so the depth is checked before anything recurses.
    constexpr unsigned flags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;
    rapidjson::Document doc;
    if (doc.Parse<flags>(body.c_str(), body.size()).HasParseError() || !doc.IsObject() ||
        ocpp::nests_deeper_than(doc, max_json_depth)) {
        return std::nullopt;
    }
    return doc;
}

} // namespace csms::admin
