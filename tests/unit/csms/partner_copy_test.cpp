// Copies of a charger's CALLs for integration partners (csms::PartnerCopy),
// with a stand-in for the partners' outbox: each copy carries the payload of
// the CALL it was taken from, even after a handler failed half-way.
#include "charger_harness.hpp"

#include "csms/json.hpp"

#include <mutex>
#include <stdexcept>

using csms::AuthorizeDelegate;
using csms::IdTagInfo;
using csms::PartnerCopy;
using csms::test::ChargerHarness;

namespace {

// Takes StartTransaction from every charger and remembers each copy as
// "action payload".
class RecordingPartners final : public PartnerCopy {
public:
    bool wants(std::string_view, std::string_view action) const override { return action == "StartTransaction"; }
    bool copy(csms::store::Database&, const std::string&, const std::string& action, const Call& call) override
    {
        std::lock_guard lock(mutex_);
        copies_.push_back(action + " " + call.payload);
        return true;
    }
    void committed(const std::string&) override {}

    std::vector<std::string> copies() const
    {
        std::lock_guard lock(mutex_);
        return copies_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> copies_;
};

// A partner link that fails while the StartTransaction handler consults it.
class FailingDelegate final : public AuthorizeDelegate {
public:
    bool may_answer(std::string_view) const override { throw std::runtime_error("partners file is unreadable"); }
    std::string partner_for(csms::store::Database&, const std::string&, const std::string&) override { return ""; }
    void ask(const std::string&, const std::string&, const std::string&, std::function<void(Decision)>) override {}
    std::optional<IdTagInfo> earlier_decision(csms::store::Database&, const std::string&, const std::string&,
                                              csms::base::SysTime) override
    {
        return std::nullopt;
    }
};

} // namespace

TEST_CASE("Partner copy: after a handler fails, the next CALL is not copied under the failed one's payload",
          "[csms][partners]")
{
    ChargerHarness charger;
    RecordingPartners partners;
    FailingDelegate delegate;
    charger.set_partner_copy(&partners);
    charger.set_authorize_delegate(&delegate);
    charger.boot();

    CHECK(charger.error_code("StartTransaction", R"({"connectorId":1,"idTag":"TAG-1","meterStart":0,)"
                                                 R"("timestamp":"2026-01-01T00:00:00Z"})") == "InternalError");
    const std::string status = R"({"connectorId":1,"errorCode":"NoError","status":"Available"})";
    charger.result("StatusNotification", status);
    charger.flush();

    // Partners take no StatusNotification, and the failed StartTransaction
    // was never stored: nothing may reach them.
    CHECK(partners.copies().empty());

    // The next StartTransaction the delegate lets through is copied as sent.
    charger.set_authorize_delegate(nullptr);
    const std::string start = R"({"connectorId":1,"idTag":"TAG-1","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"})";
    charger.result("StartTransaction", start);
    charger.flush();
    CHECK(partners.copies() == std::vector<std::string>{"StartTransaction " + start});
}
