// The partner's own calls on a link: its policy and rate decide, the
// charger answers through CommandService, every refusal is audited, and
// what reached the charger joins the command history.
#include "proxy/uplink_link.hpp"

#include "csms/json.hpp"
#include "ocpp/frame.hpp"
#include "proxy/migration.hpp"

#include "csms/command_effects.hpp"
#include "csms/command_redaction.hpp"
#include "store/proxy_store.hpp"

namespace csms::proxy {
namespace {

// A ChangeConfiguration payload whose key is AuthorizationKey (OCPP compares
// keys as CiString, so case is ignored).
bool sets_authorization_key(const std::string& payload)
{
    rapidjson::Document doc;
    doc.Parse(payload.data(), payload.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return false;
    }
    auto key = doc.FindMember("key");
    if (key == doc.MemberEnd() || !key->value.IsString()) {
        return false;
    }
    constexpr std::string_view wanted = "AuthorizationKey";
    std::string_view text(key->value.GetString(), key->value.GetStringLength());
    return text.size() == wanted.size() &&
           std::equal(text.begin(), text.end(), wanted.begin(), [](char a, char b) { return same_letter(a, b); });
}

} // namespace

void Uplinks::Impl::Link::refuse(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame, ocpp::ErrorCode code,
                                 const std::string& reason)
{
    conn->enqueue(ocpp::serialize_call_error(frame.unique_id, code, reason));
    count_partner_call(false);
    auto partner_name = partner.name;
    auto charger = charger_id;
    auto action = frame.action;
    auto now = impl.clock.now_utc();
    impl.writer.submit(
        [partner_name, charger, action, reason, now](store::Database& w) {
            store::record_refusal(w, partner_name, charger, action, reason, now);
        },
        [](bool) {});
}

void Uplinks::Impl::Link::on_partner_call(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame)
{
    // A reload may have taken this charger from a partner that chooses by
    // region while its link went on.
    const Partner* now = impl.partner_named(partner.name);
    if (now == nullptr ||
        !covers(*now, charger_id, needs_region(*now) ? store::charger_region(*impl.db, charger_id) : std::nullopt)) {
        refuse(conn, frame, ocpp::ErrorCode::SecurityError,
               charger_id + " is not a charger of partner " + partner.name);
        return;
    }
    if (!accepts(partner, frame.action)) {
        refuse(conn, frame, ocpp::ErrorCode::SecurityError,
               frame.action + " is not allowed for partner " + partner.name);
        return;
    }
    if (frame.action == "ChangeConfiguration" && sets_authorization_key(frame.payload)) {
        // It is the charger's password for csmsd: a partner setting it would
        // lock the charger out of csmsd, as certificates would.
        refuse(conn, frame, ocpp::ErrorCode::SecurityError,
               "AuthorizationKey is set by csmsd only, never by partner " + partner.name);
        return;
    }
    if (!rate.allow(charger_id, std::chrono::steady_clock::now())) {
        refuse(conn, frame, ocpp::ErrorCode::OccurenceConstraintViolation,
               "rate limit: at most " + std::to_string(partner.rate_per_minute) + " calls per minute for partner " +
                   partner.name);
        return;
    }
    std::string payload = frame.payload;
    // A primary backend's ids are the ones the charger knows (it gave them).
    if (frame.action == "RemoteStopTransaction" && !partner.primary) {
        auto theirs = transaction_id_in(payload);
        auto ours = theirs ? store::our_transaction_id(*impl.db, partner.name, charger_id, *theirs) : std::nullopt;
        if (auto committing = theirs ? committing_ids.find(*theirs) : committing_ids.end();
            !ours && committing != committing_ids.end()) {
            ours = committing->second;
        }
        if (!ours) {
            refuse(conn, frame, ocpp::ErrorCode::PropertyConstraintViolation,
                   "transactionId " + (theirs ? std::to_string(*theirs) : std::string("(missing)")) +
                       " is not a transaction of " + charger_id + " known to partner " + partner.name);
            return;
        }
        payload =
            with_transaction_id(payload, charger_transaction_id(*impl.db, impl.partners.current(), charger_id, *ours));
    }
    rapidjson::Document doc;
    doc.Parse(payload.data(), payload.size());
    // What the history keeps of it: secrets redacted, the partner as author.
    auto record = std::make_shared<store::CommandRecord>();
    record->charger_id = charger_id;
    record->action = frame.action;
    rapidjson::Document stored; // what the partner sent, with its own ids
    stored.Parse(frame.payload.data(), frame.payload.size());
    redact_command_request(frame.action, stored, stored.GetAllocator());
    record->request = json::text(stored);
    record->operator_name = "partner:" + partner.name;
    record->requested_at = impl.clock.now_utc();
    auto self = shared_from_this();
    auto owner = impl.shared_from_this();
    impl.commands.send(charger_id, frame.action, std::move(doc),
                       [self, owner, conn, frame, record](ocpp::CallOutcome outcome) {
                           // On the charger's strand: the answer goes out from the uplinks' thread.
                           auto shared = std::make_shared<ocpp::CallOutcome>(std::move(outcome));
                           asio::post(owner->io, [self, conn, frame, shared, record] {
                               self->record_command(*record, *shared);
                               self->answer_partner(conn, frame, *shared);
                           });
                       });
}

// A partner's call that reached the charger joins the command history, and
// what it changed (a reservation, a charging profile, ...) is tracked as
// for an operator's, so csmsd's view of the charger stays true. Calls that
// never reached it are refusals (proxy_refusals) instead.
void Uplinks::Impl::Link::record_command(store::CommandRecord record, const ocpp::CallOutcome& outcome)
{
    using Kind = ocpp::CallOutcome::Kind;
    switch (outcome.kind) {
    case Kind::result:
        record.outcome = store::CommandOutcome::result;
        break;
    case Kind::call_error:
        record.outcome = store::CommandOutcome::call_error;
        break;
    case Kind::timeout:
        record.outcome = store::CommandOutcome::timeout;
        break;
    case Kind::invalid_response:
        record.outcome = store::CommandOutcome::invalid_response;
        break;
    case Kind::closed:
    case Kind::invalid_request:
    case Kind::queue_full:
        return;
    }
    record.finished_at = impl.clock.now_utc();
    auto response = std::make_shared<rapidjson::Document>();
    if (outcome.kind == Kind::result && outcome.payload.IsObject()) {
        response->CopyFrom(outcome.payload, response->GetAllocator());
        redact_command_response(record.action, *response, response->GetAllocator());
        record.response = json::text(*response);
        if (auto status = response->FindMember("status"); status != response->MemberEnd() && status->value.IsString()) {
            record.status = status->value.GetString();
        }
    } else if (outcome.kind == Kind::call_error) {
        record.status = "CALLERROR " + outcome.error_code;
    }
    impl.writer.submit(
        [record, response](store::Database& w) {
            record_command_and_effects(w, record, response->IsObject() ? response.get() : nullptr);
        },
        [](bool) {});
}

void Uplinks::Impl::Link::answer_partner(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame,
                                         const ocpp::CallOutcome& outcome)
{
    using Kind = ocpp::CallOutcome::Kind;
    switch (outcome.kind) {
    case Kind::result: {
        const rapidjson::Value empty(rapidjson::kObjectType);
        conn->enqueue(
            ocpp::serialize_call_result(frame.unique_id, outcome.payload.IsObject() ? outcome.payload : empty));
        count_partner_call(true);
        return;
    }
    case Kind::call_error:
        // The charger's own code, as it spelt it.
        conn->enqueue(ocpp::serialize_call_error(frame.unique_id, outcome.error_code, outcome.error_description));
        count_partner_call(true);
        return;
    case Kind::closed:
        refuse(conn, frame, ocpp::ErrorCode::GenericError, "charger " + charger_id + " is not connected");
        return;
    case Kind::timeout:
        refuse(conn, frame, ocpp::ErrorCode::GenericError, "charger " + charger_id + " did not answer in time");
        return;
    case Kind::invalid_request:
        refuse(conn, frame, ocpp::ErrorCode::FormationViolation,
               "not a valid " + frame.action + ": " + outcome.error_description);
        return;
    case Kind::invalid_response:
        refuse(conn, frame, ocpp::ErrorCode::InternalError, "charger " + charger_id + " gave an invalid answer");
        return;
    case Kind::queue_full:
        refuse(conn, frame, ocpp::ErrorCode::GenericError, "charger " + charger_id + " has too many calls waiting");
        return;
    }
}

} // namespace csms::proxy
