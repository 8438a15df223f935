// GET /api/v1/partners: every integration partner with its policy and each
// link's state (connecting, connected, waiting), queue depth, counts and
// last error. GET /api/v1/partners/{name}: one partner, with its latest
// refused calls. Links come from the running uplinks and from the store, so
// a link that has not connected since the start still shows its queue.
// POST /api/v1/partners/reload: the partners file again, all or nothing.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/time_format.hpp"
#include "store/proxy_store.hpp"

#include <map>

namespace csms::admin {
namespace {

constexpr int refusals_shown = 20;
constexpr int decisions_shown = 20;

struct Link {
    std::string state = "idle"; // no uplink started for it in this run
    std::string live_error;
    store::LinkCounts counts;
};

std::map<std::string, Link> links_of(ApiContext& ctx, const std::string& partner,
                                     const std::vector<store::LinkCounts>& counts)
{
    std::map<std::string, Link> links;
    for (const auto& c : counts) {
        if (c.partner == partner) {
            links[c.charger_id].counts = c;
        }
    }
    for (const auto& live : ctx.partner_links()) {
        if (live.partner == partner) {
            auto& link = links[live.charger_id];
            link.state = live.state;
            link.live_error = live.last_error;
        }
    }
    return links;
}

// True when it named id tags (its Authorize decisions): personal data.
bool write_partner(JsonWriter& w, ApiContext& ctx, const proxy::Partner& p,
                   const std::vector<store::LinkCounts>& counts, bool with_refusals)
{
    bool named_tags = false;
    w.StartObject();
    write_string(w, "name", p.name);
    write_string(w, "url", p.url);
    w.Key("primary");
    w.Bool(p.primary);
    write_strings(w, "chargers", p.chargers);
    write_strings(w, "regions", p.regions);
    if (p.forward_all) {
        write_string(w, "forward", "all");
    } else {
        write_strings(w, "forward", p.forward);
    }
    write_strings(w, "accept", p.accept);
    write_int(w, "rate_per_minute", p.rate_per_minute);
    write_int(w, "buffer_limit", p.buffer_limit);
    write_strings(w, "authorize_tags", p.authorize_tags);
    write_int(w, "authorize_timeout_ms", static_cast<std::int64_t>(p.authorize_timeout.count()));
    write_string(w, "authorize_fallback", p.authorize_fallback);
    write_int(w, "alert_after_ms", static_cast<std::int64_t>(p.alert_after.count())); // 0: never
    std::int64_t queued = 0, forwarded = 0, refused = 0, dropped = 0;
    w.Key("links");
    w.StartArray();
    for (const auto& [charger, link] : links_of(ctx, p.name, counts)) {
        w.StartObject();
        write_string(w, "charger_id", charger);
        write_string(w, "state", link.state);
        write_int(w, "queued", link.counts.queued);
        write_int(w, "forwarded", link.counts.forwarded);
        write_int(w, "refused", link.counts.refused);
        write_int(w, "dropped", link.counts.dropped);
        // The stored error outlives restarts; the live one is newer when set.
        write_string(w, "last_error",
                     link.live_error.empty() ? link.counts.last_error : std::optional<std::string>(link.live_error));
        write_string(w, "last_error_at",
                     link.counts.last_error_at
                         ? std::optional<std::string>(base::format_date_time(*link.counts.last_error_at))
                         : std::nullopt);
        w.EndObject();
        queued += link.counts.queued;
        forwarded += link.counts.forwarded;
        refused += link.counts.refused;
        dropped += link.counts.dropped;
    }
    w.EndArray();
    write_int(w, "queued", queued);
    write_int(w, "forwarded", forwarded);
    write_int(w, "refused", refused);
    write_int(w, "dropped", dropped);
    if (with_refusals) {
        w.Key("refusals");
        w.StartArray();
        for (const auto& r : store::recent_refusals(ctx.reader, p.name, refusals_shown)) {
            w.StartObject();
            write_int(w, "id", r.id);
            write_string(w, "charger_id", r.charger_id);
            write_string(w, "action", r.action);
            write_string(w, "reason", r.reason);
            write_string(w, "at", base::format_date_time(r.at));
            w.EndObject();
        }
        w.EndArray();
        // Id tags are shown to operators as in the other admin views; only
        // logs redact them.
        w.Key("authorizations");
        w.StartArray();
        for (const auto& d : store::recent_partner_decisions(ctx.reader, p.name, decisions_shown)) {
            named_tags = true;
            w.StartObject();
            write_int(w, "id", d.id);
            write_string(w, "charger_id", d.charger_id);
            write_string(w, "id_tag", d.id_tag);
            write_string(w, "status", d.status);
            write_string(w, "expiry",
                         d.expiry ? std::optional<std::string>(base::format_date_time(*d.expiry)) : std::nullopt);
            write_string(w, "source", d.from_partner ? "partner" : "fallback");
            write_string(w, "reason", d.reason.empty() ? std::nullopt : std::optional<std::string>(d.reason));
            write_string(w, "at", base::format_date_time(d.decided_at));
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
    return named_tags;
}

const proxy::PartnerSet& partners_of(const ApiContext& ctx)
{
    static const proxy::PartnerSet none;
    return ctx.partners ? ctx.partners->current() : none;
}

HttpResponse partners_response(ApiContext& ctx)
{
    auto counts = store::link_counts(ctx.reader);
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("partners");
    w.StartArray();
    for (const auto& p : partners_of(ctx).partners) {
        write_partner(w, ctx, p, counts, false);
    }
    w.EndArray();
    w.EndObject();
    return json_ok(buffer);
}

} // namespace

void add_partner_routes(Router& router, ApiContext& ctx)
{
    router.add({"GET", "/api/v1/partners", "partners.list", Permission::chargers_read,
                [&ctx](std::shared_ptr<const ApiCall>, Finish finish) {
                    finish(ApiReply{partners_response(ctx), AuditNote{}});
                }});

    // Parsed on the admin thread, like the rules and tariffs files. Links of
    // partners that went or changed close, new ones start, the others go on.
    router.add({"POST", "/api/v1/partners/reload", "partners.reload", Permission::partners_manage,
                [&ctx](std::shared_ptr<const ApiCall>, Finish finish) {
                    if (!ctx.reload_partners) {
                        finish(ApiReply{json_error(409, "no_partners_file",
                                                   "csmsd runs without a partners file: set [proxy] partners and "
                                                   "restart it once"),
                                        AuditNote{}});
                        return;
                    }
                    try {
                        ctx.reload_partners();
                    } catch (const std::exception& e) {
                        finish(ApiReply{json_error(422, "invalid_partners",
                                                   std::string(e.what()) + " (the partners in force are unchanged)"),
                                        AuditNote{}});
                        return;
                    }
                    finish(ApiReply{partners_response(ctx), AuditNote{}});
                }});

    router.add({"GET", "/api/v1/partners/{name}", "partners.get", Permission::chargers_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    const auto& name = call->param("name");
                    for (const auto& p : partners_of(ctx).partners) {
                        if (p.name == name) {
                            auto counts = store::link_counts(ctx.reader);
                            rapidjson::StringBuffer buffer;
                            JsonWriter w(buffer);
                            bool personal = write_partner(w, ctx, p, counts, true);
                            finish(ApiReply{json_ok(buffer), AuditNote{"partner:" + name, "ok", personal}});
                            return;
                        }
                    }
                    finish(ApiReply{json_error(404, "not_found", "no partner " + name), AuditNote{}});
                }});
}

} // namespace csms::admin
