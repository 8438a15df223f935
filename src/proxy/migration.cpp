#include "proxy/migration.hpp"

#include "proxy/relay_policy.hpp"
#include "store/proxy_store.hpp"

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

std::int64_t charger_transaction_id(store::Database& db, const PartnerSet& partners, const std::string& charger_id,
                                    std::int64_t ours)
{
    const Partner* primary = primary_of(partners, charger_id);
    return primary != nullptr ? store::partner_transaction_id(db, primary->name, ours).value_or(ours) : ours;
}

std::shared_ptr<const Migration::Index> Migration::index_of(const PartnerSet& partners)
{
    auto index = std::make_shared<Index>();
    for (const auto& partner : partners.partners) {
        if (partner.primary) {
            for (const auto& charger : partner.chargers) {
                index->emplace(charger, partner.name); // the file refuses a charger with two primaries
            }
        }
    }
    return index;
}

Migration::Migration(const PartnerSet& partners, Relayer relayer)
    : primary_of_(index_of(partners)), relayer_(std::move(relayer))
{
}

void Migration::reload(const PartnerSet& partners)
{
    primary_of_.replace(index_of(partners));
}

bool Migration::relays(std::string_view charger_id, std::string_view action) const
{
    const auto& index = primary_of_.current();
    return action != "SignCertificate" && index.find(charger_id) != index.end();
}

void Migration::relay(const std::string& charger_id, const std::string& action, std::string payload,
                      std::function<void(Outcome)> done)
{
    const auto& index = primary_of_.current();
    auto it = index.find(charger_id);
    if (it == index.end()) { // a reload took it away since relays() said yes
        auto answer = std::make_shared<const ocpp::ReplacementAnswer>(ocpp::ReplacementAnswer{
            std::nullopt, ocpp::ErrorCode::GenericError, "the charger has no primary backend any more; send it again"});
        done(Outcome{"", std::move(answer), std::move(payload)});
        return;
    }
    const auto primary = it->second;
    relayer_(primary, charger_id, action, std::move(payload), [primary, done = std::move(done)](RelayResult result) {
        auto answer = std::make_shared<const ocpp::ReplacementAnswer>(answer_for_charger(primary, result));
        done(Outcome{primary, std::move(answer), std::move(result.payload)});
    });
}

} // namespace csms::proxy
