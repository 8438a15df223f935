#include "proxy/outbox.hpp"
#include "support/temp_dir.hpp"

#include "base/time_format.hpp"
#include "store/migrations.hpp"
#include "store/proxy_store.hpp"
#include "store/transaction_store.hpp"

#include <catch2/catch.hpp>

#include <deque>

#include <memory>

using namespace csms;
using namespace csms::proxy;
using csms::test::TempDir;

namespace {

struct Fixture {
    TempDir dir;
    store::Database db{dir.file("csms.db")};
    base::ManualClock clock;
    std::vector<std::string> woken;

    Fixture()
    {
        store::migrate(db);
        db.exec("INSERT INTO chargers (charger_id, registration, region) VALUES "
                "('CP-SZ', 'Accepted', 'Guangdong/Shenzhen/Nanshan'), "
                "('CP-GZ', 'Accepted', 'Guangdong/Guangzhou')");
    }

    Outbox outbox(std::vector<Partner> partners)
    {
        auto set = std::make_shared<PartnerSet>();
        set->partners = std::move(partners);
        return Outbox(published.emplace_back(set), clock, [this](const std::string& id) { woken.push_back(id); });
    }
    std::deque<Partners> published; // each outbox's, alive as long as it is
};

Partner partner(std::string name, std::vector<std::string> chargers, std::vector<std::string> forward,
                std::vector<std::string> regions = {})
{
    Partner p;
    p.name = std::move(name);
    p.chargers = std::move(chargers);
    p.regions = std::move(regions);
    p.forward = std::move(forward);
    return p;
}

} // namespace

TEST_CASE("The outbox copies a CALL only for partners whose policy takes the charger and the action")
{
    Fixture f;
    auto outbox = f.outbox({partner("fleet", {"CP-GZ"}, {"StatusNotification"}),
                            partner("roaming", {}, {"StatusNotification", "Heartbeat"}, {"Guangdong/Shenzhen"})});
    CHECK(outbox.wants("CP-GZ", "StatusNotification"));
    CHECK(outbox.wants("CP-SZ", "Heartbeat")); // roaming chooses by region: only the copy can tell
    CHECK_FALSE(outbox.wants("CP-SZ", "MeterValues"));
    auto by_id = f.outbox({partner("fleet", {"CP-GZ"}, {"StatusNotification"})});
    CHECK(by_id.wants("CP-GZ", "StatusNotification"));
    CHECK_FALSE(by_id.wants("CP-SZ", "StatusNotification")); // not its charger: nothing serialised

    CHECK(outbox.copy(f.db, "CP-SZ", "StatusNotification", {R"({"connectorId":1})", std::nullopt}));
    CHECK(outbox.copy(f.db, "CP-GZ", "StatusNotification", {R"({"connectorId":2})", std::nullopt}));
    CHECK_FALSE(outbox.copy(f.db, "CP-GZ", "Heartbeat", {"{}", std::nullopt})); // its region is not roaming's
    CHECK(store::outbox_depth(f.db, "roaming", "CP-SZ") == 1);
    CHECK(store::outbox_depth(f.db, "fleet", "CP-GZ") == 1);
    CHECK(store::outbox_depth(f.db, "roaming", "CP-GZ") == 0); // not in its region
    auto row = store::next_outbox(f.db, "fleet", "CP-GZ");
    REQUIRE(row);
    CHECK(row->payload == R"({"connectorId":2})");
    CHECK_FALSE(row->transaction_id);

    outbox.committed("CP-GZ");
    CHECK(f.woken == std::vector<std::string>{"CP-GZ"});
}

TEST_CASE("The outbox remembers which of our transactions a copy starts or refers to")
{
    Fixture f;
    auto outbox = f.outbox({partner("roaming", {"CP-SZ"}, {"StartTransaction", "MeterValues"})});
    store::StartRecord start;
    start.charger_id = "CP-SZ";
    start.connector_id = 1;
    start.id_tag = "TAG1";
    start.meter_start_wh = 1000;
    start.timestamp = *base::parse_date_time("2026-07-01T08:00:00Z");
    start.auth_status = "Accepted";
    auto ours = store::insert_transaction(f.db, start);

    outbox.copy(
        f.db, "CP-SZ", "StartTransaction",
        {R"({"connectorId":1,"idTag":"TAG1","meterStart":1000,"timestamp":"2026-07-01T08:00:00Z"})", std::nullopt});
    outbox.copy(f.db, "CP-SZ", "MeterValues",
                {R"({"connectorId":1,"transactionId":)" + std::to_string(ours) + R"(,"meterValue":[]})", ours});
    auto first = store::next_outbox(f.db, "roaming", "CP-SZ");
    REQUIRE(first);
    CHECK(first->action == "StartTransaction");
    CHECK(first->transaction_id == ours);
    store::delete_outbox(f.db, first->seq);
    auto second = store::next_outbox(f.db, "roaming", "CP-SZ");
    REQUIRE(second);
    CHECK(second->action == "MeterValues");
    CHECK(second->transaction_id == ours);
}

TEST_CASE("The outbox keeps the newest rows of a link when it drops the oldest")
{
    Fixture f;
    auto outbox = f.outbox({partner("roaming", {"CP-SZ"}, {"Heartbeat"})});
    for (int i = 0; i < 5; ++i) {
        outbox.copy(f.db, "CP-SZ", "Heartbeat", {"{\"n\":" + std::to_string(i) + "}", std::nullopt});
    }
    CHECK(store::drop_oldest_outbox(f.db, "roaming", "CP-SZ", 2) == 3);
    CHECK(store::outbox_depth(f.db, "roaming", "CP-SZ") == 2);
    CHECK(store::next_outbox(f.db, "roaming", "CP-SZ")->payload == "{\"n\":3}");
}
