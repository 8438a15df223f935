#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/concat.hpp"
#include "base/password_hash.hpp"
#include "csms/json.hpp"
#include "store/charger_store.hpp"
#include "store/credentials_store.hpp"

namespace csms::admin {
namespace {

// The Security Whitepaper's AuthorizationKey: 16 to 40 printable ASCII
// characters (a 20-byte key is 40 hex digits).
bool valid_authorization_key(const std::string& key)
{
    if (key.size() < 16 || key.size() > 40) {
        return false;
    }
    for (char c : key) {
        if (c < 0x21 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

store::Registration registration_from_body(const rapidjson::Value& body, bool required)
{
    auto text = json::optional_string(body, "registration");
    if (!text) {
        if (required) {
            throw ApiError(400, "bad_request", "registration (Accepted, Pending or Rejected) is required");
        }
        return store::Registration::accepted;
    }
    auto parsed = store::registration_from_string(*text);
    if (!parsed) {
        throw ApiError(400, "bad_request", "registration must be Accepted, Pending or Rejected");
    }
    return *parsed;
}

void write_registration(JsonWriter& w, const std::string& charger_id, store::Registration registration)
{
    w.StartObject();
    write_string(w, "charger_id", charger_id);
    write_string(w, "registration", std::string(store::to_string(registration)));
    w.EndObject();
}

enum class Verdict { stored, exists, missing };

struct ChargerChange {
    std::optional<store::Registration> registration;
    store::ChargerFactsChange facts;
};

struct ChangeJob {
    std::optional<store::ChargerFactsView> charger; // nullopt: no such charger
};

// Generous bounds that still catch a unit mistake (kW given as W is fine, W
// given as mW is not).
constexpr double max_rated_power_w = 10'000'000;
constexpr double max_rated_current_a = 10'000;

std::optional<std::optional<double>> rating_from_body(const rapidjson::Value& body, const char* name, double max)
{
    auto it = body.FindMember(name);
    if (it == body.MemberEnd()) {
        return std::nullopt;
    }
    if (it->value.IsNull()) {
        return std::optional<double>();
    }
    if (!it->value.IsNumber() || !(it->value.GetDouble() > 0) || it->value.GetDouble() > max) {
        throw ApiError(400, "bad_request",
                       std::string(name) + " must be a number above 0 and at most " +
                           std::to_string(static_cast<long long>(max)) + ", or null to erase it");
    }
    return std::optional<double>(it->value.GetDouble());
}

ChargerChange charger_change_from_body(const rapidjson::Value& body)
{
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
        std::string_view key(it->name.GetString(), it->name.GetStringLength());
        if (key != "registration" && key != "region" && key != "rated_power_w" && key != "rated_current_a") {
            throw ApiError(400, "bad_request",
                           base::concat("unknown field '", key,
                                        "'; a charger takes registration, region, rated_power_w and rated_current_a"));
        }
    }
    if (body.ObjectEmpty()) {
        throw ApiError(400, "bad_request", "give at least one of registration, region, rated_power_w, rated_current_a");
    }
    ChargerChange change;
    if (body.HasMember("registration")) {
        change.registration = registration_from_body(body, true);
    }
    if (auto it = body.FindMember("region"); it != body.MemberEnd()) {
        if (it->value.IsNull()) {
            change.facts.region = std::optional<std::string>();
        } else if (it->value.IsString() && it->value.GetStringLength() >= 1 && it->value.GetStringLength() <= 64) {
            change.facts.region = std::optional<std::string>(it->value.GetString());
        } else {
            throw ApiError(400, "bad_request", "region must be a string of 1 to 64 characters, or null to erase it");
        }
    }
    change.facts.rated_power_w = rating_from_body(body, "rated_power_w", max_rated_power_w);
    change.facts.rated_current_a = rating_from_body(body, "rated_current_a", max_rated_current_a);
    return change;
}

void write_charger_facts(JsonWriter& w, const std::string& charger_id, const store::ChargerFactsView& facts)
{
    w.StartObject();
    write_string(w, "charger_id", charger_id);
    write_string(w, "registration", facts.registration);
    write_string(w, "region", facts.region);
    write_number(w, "rated_power_w", facts.rated_power_w);
    write_number(w, "rated_current_a", facts.rated_current_a);
    w.EndObject();
}

} // namespace

void add_charger_registration_routes(Router& router, ApiContext& ctx)
{
    // A charger registered before it first connects: under the production
    // policy an unknown charger is refused.
    router.add({"POST", "/api/v1/chargers", "chargers.add", Permission::chargers_write,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto body = parse_object(call->request.body);
                    auto id = body ? json::optional_string(*body, "charger_id") : std::nullopt;
                    if (!id || id->empty() || id->size() > 64 || id->find('/') != std::string::npos) {
                        throw ApiError(400, "bad_request", "charger_id must have 1 to 64 characters and no '/'");
                    }
                    auto registration = registration_from_body(*body, false);
                    auto verdict = std::make_shared<Verdict>(Verdict::stored);
                    ctx.writer.submit(
                        [id = *id, registration, verdict](store::Database& db) {
                            if (store::find_registration(db, id)) {
                                *verdict = Verdict::exists;
                                return;
                            }
                            store::set_registration(db, id, registration);
                        },
                        [id = *id, registration, verdict, finish](bool ok) {
                            if (!ok) {
                                finish(ApiReply{json_error(500, "internal", "the charger could not be stored"),
                                                AuditNote{id}});
                            } else if (*verdict == Verdict::exists) {
                                finish(ApiReply{json_error(409, "conflict", "charger '" + id + "' exists already"),
                                                AuditNote{id}});
                            } else {
                                rapidjson::StringBuffer buffer;
                                JsonWriter w(buffer);
                                write_registration(w, id, registration);
                                finish(ApiReply{json_ok(buffer, 201), AuditNote{id}});
                            }
                        });
                }});
    // PATCH /api/v1/chargers/{id} {"registration", "region", "rated_power_w", "rated_current_a"}: any of
    // them; null erases a fact. The facts are what relative, degraded and
    // region-scoped rules compare against.
    router.add({"PATCH", "/api/v1/chargers/{charger_id}", "chargers.change", Permission::chargers_write,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto body = parse_object(call->request.body);
                    if (!body) {
                        throw ApiError(400, "bad_request",
                                       "the body must be a JSON object with registration, region, rated_power_w "
                                       "or rated_current_a");
                    }
                    auto change = charger_change_from_body(*body);
                    const auto& id = call->param("charger_id");
                    auto job = std::make_shared<ChangeJob>();
                    ctx.writer.submit(
                        [id, change, job](store::Database& db) {
                            if (!store::find_registration(db, id)) {
                                return;
                            }
                            if (change.registration) {
                                store::set_registration(db, id, *change.registration);
                            }
                            store::update_charger_facts(db, id, change.facts);
                            job->charger = store::find_charger_facts(db, id);
                        },
                        [id, job, finish](bool ok) {
                            if (!ok || !job->charger) {
                                finish(ApiReply{ok ? json_error(404, "not_found", "no charger '" + id + "'")
                                                   : json_error(500, "internal", "the charger could not be stored"),
                                                AuditNote{id}});
                                return;
                            }
                            rapidjson::StringBuffer buffer;
                            JsonWriter w(buffer);
                            write_charger_facts(w, id, *job->charger);
                            finish(ApiReply{json_ok(buffer), AuditNote{id}});
                        });
                }});
    // PUT /api/v1/chargers/{id}/security {"profile": 0..3, "authorization_key": "..."}
    // The key is hashed here, on the admin thread, never stored or logged in
    // clear. Setting it on the charger itself is a ChangeConfiguration of
    // AuthorizationKey, a separate command.
    router.add(
        {"PUT", "/api/v1/chargers/{charger_id}/security", "chargers.security", Permission::chargers_security,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto body = parse_object(call->request.body);
             if (!body || !body->HasMember("profile") || !(*body)["profile"].IsInt() ||
                 (*body)["profile"].GetInt() < 0 || (*body)["profile"].GetInt() > 3) {
                 throw ApiError(400, "bad_request", "profile must be 0, 1, 2 or 3");
             }
             int profile = (*body)["profile"].GetInt();
             std::optional<std::string> key_hash;
             if (auto key = json::optional_string(*body, "authorization_key")) {
                 if (!valid_authorization_key(*key)) {
                     throw ApiError(400, "bad_request",
                                    "authorization_key must have 16 to 40 printable ASCII characters");
                 }
                 key_hash = base::hash_secret(*key);
             } else if (body->HasMember("authorization_key")) {
                 throw ApiError(400, "bad_request", "authorization_key must be a string");
             }
             const auto& id = call->param("charger_id");
             auto at = ctx.clock.now_utc();
             auto verdict = std::make_shared<Verdict>(Verdict::stored);
             ctx.writer.submit(
                 [id, profile, key_hash, at, verdict](store::Database& db) {
                     if (!store::find_registration(db, id)) {
                         *verdict = Verdict::missing;
                         return;
                     }
                     store::set_security_profile(db, id, profile, at);
                     if (key_hash) {
                         store::set_authorization_key_hash(db, id, *key_hash, at);
                     }
                 },
                 [id, profile, has_key = key_hash.has_value(), verdict, finish](bool ok) {
                     if (!ok || *verdict == Verdict::missing) {
                         finish(ApiReply{ok ? json_error(404, "not_found", "no charger '" + id + "'; register it first")
                                            : json_error(500, "internal", "the credentials could not be stored"),
                                         AuditNote{id}});
                         return;
                     }
                     rapidjson::StringBuffer buffer;
                     JsonWriter w(buffer);
                     w.StartObject();
                     write_string(w, "charger_id", id);
                     write_int(w, "security_profile", profile);
                     write_bool(w, "authorization_key_changed", has_key);
                     w.EndObject();
                     finish(ApiReply{json_ok(buffer), AuditNote{id}});
                 });
         }});
}

} // namespace csms::admin
