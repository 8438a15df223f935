#pragma once
// One authenticated /api/v1 request as a route handler sees it, and how the
// handler answers: with a response and what the audit log should say.
#include "admin/http_server.hpp"
#include "store/operator_store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace csms::admin {

using Params = std::map<std::string, std::string, std::less<>>;

// Thrown by a handler (before it answers) for a request it refuses; becomes
// a JSON error with this status and code, audited with the code as outcome.
class ApiError : public std::runtime_error {
public:
    ApiError(unsigned status, std::string code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(std::move(code))
    {
    }
    unsigned status() const { return status_; }
    const std::string& code() const { return code_; }

private:
    unsigned status_;
    std::string code_;
};

struct ApiCall {
    HttpRequest request;
    std::string path; // percent-decoded, without the query
    Params query;     // percent-decoded
    Params params;    // the {names} of the route pattern
    store::Operator caller;

    const std::string& param(std::string_view name) const;
    std::optional<std::string> query_value(std::string_view name) const;
    // ?limit=, 1..500, default 50; ApiError for anything else.
    int page_limit() const;
    // ?cursor=<the "next" of the previous page>; cursors are opaque to
    // callers. cursor_id() reads one that is a row id (ApiError if not).
    std::optional<std::string> cursor() const { return query_value("cursor"); }
    std::optional<std::int64_t> cursor_id() const;
};

// What the audit row says about a call beyond who, where and the status.
struct AuditNote {
    std::optional<std::string> object; // the charger, transaction, id tag or operator acted on
    std::string outcome = "ok";
    bool personal_data = false; // the answer contains personal data
};

struct ApiReply {
    HttpResponse response;
    AuditNote audit;
};

// Call exactly once, from any thread.
using Finish = std::function<void(ApiReply)>;
using RouteHandler = std::function<void(std::shared_ptr<const ApiCall>, Finish)>;

} // namespace csms::admin
