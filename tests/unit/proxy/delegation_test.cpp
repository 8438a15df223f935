// Which partner answers an Authorize (its prefixes, on a charger it covers
// by id or region), the Authorize copy it does not get twice, and the
// recorded decision a StartTransaction reuses (the same charger, the tag
// with case ignored, within the window, Expired once past its expiry).
#include "proxy/delegation.hpp"
#include "proxy/outbox.hpp"
#include "support/temp_dir.hpp"

#include "store/migrations.hpp"
#include "store/proxy_store.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::proxy;
using csms::test::TempDir;

namespace {

struct Fixture {
    TempDir dir;
    store::Database db{dir.file("csms.db")};
    base::ManualClock clock;
    std::shared_ptr<PartnerSet> set = std::make_shared<PartnerSet>();
    Partners partners{set}; // the same set: a test may change it in place

    Fixture()
    {
        store::migrate(db);
        db.exec("INSERT INTO chargers (charger_id, registration, region) VALUES "
                "('CP-SZ', 'Accepted', 'Guangdong/Shenzhen/Nanshan'), ('CP-GZ', 'Accepted', 'Guangdong/Guangzhou')");
        Partner fleet;
        fleet.name = "fleet";
        fleet.chargers = {"CP-1"};
        fleet.regions = {"Guangdong/Shenzhen"};
        fleet.forward_all = true;
        fleet.authorize_tags = {"FLEET-"};
        Partner billing;
        billing.name = "billing";
        billing.chargers = {"CP-1"};
        billing.forward_all = true;
        set->partners = {fleet, billing};
    }

    store::PartnerDecision decision(std::string tag, std::string status, base::SysTime at)
    {
        store::PartnerDecision d;
        d.partner = "fleet";
        d.charger_id = "CP-1";
        d.id_tag = std::move(tag);
        d.status = std::move(status);
        d.from_partner = true;
        d.decided_at = at;
        return d;
    }
};

} // namespace

TEST_CASE("A partner answers Authorize for its tags only on the chargers it covers")
{
    Fixture f;
    Delegation delegation(f.partners, {});
    CHECK(delegation.may_answer("fleet-7"));
    CHECK_FALSE(delegation.may_answer("TAG-7"));
    CHECK(delegation.partner_for(f.db, "CP-1", "fleet-7") == "fleet");
    CHECK(delegation.partner_for(f.db, "CP-SZ", "FLEET-7") == "fleet"); // by region
    CHECK(delegation.partner_for(f.db, "CP-GZ", "FLEET-7").empty());    // not its charger
    CHECK(delegation.partner_for(f.db, "CP-1", "TAG-7").empty());       // not its customer
    f.set->partners[0].authorize_tags.clear();
    CHECK_FALSE(delegation.may_answer("fleet-7"));
}

TEST_CASE("An Authorize is not copied to the partner that answers it but is to the others")
{
    Fixture f;
    Outbox outbox(f.partners, f.clock, {});
    CHECK(outbox.copy(f.db, "CP-1", "Authorize", {R"({"idTag":"FLEET-7"})", std::nullopt}));
    CHECK(store::outbox_depth(f.db, "fleet", "CP-1") == 0);
    CHECK(store::outbox_depth(f.db, "billing", "CP-1") == 1);
    CHECK(outbox.copy(f.db, "CP-1", "Authorize", {R"({"idTag":"TAG-7"})", std::nullopt}));
    CHECK(store::outbox_depth(f.db, "fleet", "CP-1") == 1);
}

TEST_CASE("A StartTransaction reuses a partner's recent decision for the tag on the same charger")
{
    Fixture f;
    Delegation delegation(f.partners, {});
    const auto now = f.clock.now_utc();
    store::record_partner_decision(f.db, f.decision("FLEET-1", "Blocked", now - std::chrono::minutes(30)));
    store::record_partner_decision(f.db, f.decision("FLEET-1", "Accepted", now - std::chrono::minutes(1)));
    auto expired = f.decision("FLEET-2", "Accepted", now - std::chrono::minutes(1));
    expired.expiry = now - std::chrono::seconds(1);
    store::record_partner_decision(f.db, expired);
    store::record_partner_decision(f.db, f.decision("FLEET-3", "Accepted", now - std::chrono::minutes(11)));

    auto info = delegation.earlier_decision(f.db, "CP-1", "fleet-1", now);
    REQUIRE(info);
    CHECK(info->status == "Accepted");                                      // the newest
    CHECK_FALSE(delegation.earlier_decision(f.db, "CP-2", "FLEET-1", now)); // another charger
    CHECK(delegation.earlier_decision(f.db, "CP-1", "FLEET-2", now)->status == "Expired");
    CHECK_FALSE(delegation.earlier_decision(f.db, "CP-1", "FLEET-3", now)); // too long ago

    auto shown = store::recent_partner_decisions(f.db, "fleet", 2);
    REQUIRE(shown.size() == 2);
    CHECK(shown[0].id_tag == "FLEET-3");
    CHECK(shown[0].from_partner);
}
