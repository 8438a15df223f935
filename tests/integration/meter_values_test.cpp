// MeterValues as billing reads them: units normalised to Wh, replays stored
// once, and the order of StatusNotifications kept.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace csms::test;

namespace {

std::string meter_values(int connector, std::string_view timestamp, std::string_view value, std::string_view unit,
                         std::optional<std::int64_t> transaction = std::nullopt)
{
    JsonObject sample;
    sample.set("value", value).set("measurand", "Energy.Active.Import.Register").set("unit", unit);
    JsonObject meter_value;
    meter_value.set("timestamp", timestamp).set("sampledValue", {sample});
    JsonObject payload;
    payload.set("connectorId", connector).set("meterValue", {meter_value});
    if (transaction) {
        payload.set("transactionId", *transaction);
    }
    return payload.str();
}

} // namespace

TEST_CASE("MeterValues: kWh readings are normalised to Wh, a replay is stored once", "[e2e][meter]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "METER-1");
    auto start = charger->call("StartTransaction", start_payload(1, "TAG-M", 1500, test_time(0)));
    REQUIRE(is_call_result(start));
    const auto tx = start[2]["transactionId"].GetInt64();

    REQUIRE(is_call_result(charger->call("MeterValues", meter_values(1, test_time(1000), "1.75", "kWh", tx))));
    // The charger lost the answer and sends the very same message again.
    REQUIRE(is_call_result(charger->call("MeterValues", meter_values(1, test_time(1000), "1.75", "kWh", tx))));
    REQUIRE(is_call_result(charger->call("MeterValues", meter_values(1, test_time(2000), "2000", "Wh", tx))));
    // Unit omitted: OCPP's default for energy is Wh.
    JsonObject sample;
    sample.set("value", "2100");
    JsonObject meter_value;
    meter_value.set("timestamp", test_time(3000)).set("sampledValue", {sample});
    REQUIRE(is_call_result(charger->call(
        "MeterValues",
        JsonObject().set("connectorId", 1).set("transactionId", tx).set("meterValue", {meter_value}).str())));

    TestDb db(csmsd.db_path());
    auto rows = db.rows("SELECT value, unit, normalized_value, transaction_id, measurand FROM meter_values "
                        "ORDER BY timestamp");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0][0] == "1.75");
    CHECK(rows[0][1] == "kWh");
    CHECK(std::stod(rows[0][2]) == Approx(1750.0));
    CHECK(std::stod(rows[1][2]) == Approx(2000.0));
    CHECK(rows[2][1] == "Wh");
    CHECK(std::stod(rows[2][2]) == Approx(2100.0));
    for (const auto& row : rows) {
        CHECK(row[3] == std::to_string(tx));
        CHECK(row[4] == "Energy.Active.Import.Register");
    }
}

TEST_CASE("MeterValues: a different reading with the same timestamp is not silently dropped", "[e2e][meter]")
{
    // Two acknowledged readings that disagree (the same instant, the same
    // measurand, different values) must both reach the database or the second
    // must be refused; today the second is acknowledged and discarded as if
    // it were a replay (meter_values_identical ignores the value).
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "METER-2");
    REQUIRE(is_call_result(charger->call("MeterValues", meter_values(1, test_time(1000), "100", "Wh"))));
    auto second = charger->call("MeterValues", meter_values(1, test_time(1000), "150", "Wh"));
    TestDb db(csmsd.db_path());
    if (is_call_result(second)) {
        CHECK(db.rows("SELECT value FROM meter_values ORDER BY value") == std::vector<TestDb::Row>{{"100"}, {"150"}});
    } else {
        CHECK(db.count("meter_values") == 1);
    }
}

TEST_CASE("StatusNotification: pipelined notifications keep their order", "[e2e][status]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "ORDER-1");
    constexpr int count = 60;
    const char* statuses[] = {"Available", "Preparing", "Charging", "SuspendedEV", "Finishing"};
    for (int i = 0; i < count; ++i) {
        std::string frame = "[2,\"s" + std::to_string(i) + "\",\"StatusNotification\"," +
                            status_payload(2, statuses[i % 5], test_time(i * 1000)) + "]";
        REQUIRE(charger->send_text(frame));
    }
    std::set<std::string> answered;
    for (int i = 0; i < count; ++i) {
        auto r = charger->read(std::chrono::seconds(10));
        REQUIRE(r.status == ReadStatus::message);
        rapidjson::Document doc;
        doc.Parse(r.text.c_str());
        INFO(r.text);
        CHECK(is_call_result(doc));
        CHECK(answered.insert(unique_id(doc)).second); // each answered once
    }
    CHECK(answered.size() == count);

    TestDb db(csmsd.db_path());
    auto history = db.rows("SELECT status, timestamp FROM status_history ORDER BY id");
    REQUIRE(history.size() == count);
    for (int i = 0; i < count; ++i) {
        CHECK(history[static_cast<std::size_t>(i)] ==
              TestDb::Row{statuses[i % 5], test_time(static_cast<std::int64_t>(i) * 1000)});
    }
    // The latest status is the last one sent.
    CHECK(db.rows("SELECT status FROM connector_status WHERE connector_id = 2") ==
          std::vector<TestDb::Row>{{statuses[(count - 1) % 5]}});
}
