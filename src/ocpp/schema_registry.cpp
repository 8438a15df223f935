// RapidJSON 1.1.0's own regex engine keeps match state inside the compiled
// pattern, so one SchemaDocument could not serve several threads if a schema
// used "pattern"; std::regex matching is const and thread-safe.
#define RAPIDJSON_SCHEMA_USE_INTERNALREGEX 0
#define RAPIDJSON_SCHEMA_USE_STDREGEX 1

#include "ocpp/schema_registry.hpp"

#include "base/time_format.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace csms::ocpp {

namespace {

// One step from a schema to a nested value: a member, or every array item.
struct PathStep {
    std::string member;
    bool each_item = false;
};
using Path = std::vector<PathStep>;

// The schemas nest a few levels at most; this only stops a $ref cycle.
constexpr int max_schema_depth = 32;

std::string escape_pointer_token(std::string_view token)
{
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

template <typename Pointer> std::string pointer_text(const Pointer& pointer)
{
    rapidjson::StringBuffer buffer;
    pointer.Stringify(buffer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

// The root pointer is the empty string, which reads badly in a log line.
std::string place(std::string pointer)
{
    return pointer.empty() ? std::string("(root)") : pointer;
}

std::string_view what_for(ErrorCode code)
{
    switch (code) {
    case ErrorCode::TypeConstraintViolation:
        return "payload field has the wrong type";
    case ErrorCode::OccurenceConstraintViolation:
        return "payload field is missing or occurs too often";
    case ErrorCode::PropertyConstraintViolation:
        return "payload field value is not allowed";
    case ErrorCode::FormationViolation:
        return "payload is not well-formed for this action";
    case ErrorCode::NotImplemented:
        return "no schema for this action";
    case ErrorCode::NotSupported:
    case ErrorCode::InternalError:
    case ErrorCode::ProtocolError:
    case ErrorCode::SecurityError:
    case ErrorCode::GenericError:
        break;
    }
    return "payload is not valid";
}

ErrorCode code_for_keyword(std::string_view keyword)
{
    if (keyword == "type") {
        return ErrorCode::TypeConstraintViolation;
    }
    if (keyword == "required" || keyword == "minItems" || keyword == "maxItems") {
        return ErrorCode::OccurenceConstraintViolation;
    }
    for (std::string_view k : {"maxLength", "minLength", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum",
                               "exclusiveMaximum", "multipleOf", "format"}) {
        if (keyword == k) {
            return ErrorCode::PropertyConstraintViolation;
        }
    }
    // additionalProperties and anything structural we do not single out.
    return ErrorCode::FormationViolation;
}

Violation violation(ErrorCode code, std::string detail)
{
    return Violation{code, what_for(code), std::move(detail)};
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name)
{
    if (!object.IsObject()) {
        return nullptr;
    }
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// Records the path of every value whose schema says "format": "date-time",
// following local "$ref"s into "definitions" as the validator does.
void collect_date_times(const rapidjson::Value& schema, const rapidjson::Value& root, Path& path,
                        std::vector<Path>& out, int depth)
{
    if (!schema.IsObject() || depth > max_schema_depth) {
        return;
    }
    if (const auto* ref = member(schema, "$ref"); ref && ref->IsString() && ref->GetString()[0] == '#') {
        rapidjson::Pointer pointer(ref->GetString() + 1, ref->GetStringLength() - 1);
        if (const auto* target = pointer.IsValid() ? pointer.Get(root) : nullptr) {
            collect_date_times(*target, root, path, out, depth + 1);
        }
    }
    if (const auto* format = member(schema, "format");
        format && format->IsString() && std::strcmp(format->GetString(), "date-time") == 0) {
        out.push_back(path);
    }
    if (const auto* properties = member(schema, "properties"); properties && properties->IsObject()) {
        for (const auto& p : properties->GetObject()) {
            path.push_back(PathStep{std::string(p.name.GetString(), p.name.GetStringLength()), false});
            collect_date_times(p.value, root, path, out, depth + 1);
            path.pop_back();
        }
    }
    if (const auto* items = member(schema, "items"); items && items->IsObject()) {
        path.push_back(PathStep{{}, true});
        collect_date_times(*items, root, path, out, depth + 1);
        path.pop_back();
    }
}

// The JSON pointer of the first value on path that is not a valid
// date-time. The pointer is built only for a failure, on the way back up:
// valid payloads (nearly all) pay for no string building.
std::optional<std::string> invalid_date_time(const rapidjson::Value& value, const Path& path, std::size_t step)
{
    if (step == path.size()) {
        if (value.IsString() && !base::parse_date_time(std::string_view(value.GetString(), value.GetStringLength()))) {
            return std::string();
        }
        return std::nullopt;
    }
    const PathStep& next = path[step];
    if (next.each_item) {
        if (!value.IsArray()) {
            return std::nullopt;
        }
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            if (auto pointer = invalid_date_time(value[i], path, step + 1)) {
                return "/" + std::to_string(i) + *pointer;
            }
        }
        return std::nullopt;
    }
    if (!value.IsObject()) {
        return std::nullopt;
    }
    auto it = value.FindMember(rapidjson::StringRef(next.member.data(), next.member.size()));
    if (it == value.MemberEnd()) {
        return std::nullopt;
    }
    if (auto pointer = invalid_date_time(it->value, path, step + 1)) {
        return "/" + escape_pointer_token(next.member) + *pointer;
    }
    return std::nullopt;
}

std::string read_file(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot open schema " + file.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
        throw std::runtime_error("cannot read schema " + file.string());
    }
    return std::move(text).str();
}

constexpr std::string_view response_suffix = "Response";

} // namespace

struct SchemaRegistry::Schema {
    // Kept beside the compiled form to look up which "required" member is
    // missing: RapidJSON 1.1.0 reports only the keyword and the object.
    rapidjson::Document source;
    std::unique_ptr<rapidjson::SchemaDocument> compiled;
    std::vector<Path> date_times;
};

SchemaRegistry::SchemaRegistry(const std::filesystem::path& dir)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw std::runtime_error("schema directory not found: " + dir.string());
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
            files.push_back(entry.path());
        }
    }
    if (files.empty()) {
        throw std::runtime_error("no *.json schemas in " + dir.string());
    }
    std::sort(files.begin(), files.end());

    for (const auto& file : files) {
        auto schema = std::make_unique<Schema>();
        const std::string text = read_file(file);
        schema->source.Parse(text.data(), text.size());
        if (schema->source.HasParseError()) {
            throw std::runtime_error("schema " + file.string() + " is not valid JSON at offset " +
                                     std::to_string(schema->source.GetErrorOffset()) + ": " +
                                     rapidjson::GetParseError_En(schema->source.GetParseError()));
        }
        if (!schema->source.IsObject()) {
            throw std::runtime_error("schema " + file.string() + " is not a JSON object");
        }
        schema->compiled = std::make_unique<rapidjson::SchemaDocument>(schema->source);
        Path path;
        collect_date_times(schema->source, schema->source, path, schema->date_times, 0);

        std::string name = file.stem().string();
        Table* table = &requests_;
        if (name.size() > response_suffix.size() && name.ends_with(response_suffix)) {
            name.resize(name.size() - response_suffix.size());
            table = &responses_;
        }
        (*table)[name] = std::move(schema);
    }

    for (const auto& [action, schema] : requests_) {
        if (!responses_.contains(action)) {
            throw std::runtime_error("schema " + (dir / (action + "Response.json")).string() + " is missing");
        }
    }
    for (const auto& [action, schema] : responses_) {
        if (!requests_.contains(action)) {
            throw std::runtime_error("schema " + (dir / (action + ".json")).string() + " is missing");
        }
    }
}

