// What a partner link carried, one series per link like its
// csms_partner_link_up: the charger's messages the partner acknowledged,
// and the partner's own calls to the charger, answered by the charger or
// refused by csmsd (its policy, its rate, a charger that is not connected or
// does not answer). A retired link's series go with it; a link that takes
// its place starts them again from 0.
#include "proxy/uplink_link.hpp"

namespace csms::proxy {
namespace {

constexpr const char* forwarded_metric = "csms_partner_messages_forwarded_total";
constexpr const char* calls_metric = "csms_partner_calls_total";

base::Labels link_labels(const std::string& partner, const std::string& charger_id)
{
    return {{"partner", partner}, {"charger", charger_id}};
}

base::Labels call_labels(const std::string& partner, const std::string& charger_id, const char* result)
{
    return {{"partner", partner}, {"charger", charger_id}, {"result", result}};
}

} // namespace

void Uplinks::Impl::Link::start_counters()
{
    forwarded = &impl.metrics.counter(forwarded_metric, "Charger messages a partner acknowledged on its link",
                                      link_labels(partner.name, charger_id));
    const std::string help = "A partner's calls to a charger: answered by the charger, or refused by csmsd";
    calls_answered = &impl.metrics.counter(calls_metric, help, call_labels(partner.name, charger_id, "answered"));
    calls_refused = &impl.metrics.counter(calls_metric, help, call_labels(partner.name, charger_id, "refused"));
}

void Uplinks::Impl::Link::forget_counters()
{
    impl.metrics.remove_counter(forwarded_metric, link_labels(partner.name, charger_id));
    impl.metrics.remove_counter(calls_metric, call_labels(partner.name, charger_id, "answered"));
    impl.metrics.remove_counter(calls_metric, call_labels(partner.name, charger_id, "refused"));
    forwarded = calls_answered = calls_refused = nullptr;
}

void Uplinks::Impl::Link::count_forwarded()
{
    if (forwarded != nullptr) {
        forwarded->inc();
    }
}

void Uplinks::Impl::Link::count_partner_call(bool answered)
{
    if (auto* counter = answered ? calls_answered : calls_refused) {
        counter->inc();
    }
}

} // namespace csms::proxy
