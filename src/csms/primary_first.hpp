#pragma once
// Migration mode, wrapped around a charger's session: a charger whose primary
// backend is still a remote CSMS has each CALL the primary takes relayed
// there first (PrimaryRelay, src/proxy). Its answer comes back on another
// thread; the CALL is then handled by the session as any other, with the
// primary's answer at hand for the handlers that follow its decisions, and
// the charger gets the primary's answer once csmsd's rows are durable too.
// Without a primary relay the session is the endpoint's dispatcher itself
// and none of this is on the path.
#include "csms/charger_session.hpp"
#include "csms/primary_relay.hpp"

#include <memory>

namespace csms {

class PrimaryFirst final : public ocpp::CallDispatcher {
public:
    PrimaryFirst(std::shared_ptr<ChargerSession> session, PrimaryRelay& relay);

    bool handles(std::string_view action) const override;
    void dispatch(const ocpp::IncomingCall& call, const rapidjson::Value& payload) override;
    void on_closed() override;

private:
    std::shared_ptr<ChargerSession> session_;
    PrimaryRelay& relay_;
};

} // namespace csms