SchemaRegistry::~SchemaRegistry() = default;
SchemaRegistry::SchemaRegistry(SchemaRegistry&&) noexcept = default;
SchemaRegistry& SchemaRegistry::operator=(SchemaRegistry&&) noexcept = default;

bool SchemaRegistry::knows(std::string_view action) const
{
    return requests_.find(action) != requests_.end();
}

std::vector<std::string> SchemaRegistry::actions() const
{
    std::vector<std::string> out;
    out.reserve(requests_.size());
    for (const auto& [action, schema] : requests_) {
        out.push_back(action);
    }
    return out;
}

std::optional<Violation> SchemaRegistry::validate(std::string_view action, Direction direction,
                                                  const rapidjson::Value& payload) const
{
    const Table* table = nullptr;
    switch (direction) {
    case Direction::request:
        table = &requests_;
        break;
    case Direction::response:
        table = &responses_;
        break;
    }
    auto found = table->find(action);
    if (found == table->end()) {
        return violation(ErrorCode::NotImplemented, std::string(action));
    }
    const Schema& schema = *found->second;

    // SchemaDocument is read-only during validation; all mutable state lives
    // in this per-call validator.
    rapidjson::SchemaValidator validator(*schema.compiled);
    if (!payload.Accept(validator)) {
        const std::string_view keyword = validator.GetInvalidSchemaKeyword();
        const ErrorCode code = code_for_keyword(keyword);
        std::string pointer = pointer_text(validator.GetInvalidDocumentPointer());
        if (keyword == "required") {
            const rapidjson::Value* object = validator.GetInvalidDocumentPointer().Get(payload);
            const rapidjson::Value* subschema = validator.GetInvalidSchemaPointer().Get(schema.source);
            const rapidjson::Value* required = subschema ? member(*subschema, "required") : nullptr;
            if (object && object->IsObject() && required && required->IsArray()) {
                for (const auto& name : required->GetArray()) {
                    if (name.IsString() && !object->HasMember(name)) {
                        return violation(
                            code, pointer + "/" +
                                      escape_pointer_token(std::string_view(name.GetString(), name.GetStringLength())) +
                                      ": required");
                    }
                }
            }
        }
        return violation(code, place(std::move(pointer)) + ": " + std::string(keyword));
    }

    for (const Path& path : schema.date_times) {
        if (auto pointer = invalid_date_time(payload, path, 0)) {
            return violation(ErrorCode::PropertyConstraintViolation, place(std::move(*pointer)) + ": date-time");
        }
    }
    return std::nullopt;
}

} // namespace csms::ocpp
