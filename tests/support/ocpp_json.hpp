#pragma once
// Payloads a charger sends, built with RapidJSON, and readers for the
// frames the central system answers with.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace csms::test {

// JsonObject().set("connectorId", 1).set("status", "Available").str()
class JsonObject {
public:
    JsonObject() : doc_(rapidjson::kObjectType) {}
    JsonObject(const JsonObject& other) { doc_.CopyFrom(other.doc_, doc_.GetAllocator()); }
    JsonObject& operator=(const JsonObject& other)
    {
        if (this != &other) {
            doc_.CopyFrom(other.doc_, doc_.GetAllocator());
        }
        return *this;
    }

    JsonObject& set(std::string_view key, std::string_view value)
    {
        put(key, rapidjson::Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), alloc()));
        return *this;
    }
    JsonObject& set(std::string_view key, const char* value) { return set(key, std::string_view(value)); }
    JsonObject& set(std::string_view key, const std::string& value) { return set(key, std::string_view(value)); }
    JsonObject& set(std::string_view key, std::int64_t value)
    {
        put(key, rapidjson::Value(value));
        return *this;
    }
    JsonObject& set(std::string_view key, int value) { return set(key, static_cast<std::int64_t>(value)); }
    JsonObject& set(std::string_view key, double value)
    {
        put(key, rapidjson::Value(value));
        return *this;
    }
    JsonObject& set(std::string_view key, bool value)
    {
        put(key, rapidjson::Value(value));
        return *this;
    }
    JsonObject& set(std::string_view key, const JsonObject& value)
    {
        rapidjson::Value copy;
        copy.CopyFrom(value.doc_, alloc());
        put(key, std::move(copy));
        return *this;
    }
    // A JSON array of objects.
    JsonObject& set(std::string_view key, std::initializer_list<JsonObject> items)
    {
        rapidjson::Value array(rapidjson::kArrayType);
        for (const auto& item : items) {
            rapidjson::Value copy;
            copy.CopyFrom(item.doc_, alloc());
            array.PushBack(std::move(copy), alloc());
        }
        put(key, std::move(array));
        return *this;
    }

    std::string str() const
    {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
        doc_.Accept(w);
        return std::string(buffer.GetString(), buffer.GetSize());
    }

private:
    rapidjson::Document::AllocatorType& alloc() { return doc_.GetAllocator(); }
    void put(std::string_view key, rapidjson::Value value)
    {
        rapidjson::Value name(key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc());
        doc_.RemoveMember(name);
        doc_.AddMember(name, std::move(value), alloc());
    }

    rapidjson::Document doc_;
};

// --- charger payloads -------------------------------------------------------

inline std::string boot_payload(std::string_view vendor = "E2E", std::string_view model = "Test-1")
{
    return JsonObject().set("chargePointVendor", vendor).set("chargePointModel", model).str();
}

inline std::string status_payload(int connector, std::string_view status, std::string_view timestamp)
{
    return JsonObject()
        .set("connectorId", connector)
        .set("errorCode", "NoError")
        .set("status", status)
        .set("timestamp", timestamp)
        .str();
}

inline std::string start_payload(int connector, std::string_view id_tag, std::int64_t meter_start,
                                 std::string_view timestamp)
{
    return JsonObject()
        .set("connectorId", connector)
        .set("idTag", id_tag)
        .set("meterStart", meter_start)
        .set("timestamp", timestamp)
        .str();
}

inline std::string stop_payload(std::int64_t transaction_id, std::int64_t meter_stop, std::string_view timestamp)
{
    return JsonObject()
        .set("transactionId", transaction_id)
        .set("meterStop", meter_stop)
        .set("timestamp", timestamp)
        .set("reason", "Local")
        .str();
}

// One MeterValues with one energy register sample, of a transaction when
// one is given.
inline std::string meter_values_payload(int connector, std::string_view timestamp, std::string_view energy_wh,
                                        std::optional<std::int64_t> transaction_id = std::nullopt)
{
    JsonObject sample;
    sample.set("value", energy_wh).set("measurand", "Energy.Active.Import.Register").set("unit", "Wh");
    JsonObject meter_value;
    meter_value.set("timestamp", timestamp).set("sampledValue", {sample});
    JsonObject payload;
    payload.set("connectorId", connector);
    if (transaction_id) {
        payload.set("transactionId", *transaction_id);
    }
    return payload.set("meterValue", {meter_value}).str();
}

// "2025-03-01T10:00:00.000Z" plus `offset_ms`: distinct, valid timestamps.
inline std::string test_time(std::int64_t offset_ms)
{
    std::int64_t ms = offset_ms % 1000;
    std::int64_t s = offset_ms / 1000;
    std::int64_t days = s / 86400;
    s %= 86400;
    char buf[64];
    // Stays inside March for offsets below 30 days.
    std::snprintf(buf, sizeof buf, "2025-03-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(1 + days),
                  static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                  static_cast<long long>(ms));
    return buf;
}

// --- reading answers ----------------------------------------------------------

inline std::string to_json(const rapidjson::Value& v)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v.Accept(w);
    return std::string(buffer.GetString(), buffer.GetSize());
}

inline bool is_call_result(const rapidjson::Value& frame)
{
    return frame.IsArray() && frame.Size() == 3 && frame[0].IsInt() && frame[0].GetInt() == 3 && frame[2].IsObject();
}

inline bool is_call_error(const rapidjson::Value& frame)
{
    return frame.IsArray() && frame.Size() == 5 && frame[0].IsInt() && frame[0].GetInt() == 4 && frame[2].IsString();
}

// The CALLERROR's code, or "" for any other frame.
inline std::string error_code(const rapidjson::Value& frame)
{
    return is_call_error(frame) ? std::string(frame[2].GetString()) : std::string();
}

inline std::string unique_id(const rapidjson::Value& frame)
{
    return frame.IsArray() && frame.Size() >= 2 && frame[1].IsString() ? std::string(frame[1].GetString())
                                                                       : std::string();
}

// payload[member] of a CALLRESULT as text ("" when absent); nested with '/'.
inline std::string result_string(const rapidjson::Value& frame, std::string_view path)
{
    if (!is_call_result(frame)) {
        return {};
    }
    const rapidjson::Value* v = &frame[2];
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        auto name = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!v->IsObject()) {
            return {};
        }
        auto it = v->FindMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size())));
        if (it == v->MemberEnd()) {
            return {};
        }
        v = &it->value;
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return v->IsString() ? std::string(v->GetString()) : to_json(*v);
}

} // namespace csms::test
