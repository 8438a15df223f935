#include "csms/command_redaction.hpp"

#include <strings.h>

namespace csms {
namespace {

bool is_authorization_key(const rapidjson::Value& key)
{
    return key.IsString() && strcasecmp(key.GetString(), "AuthorizationKey") == 0;
}

void set_string(rapidjson::Value& value, std::string_view text, rapidjson::Document::AllocatorType& allocator)
{
    value.SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

// payload[object][member] (or payload[member] when object is null) as a URL.
void strip_url(rapidjson::Value& payload, const char* object, const char* member,
               rapidjson::Document::AllocatorType& allocator)
{
    rapidjson::Value* holder = &payload;
    if (object) {
        auto it = payload.FindMember(object);
        if (it == payload.MemberEnd() || !it->value.IsObject()) {
            return;
        }
        holder = &it->value;
    }
    auto it = holder->FindMember(member);
    if (it != holder->MemberEnd() && it->value.IsString()) {
        set_string(it->value, without_url_credentials(it->value.GetString()), allocator);
    }
}

} // namespace

std::string without_url_credentials(std::string_view url)
{
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(url);
    }
    auto authority_start = scheme_end + 3;
    auto authority_end = url.find_first_of("/?#", authority_start);
    auto authority =
        url.substr(authority_start,
                   authority_end == std::string_view::npos ? std::string_view::npos : authority_end - authority_start);
    auto at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return std::string(url);
    }
    return std::string(url.substr(0, authority_start)) + std::string(redacted_value) +
           std::string(url.substr(authority_start + at));
}

void redact_command_request(std::string_view action, rapidjson::Value& payload,
                            rapidjson::Document::AllocatorType& allocator)
{
    if (!payload.IsObject()) {
        return;
    }
    if (action == "ChangeConfiguration") {
        auto key = payload.FindMember("key");
        auto value = payload.FindMember("value");
        if (key != payload.MemberEnd() && is_authorization_key(key->value) && value != payload.MemberEnd()) {
            set_string(value->value, redacted_value, allocator);
        }
    } else if (action == "GetDiagnostics" || action == "UpdateFirmware") {
        strip_url(payload, nullptr, "location", allocator);
    } else if (action == "GetLog") {
        strip_url(payload, "log", "remoteLocation", allocator);
    } else if (action == "SignedUpdateFirmware") {
        strip_url(payload, "firmware", "location", allocator);
    }
}

void redact_command_response(std::string_view action, rapidjson::Value& payload,
                             rapidjson::Document::AllocatorType& allocator)
{
    if (action != "GetConfiguration" || !payload.IsObject()) {
        return;
    }
    auto keys = payload.FindMember("configurationKey");
    if (keys == payload.MemberEnd() || !keys->value.IsArray()) {
        return;
    }
    for (auto& entry : keys->value.GetArray()) {
        if (!entry.IsObject()) {
            continue;
        }
        auto key = entry.FindMember("key");
        auto value = entry.FindMember("value");
        if (key != entry.MemberEnd() && is_authorization_key(key->value) && value != entry.MemberEnd()) {
            set_string(value->value, redacted_value, allocator);
        }
    }
}

} // namespace csms
