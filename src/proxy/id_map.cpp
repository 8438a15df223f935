#include "proxy/id_map.hpp"

#include "csms/json.hpp"

#include "base/time_format.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace csms::proxy {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void raw(Writer& writer, std::string_view json)
{
    writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

void string(Writer& writer, std::string_view text)
{
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

} // namespace

std::string with_transaction_id(std::string_view payload, std::int64_t id)
{
    rapidjson::Document doc;
    if (doc.Parse(payload.data(), payload.size()).HasParseError() || !doc.IsObject()) {
        return std::string(payload);
    }
    if (auto it = doc.FindMember("transactionId"); it != doc.MemberEnd()) {
        it->value.SetInt64(id);
    } else {
        doc.AddMember("transactionId", rapidjson::Value(id), doc.GetAllocator());
    }
    return json::text(doc);
}

std::optional<std::int64_t> transaction_id_in(std::string_view payload)
{
    rapidjson::Document doc;
    if (doc.Parse(payload.data(), payload.size()).HasParseError() || !doc.IsObject()) {
        return std::nullopt;
    }
    auto it = doc.FindMember("transactionId");
    if (it == doc.MemberEnd() || !it->value.IsInt64()) {
        return std::nullopt;
    }
    return it->value.GetInt64();
}

std::string authorize_payload(std::string_view id_tag)
{
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    writer.Key("idTag");
    string(writer, id_tag);
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<IdTagInfo> id_tag_info_in(std::string_view payload)
{
    rapidjson::Document doc;
    if (doc.Parse(payload.data(), payload.size()).HasParseError() || !doc.IsObject()) {
        return std::nullopt;
    }
    auto info = doc.FindMember("idTagInfo");
    if (info == doc.MemberEnd() || !info->value.IsObject()) {
        return std::nullopt;
    }
    const auto& v = info->value;
    auto status = v.FindMember("status");
    if (status == v.MemberEnd() || !status->value.IsString()) {
        return std::nullopt;
    }
    IdTagInfo out;
    out.status = status->value.GetString();
    if (out.status != "Accepted" && out.status != "Blocked" && out.status != "Expired" && out.status != "Invalid" &&
        out.status != "ConcurrentTx") {
        return std::nullopt;
    }
    if (auto expiry = v.FindMember("expiryDate"); expiry != v.MemberEnd()) {
        if (!expiry->value.IsString() || !(out.expiry = base::parse_date_time(std::string_view(
                                               expiry->value.GetString(), expiry->value.GetStringLength())))) {
            return std::nullopt;
        }
    }
    if (auto parent = v.FindMember("parentIdTag"); parent != v.MemberEnd()) {
        if (!parent->value.IsString() || parent->value.GetStringLength() == 0 || parent->value.GetStringLength() > 20) {
            return std::nullopt;
        }
        out.parent_id_tag = std::string(parent->value.GetString(), parent->value.GetStringLength());
    }
    return out;
}

std::string call_frame(std::string_view unique_id, std::string_view action, std::string_view payload)
{
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartArray();
    writer.Int(2);
    string(writer, unique_id);
    string(writer, action);
    raw(writer, payload);
    writer.EndArray();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string result_frame(std::string_view unique_id, std::string_view payload)
{
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartArray();
    writer.Int(3);
    string(writer, unique_id);
    raw(writer, payload);
    writer.EndArray();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string error_frame(std::string_view unique_id, std::string_view code, std::string_view description)
{
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartArray();
    writer.Int(4);
    string(writer, unique_id);
    string(writer, code);
    string(writer, description);
    writer.StartObject();
    writer.EndObject();
    writer.EndArray();
    return std::string(buffer.GetString(), buffer.GetSize());
}

PartnerFrame parse_partner_frame(std::string_view text)
{
    PartnerFrame frame;
    rapidjson::Document doc;
    if (doc.Parse(text.data(), text.size()).HasParseError() || !doc.IsArray() || doc.Size() < 3 || !doc[0].IsInt() ||
        !doc[1].IsString()) {
        frame.description = "not an OCPP-J frame";
        return frame;
    }
    frame.unique_id = doc[1].GetString();
    int kind = doc[0].GetInt();
    if (kind == 2 && doc.Size() == 4 && doc[2].IsString() && doc[3].IsObject()) {
        frame.action = doc[2].GetString();
        frame.payload = json::text(doc[3]);
    } else if (kind == 3 && doc.Size() == 3 && doc[2].IsObject()) {
        frame.payload = json::text(doc[2]);
    } else if (kind == 4 && doc.Size() >= 4 && doc[2].IsString() && doc[3].IsString()) {
        frame.error_code = doc[2].GetString();
        frame.description = doc[3].GetString();
    } else {
        frame.description = "malformed CALL, CALLRESULT or CALLERROR";
        return frame;
    }
    frame.kind = kind;
    return frame;
}

} // namespace csms::proxy
