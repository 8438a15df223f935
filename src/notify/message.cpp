#include "notify/message.hpp"

#include "base/concat.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <sstream>

namespace csms::notify {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::optional<std::string>& value)
{
    w.Key(key);
    if (value) {
        w.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
    } else {
        w.Null();
    }
}

void put(Writer& w, const char* key, const std::string& value)
{
    put(w, key, std::optional<std::string>(value));
}

// Charger-supplied text never breaks a line of a header or an SMS.
std::string one_line(std::string text)
{
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\t'; }, ' ');
    return text;
}

// "CP1/2", "CP1", or "the system" for an alert about the whole CSMS.
std::string where(const store::AlertView& a)
{
    if (!a.charger_id) {
        return "the system";
    }
    return a.connector_id ? base::concat(*a.charger_id, "/", std::to_string(*a.connector_id)) : *a.charger_id;
}

std::string what(const store::AlertView& a)
{
    return a.rule ? *a.rule : a.kind;
}

} // namespace

std::string webhook_body(const store::AlertEvent& event, std::int64_t delivery_id)
{
    const auto& a = event.alert;
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("delivery_id");
    w.Int64(delivery_id);
    w.Key("alert_id");
    w.Int64(a.id);
    put(w, "event", event.event);
    put(w, "event_at", event.at);
    put(w, "route", event.route);
    put(w, "rule", a.rule);
    put(w, "kind", a.kind);
    put(w, "severity", a.severity);
    put(w, "charger_id", a.charger_id);
    w.Key("connector_id");
    if (a.connector_id) {
        w.Int64(*a.connector_id);
    } else {
        w.Null();
    }
    put(w, "message", a.message);
    put(w, "state", a.state);
    put(w, "raised_at", a.raised_at);
    put(w, "acknowledged_by", a.acknowledged_by);
    put(w, "ack_note", a.ack_note);
    put(w, "cleared_at", a.cleared_at);
    w.EndObject();
    return buffer.GetString();
}

std::string short_text(const store::AlertEvent& event)
{
    const auto& a = event.alert;
    auto text = one_line("CSMS " + a.severity + " " + event.event + ": " + what(a) + " " + where(a) + " " + a.message);
    if (text.size() > 160) {
        text.resize(157);
        text += "...";
    }
    return text;
}

std::string email_subject(const store::AlertEvent& event)
{
    const auto& a = event.alert;
    return one_line("[CSMS " + a.severity + "] " + event.event + ": " + what(a) + " at " + where(a));
}

std::string email_body(const store::AlertEvent& event)
{
    const auto& a = event.alert;
    std::ostringstream out;
    out << "Alert " << a.id << " " << event.event << " at " << event.at << ".\n\n";
    out << "Severity:   " << a.severity << "\n";
    out << "Where:      " << where(a) << "\n";
    out << "Rule:       " << a.rule.value_or("-") << "\n";
    out << "Kind:       " << a.kind << "\n";
    out << "Message:    " << one_line(a.message) << "\n";
    out << "State:      " << a.state << "\n";
    out << "Raised at:  " << a.raised_at << "\n";
    if (a.acknowledged_by) {
        out << "Acknowledged by " << *a.acknowledged_by << (a.ack_note ? ": " + one_line(*a.ack_note) : "") << "\n";
    }
    if (a.cleared_at) {
        out << "Cleared at: " << *a.cleared_at << "\n";
    }
    if (event.route) {
        out << "\nEscalated by route " << *event.route << ": nobody has acknowledged it yet.\n";
    }
    out << "\ncsmsctl alerts show " << a.id << "\n";
    return out.str();
}

} // namespace csms::notify
