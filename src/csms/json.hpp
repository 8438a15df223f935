#pragma once
// Reading validated payloads and building replies. The schema has already
// guaranteed presence and types of required fields, so readers only decide
// between "absent" and "present".
#include "base/clock.hpp"
#include "base/time_format.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace csms::json {

inline const rapidjson::Value* member(const rapidjson::Value& object, const char* name)
{
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

inline std::string string(const rapidjson::Value& object, const char* name)
{
    const auto* v = member(object, name);
    return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

inline std::optional<std::string> optional_string(const rapidjson::Value& object, const char* name)
{
    const auto* v = member(object, name);
    if (!v || !v->IsString()) {
        return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
}

// An integer field checked against [min, max]: the schema only says
// "integer", and a value past int64 or past the column type must not be
// stored as something else.
struct BoundedInt {
    std::optional<std::int64_t> value; // nullopt: absent, or out of range
    bool out_of_range = false;
};

inline BoundedInt bounded_int(const rapidjson::Value& object, const char* name, std::int64_t min, std::int64_t max)
{
    const auto* v = member(object, name);
    if (!v) {
        return {};
    }
    if (!v->IsInt64() || v->GetInt64() < min || v->GetInt64() > max) {
        return {std::nullopt, true};
    }
    return {v->GetInt64(), false};
}

// Any integer that fits int64 (ids the charger echoes back to us).
inline BoundedInt int64_field(const rapidjson::Value& object, const char* name)
{
    return bounded_int(object, name, std::numeric_limits<std::int64_t>::min(),
                       std::numeric_limits<std::int64_t>::max());
}

// Date-times were checked by the schema registry; a failure here means absent.
inline std::optional<base::SysTime> optional_time(const rapidjson::Value& object, const char* name)
{
    const auto* v = member(object, name);
    if (!v || !v->IsString()) {
        return std::nullopt;
    }
    return base::parse_date_time(std::string_view(v->GetString(), v->GetStringLength()));
}

// A reply object under construction; strings are copied into its allocator.
// The value as compact JSON text.
inline std::string text(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

class Reply {
public:
    Reply() { doc_.SetObject(); }
    Reply& set(const char* name, std::string_view value)
    {
        doc_.AddMember(
            rapidjson::Value(name, doc_.GetAllocator()),
            rapidjson::Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), doc_.GetAllocator()),
            doc_.GetAllocator());
        return *this;
    }
    Reply& set(const char* name, std::int64_t value)
    {
        doc_.AddMember(rapidjson::Value(name, doc_.GetAllocator()), rapidjson::Value(value), doc_.GetAllocator());
        return *this;
    }
    Reply& set(const char* name, Reply&& child)
    {
        rapidjson::Value copy(child.doc_, doc_.GetAllocator());
        doc_.AddMember(rapidjson::Value(name, doc_.GetAllocator()), copy, doc_.GetAllocator());
        return *this;
    }
    rapidjson::Document take() { return std::move(doc_); }

private:
    rapidjson::Document doc_;
};

} // namespace csms::json
