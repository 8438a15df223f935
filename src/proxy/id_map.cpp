#include "proxy/id_map.hpp"

#include "csms/json.hpp"
#include "ocpp/frame.hpp"

#include "base/time_format.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <variant>

namespace csms::proxy {

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
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("idTag");
    writer.String(id_tag.data(), static_cast<rapidjson::SizeType>(id_tag.size()));
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

PartnerFrame parse_partner_frame(std::string_view text)
{
    PartnerFrame out;
    auto parsed = ocpp::parse_frame(text);
    if (const auto* bad = std::get_if<ocpp::FrameError>(&parsed)) {
        out.description = bad->description;
        return out;
    }
    auto& frame = std::get<ocpp::Frame>(parsed);
    out.kind = static_cast<int>(frame.type);
    out.unique_id = std::move(frame.unique_id);
    out.action = std::move(frame.action);
    if (frame.type == ocpp::MessageType::call_error) {
        out.error_code = std::move(frame.error_code);
        out.description = std::move(frame.error_description);
    } else {
        out.payload = json::text(frame.payload());
    }
    return out;
}

} // namespace csms::proxy
