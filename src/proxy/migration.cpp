#include "proxy/migration.hpp"

#include <algorithm>

namespace csms::proxy {

ocpp::ReplacementAnswer answer_for_charger(const std::string& primary, const RelayResult& result)
{
    ocpp::ReplacementAnswer out;
    if (!result.answer) {
        out.error_code = ocpp::ErrorCode::GenericError;
        out.error_description = "the primary backend '" + primary + "' did not answer: " + result.failure;
    } else if (result.answer->kind == 3) {
        out.result = result.answer->payload;
    } else {
        out.error_code = ocpp::error_code_from(result.answer->error_code).value_or(ocpp::ErrorCode::GenericError);
        out.error_description = result.answer->description;
    }
    return out;
}

Migration::Migration(const PartnerSet& partners, Relayer relayer) : relayer_(std::move(relayer))
{
    for (const auto& partner : partners.partners) {
        if (partner.primary) {
            for (const auto& charger : partner.chargers) {
                primary_of_.emplace(charger, partner.name); // the file refuses a charger with two primaries
            }
        }
    }
}

bool Migration::wanted(const PartnerSet& partners)
{
    return std::any_of(partners.partners.begin(), partners.partners.end(),
                       [](const Partner& partner) { return partner.primary; });
}

bool Migration::relays(std::string_view charger_id, std::string_view action) const
{
    return action != "SignCertificate" && primary_of_.find(charger_id) != primary_of_.end();
}

void Migration::relay(const std::string& charger_id, const std::string& action, std::string payload,
                      std::function<void(Outcome)> done)
{
    const auto& primary = primary_of_.at(charger_id);
    relayer_(primary, charger_id, action, std::move(payload), [primary, done = std::move(done)](RelayResult result) {
        auto answer = std::make_shared<const ocpp::ReplacementAnswer>(answer_for_charger(primary, result));
        done(Outcome{primary, std::move(answer), std::move(result.payload)});
    });
}

} // namespace csms::proxy
