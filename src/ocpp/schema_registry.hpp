#pragma once
// The OCPP 1.6 JSON schemas (schemas/*.json), compiled once at startup, one
// SchemaDocument per action and direction. validate() maps the first failing
// schema keyword to a CALLERROR code and also checks "format": "date-time",
// which RapidJSON itself ignores.
//
// Thread-safety: the registry is immutable after construction; validate()
// may be called from any number of threads at once.
#include "ocpp/call_error.hpp"

#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::ocpp {

// request = "<Action>.json", response = "<Action>Response.json"
enum class Direction { request, response };

class SchemaRegistry {
public:
    // Loads every *.json in dir. Throws std::runtime_error naming the file
    // when one is unparseable or its request/response partner is missing,
    // so a half-loaded registry never exists.
    explicit SchemaRegistry(const std::filesystem::path& dir);
    ~SchemaRegistry();
    SchemaRegistry(SchemaRegistry&&) noexcept;
    SchemaRegistry& operator=(SchemaRegistry&&) noexcept;
    SchemaRegistry(const SchemaRegistry&) = delete;
    SchemaRegistry& operator=(const SchemaRegistry&) = delete;

    // A request schema exists for this action.
    bool knows(std::string_view action) const;

    // nullopt when valid. An action without a schema is NotImplemented.
    // Violation::detail names the place (a JSON pointer and the keyword),
    // never the received value, which may be personal data.
    std::optional<Violation> validate(std::string_view action, Direction direction,
                                      const rapidjson::Value& payload) const;

    // Sorted.
    std::vector<std::string> actions() const;

private:
    struct Schema;
    using Table = std::map<std::string, std::unique_ptr<const Schema>, std::less<>>;

    Table requests_;
    Table responses_;
};

} // namespace csms::ocpp
