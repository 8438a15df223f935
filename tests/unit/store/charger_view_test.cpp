#include "store/charger_view.hpp"
#include "store/transaction_view.hpp"

#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace csms::store;
using namespace csms::store::test;

namespace {

void add_chargers(Database& db)
{
    db.exec(R"sql(
        INSERT INTO chargers (charger_id, registration, vendor, model, region) VALUES
            ('A1', 'Accepted', 'ACME', 'Fast-50', 'Guangdong/Shenzhen/Nanshan'),
            ('A2', 'Accepted', 'ACME', 'fast-50', 'Guangdong / Shenzhen'),
            ('B1', 'Accepted', 'Zeta', 'Slow-7', 'Guangdong/ShenzhenX'),
            ('C1', 'Pending', NULL, NULL, NULL);
        INSERT INTO connector_status (charger_id, connector_id, status, error_code, received_at) VALUES
            ('A1', 1, 'Charging', 'NoError', '2026-01-01T00:00:00.000Z'),
            ('B1', 1, 'Faulted', 'GroundFailure', '2026-01-01T00:00:00.000Z'),
            ('B1', 2, 'Available', 'NoError', '2026-01-01T00:00:00.000Z');)sql");
}

std::vector<std::string> ids(const std::vector<ChargerSummary>& rows)
{
    std::vector<std::string> out;
    for (const auto& r : rows) {
        out.push_back(r.charger_id);
    }
    return out;
}

using Ids = std::vector<std::string>;

} // namespace

TEST_CASE("list_chargers: each filter narrows the list, and they combine", "[store][charger_view]")
{
    MigratedDb t;
    add_chargers(t.db);
    auto with = [&](auto set) {
        ChargerFilter f;
        set(f);
        return ids(list_chargers(t.db, f));
    };
    CHECK(with([](ChargerFilter&) {}) == Ids{"A1", "A2", "B1", "C1"});
    // A region path matches whole parts, however the charger's was spaced.
    CHECK(with([](ChargerFilter& f) { f.region = "Guangdong/Shenzhen"; }) == Ids{"A1", "A2"});
    CHECK(with([](ChargerFilter& f) { f.model = "FAST-50"; }) == Ids{"A1", "A2"});
    CHECK(with([](ChargerFilter& f) { f.text = "zet"; }) == Ids{"B1"});
    CHECK(with([](ChargerFilter& f) { f.text = "a2"; }) == Ids{"A2"});
    CHECK(with([](ChargerFilter& f) { f.status = "Faulted"; }) == Ids{"B1"});
    CHECK(with([](ChargerFilter& f) { f.status = "Available"; }) == Ids{"B1"});
    auto only_a2 = [](const std::string& id) { return id == "A2"; };
    CHECK(with([&](ChargerFilter& f) {
              f.connected = true;
              f.is_connected = only_a2;
          }) == Ids{"A2"});
    CHECK(with([&](ChargerFilter& f) {
              f.connected = false;
              f.is_connected = only_a2;
          }) == Ids{"A1", "B1", "C1"});
    CHECK(with([](ChargerFilter& f) {
              f.region = "Guangdong";
              f.text = "acme";
              f.status = "Charging";
          }) == Ids{"A1"});
}

TEST_CASE("list_chargers: a filtered page holds limit matches and pages on after them", "[store][charger_view]")
{
    MigratedDb t;
    add_chargers(t.db);
    ChargerFilter f;
    f.region = "Guangdong/Shenzhen";
    f.limit = 1;
    auto first = list_chargers(t.db, f);
    REQUIRE(ids(first) == Ids{"A1"});
    CHECK(first[0].connectors.size() == 1);
    f.after_id = "A1";
    CHECK(ids(list_chargers(t.db, f)) == Ids{"A2"});
    f.after_id = "A2";
    CHECK(list_chargers(t.db, f).empty());
}

TEST_CASE("list_transactions: from and to bound the start, from included, to not", "[store][transaction_view]")
{
    MigratedDb t;
    add_chargers(t.db);
    t.db.exec(R"sql(
        INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, auth_status,
                                  start_received_at) VALUES
            ('A1', 1, 'T1', 0, '2026-03-01T00:00:00.000Z', 'Accepted', '2026-03-01T00:00:00.000Z'),
            ('A1', 1, 'T1', 0, '2026-03-01T23:59:59.999Z', 'Accepted', '2026-03-01T23:59:59.999Z'),
            ('A2', 1, 'T2', 0, '2026-03-02T00:00:00.000Z', 'Accepted', '2026-03-02T00:00:00.000Z');)sql");
    auto started = [&](std::optional<std::string> from, std::optional<std::string> to) {
        TransactionFilter f;
        f.from_time = std::move(from);
        f.to_time = std::move(to);
        std::vector<std::int64_t> out;
        for (const auto& row : list_transactions(t.db, f)) {
            out.push_back(row.transaction_id);
        }
        return out;
    };
    using TxIds = std::vector<std::int64_t>;
    CHECK(started(std::nullopt, std::nullopt) == TxIds{3, 2, 1});
    CHECK(started("2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z") == TxIds{2, 1});
    CHECK(started("2026-03-01T00:00:00.001Z", std::nullopt) == TxIds{3, 2});
    CHECK(started(std::nullopt, "2026-03-01T00:00:00.000Z").empty());
}

TEST_CASE("find_charger: the latest connections, newest first, the last opening and when it was last seen",
          "[store][charger_view]")
{
    MigratedDb t;
    add_chargers(t.db);
    t.db.exec(R"sql(
        UPDATE chargers SET last_boot = '2026-03-01T10:00:00.500Z', last_heartbeat = '2026-03-01T10:05:00.000Z'
            WHERE charger_id = 'A1';
        INSERT INTO connection_events (charger_id, event, remote_address, at) VALUES
            ('A1', 'connected', '10.0.0.5', '2026-03-01T10:00:00.000Z'),
            ('A2', 'connected', '10.0.0.6', '2026-03-01T10:01:00.000Z'),
            ('A1', 'disconnected', NULL, '2026-03-01T10:06:00.000Z');)sql");
    auto d = find_charger(t.db, "A1", "2026-03-01T12:00:00.000Z");
    REQUIRE(d);
    REQUIRE(d->connections.size() == 2);
    CHECK(d->connections[0].event == "disconnected");
    CHECK(d->connections[0].at == "2026-03-01T10:06:00.000Z");
    CHECK_FALSE(d->connections[0].remote_address);
    CHECK(d->connections[1].remote_address == "10.0.0.5");
    CHECK(d->last_connected_at == "2026-03-01T10:00:00.000Z");
    CHECK(d->last_seen_at == "2026-03-01T10:06:00.000Z");

    auto never = find_charger(t.db, "C1", "2026-03-01T12:00:00.000Z");
    REQUIRE(never);
    CHECK(never->connections.empty());
    CHECK_FALSE(never->last_connected_at);
    CHECK_FALSE(never->last_seen_at);
}
