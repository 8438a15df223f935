#include "charger_harness.hpp"

#include "store/charger_store.hpp"
#include "store/transaction_store.hpp"

using csms::Policy;
using csms::test::ChargerHarness;

namespace {

const char* start_payload = R"({"connectorId":1,"idTag":"TAG1","meterStart":1000,"timestamp":"2026-11-26T08:00:00Z"})";

void add_tag(ChargerHarness& h, const std::string& tag, const std::string& status,
             std::optional<csms::base::SysTime> expiry = std::nullopt, std::optional<std::string> parent = std::nullopt)
{
    h.write([=](csms::store::Database& db) { csms::store::upsert_id_tag(db, {tag, status, expiry, parent}); });
}

std::string status_of(const rapidjson::Document& reply)
{
    return reply["idTagInfo"]["status"].GetString();
}

} // namespace

TEST_CASE("Authorize: stored status, expiry, parent tag, and the policy for unknown tags", "[csms][authorize]")
{
    ChargerHarness h(Policy{});
    h.write([](csms::store::Database& db) {
        csms::store::set_registration(db, "CP-1", csms::store::Registration::accepted);
    });
    h.boot();
    auto later = h.clock().now_utc() + std::chrono::hours(24);
    add_tag(h, "GOOD", "Accepted", later, "FLEET");
    add_tag(h, "BLOCKED", "Blocked");
    add_tag(h, "OLD", "Accepted", h.clock().now_utc() - std::chrono::seconds(1));

    auto good = h.result("Authorize", R"({"idTag":"GOOD"})");
    CHECK(status_of(good) == "Accepted");
    CHECK(std::string(good["idTagInfo"]["parentIdTag"].GetString()) == "FLEET");
    CHECK(csms::base::parse_date_time(good["idTagInfo"]["expiryDate"].GetString()) == later);
    CHECK(status_of(h.result("Authorize", R"({"idTag":"BLOCKED"})")) == "Blocked");
    CHECK(status_of(h.result("Authorize", R"({"idTag":"OLD"})")) == "Expired");
    CHECK(status_of(h.result("Authorize", R"({"idTag":"NOBODY"})")) == "Invalid");
}

TEST_CASE("Authorize: dev mode accepts unknown tags", "[csms][authorize]")
{
    ChargerHarness h;
    h.boot();
    CHECK(status_of(h.result("Authorize", R"({"idTag":"NOBODY"})")) == "Accepted");
}

TEST_CASE("StartTransaction: allocates a transaction id and stores the start", "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    auto reply = h.result("StartTransaction", start_payload);
    CHECK(status_of(reply) == "Accepted");
    auto id = reply["transactionId"].GetInt64();
    CHECK(id > 0);
    CHECK(h.text("SELECT id_tag || '/' || meter_start_wh || '/' || start_timestamp || '/' || auth_status "
                 "FROM transactions WHERE transaction_id = " +
                 std::to_string(id)) == "TAG1/1000/2026-11-26T08:00:00.000Z/Accepted");
}

TEST_CASE("StartTransaction: a retried identical request gets the same transaction id", "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    auto first = h.result("StartTransaction", start_payload)["transactionId"].GetInt64();
    SECTION("on the same connection")
    {
        CHECK(h.result("StartTransaction", start_payload)["transactionId"].GetInt64() == first);
    }
    SECTION("after a reconnect")
    {
        h.connect("CP-1");
        CHECK(h.result("StartTransaction", start_payload)["transactionId"].GetInt64() == first);
    }
    CHECK(h.count("SELECT count(*) FROM transactions") == 1);
}

TEST_CASE("StartTransaction: a tag already charging gets ConcurrentTx; the session is still recorded",
          "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    h.result("StartTransaction", start_payload);
    auto second = h.result("StartTransaction", R"({"connectorId":2,"idTag":"TAG1","meterStart":50,
        "timestamp":"2026-11-26T08:05:00Z"})");
    CHECK(status_of(second) == "ConcurrentTx");
    CHECK(h.count("SELECT count(*) FROM transactions") == 2);
}

TEST_CASE("StartTransaction: a transaction left open on the same connector is a lost stop, not ConcurrentTx",
          "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    h.result("StartTransaction", start_payload);
    auto next = h.result("StartTransaction", R"({"connectorId":1,"idTag":"TAG1","meterStart":2000,
        "timestamp":"2026-11-26T10:00:00Z"})");
    CHECK(status_of(next) == "Accepted");
}

TEST_CASE("StartTransaction: connectorId 0 and a negative meterStart are refused, nothing stored",
          "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    CHECK(h.error_code("StartTransaction", R"({"connectorId":0,"idTag":"T","meterStart":0,
        "timestamp":"2026-11-26T08:00:00Z"})") == "PropertyConstraintViolation");
    CHECK(h.error_code("StartTransaction", R"({"connectorId":1,"idTag":"T","meterStart":-5,
        "timestamp":"2026-11-26T08:00:00Z"})") == "PropertyConstraintViolation");
    CHECK(h.error_code("StartTransaction", R"({"connectorId":1,"idTag":"T","meterStart":0,
        "timestamp":"yesterday"})") == "PropertyConstraintViolation");
    CHECK(h.count("SELECT count(*) FROM transactions") == 0);
}

TEST_CASE("StopTransaction: closes the transaction and keeps its transactionData", "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    auto id = h.result("StartTransaction", start_payload)["transactionId"].GetInt64();
    auto reply = h.result("StopTransaction", R"({"transactionId":)" + std::to_string(id) +
                                                 R"(,"idTag":"TAG1","meterStop":13500,
        "timestamp":"2026-11-26T09:00:00Z","reason":"EVDisconnected","transactionData":[
        {"timestamp":"2026-11-26T09:00:00Z","sampledValue":[{"value":"13.5","unit":"kWh",
         "context":"Transaction.End"}]}]})");
    CHECK(status_of(reply) == "Accepted");
    CHECK(h.text("SELECT meter_stop_wh || '/' || stop_reason FROM transactions") == "13500/EVDisconnected");
    CHECK(h.text("SELECT connector_id || '/' || normalized_value || '/' || source FROM meter_values") ==
          "1/13500.0/StopTransaction");
    SECTION("a retried stop changes nothing and is still acknowledged")
    {
        CHECK(h.error_code("StopTransaction", R"({"transactionId":)" + std::to_string(id) +
                                                  R"(,"meterStop":13500,"timestamp":"2026-11-26T09:00:00Z"})")
                  .empty());
        CHECK(h.count("SELECT count(*) FROM unmatched_stops") == 0);
    }
}

TEST_CASE("StopTransaction: an unknown transaction is acknowledged and recorded for follow-up", "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    auto reply = h.result("StopTransaction", R"({"transactionId":424242,"meterStop":10,
        "timestamp":"2026-11-26T09:00:00Z"})");
    CHECK_FALSE(reply.HasMember("idTagInfo"));
    CHECK(h.text("SELECT cause FROM unmatched_stops WHERE transaction_id = 424242") == "unknown_transaction");
}

TEST_CASE("MeterValues: every sampled value is stored, kWh normalised to Wh", "[csms][metervalues]")
{
    ChargerHarness h;
    h.boot();
    auto id = h.result("StartTransaction", start_payload)["transactionId"].GetInt64();
    h.result("MeterValues", R"({"connectorId":1,"transactionId":)" + std::to_string(id) + R"(,"meterValue":[
        {"timestamp":"2026-11-26T08:15:00Z","sampledValue":[
            {"value":"2.5","unit":"kWh","measurand":"Energy.Active.Import.Register"},
            {"value":"7.2","unit":"kW","measurand":"Power.Active.Import"},
            {"value":"31.9","unit":"A","measurand":"Current.Import","phase":"L1"},
            {"value":"55","unit":"Percent","measurand":"SoC","location":"EV"},
            {"value":"104","unit":"Fahrenheit","measurand":"Temperature","location":"Body"}]},
        {"timestamp":"2026-11-26T08:30:00Z","sampledValue":[{"value":"1234"}]}]})");
    CHECK(h.count("SELECT count(*) FROM meter_values WHERE transaction_id = " + std::to_string(id)) == 6);
    CHECK(h.text("SELECT normalized_value FROM meter_values WHERE measurand = 'Energy.Active.Import.Register' "
                 "AND unit = 'kWh'") == "2500.0");
    CHECK(h.text("SELECT normalized_value FROM meter_values WHERE measurand = 'Power.Active.Import'") == "7200.0");
    CHECK(h.text("SELECT normalized_value FROM meter_values WHERE measurand = 'Temperature'") == "40.0");
    CHECK(h.text("SELECT phase || '/' || unit FROM meter_values WHERE measurand = 'Current.Import'") == "L1/A");
    // A sampledValue with no measurand or unit is the energy register in Wh.
    CHECK(h.text("SELECT measurand || '/' || unit || '/' || context || '/' || location || '/' || format FROM "
                 "meter_values WHERE value = '1234'") == "Energy.Active.Import.Register/Wh/Sample.Periodic/Outlet/Raw");
    SECTION("a replayed MeterValues adds nothing")
    {
        h.result("MeterValues", R"({"connectorId":1,"transactionId":)" + std::to_string(id) + R"(,"meterValue":[
            {"timestamp":"2026-11-26T08:30:00Z","sampledValue":[{"value":"1234"}]}]})");
        CHECK(h.count("SELECT count(*) FROM meter_values") == 6);
    }
}

TEST_CASE("MeterValues: a Raw value that is not a number is kept as sent; the other readings too",
          "[csms][metervalues]")
{
    ChargerHarness h;
    h.boot();
    CHECK(h.error_code("MeterValues", R"({"connectorId":1,"meterValue":[{"timestamp":"2026-11-26T08:15:00Z",
        "sampledValue":[{"value":"12"},{"value":"twelve","measurand":"Power.Active.Import"},
        {"value":"21.5","unit":"Celcius","measurand":"Temperature"}]}]})")
              .empty());
    CHECK(h.count("SELECT count(*) FROM meter_values") == 3);
    CHECK(h.count("SELECT count(*) FROM meter_values WHERE value = 'twelve' AND normalized_value IS NULL") == 1);
    // "Celcius" is the OCPP 1.6 schema's spelling.
    CHECK(h.text("SELECT normalized_value FROM meter_values WHERE measurand = 'Temperature'") == "21.5");
}

TEST_CASE("MeterValues: samples naming another charger's transaction are kept but not linked to it",
          "[csms][metervalues]")
{
    ChargerHarness h;
    h.boot();
    auto id = h.result("StartTransaction", start_payload)["transactionId"].GetInt64();
    h.connect("CP-2");
    h.boot();
    h.result("MeterValues", R"({"connectorId":1,"transactionId":)" + std::to_string(id) + R"(,"meterValue":[
        {"timestamp":"2026-11-26T08:15:00Z","sampledValue":[{"value":"999"}]}]})");
    CHECK(h.count("SELECT count(*) FROM meter_values WHERE charger_id = 'CP-2' AND transaction_id IS NULL "
                  "AND reported_transaction_id = " +
                  std::to_string(id)) == 1);
    CHECK(h.count("SELECT count(*) FROM meter_values WHERE transaction_id = " + std::to_string(id)) == 0);
}

TEST_CASE("Integers beyond what OCPP fields can mean are refused, not truncated", "[csms][transaction]")
{
    ChargerHarness h;
    h.boot();
    CHECK(h.error_code("StartTransaction", R"({"connectorId":4294967297,"idTag":"T","meterStart":0,
        "timestamp":"2026-11-26T08:00:00Z"})") == "PropertyConstraintViolation");
    CHECK(h.error_code("StopTransaction", R"({"transactionId":1,"meterStop":18446744073709551615,
        "timestamp":"2026-11-26T09:00:00Z"})") == "PropertyConstraintViolation");
    CHECK(h.error_code("StatusNotification", R"({"connectorId":2147483648,"errorCode":"NoError",
        "status":"Available"})") == "PropertyConstraintViolation");
    CHECK(h.count("SELECT count(*) FROM transactions") == 0);
    CHECK(h.count("SELECT count(*) FROM unmatched_stops") == 0);
    CHECK(h.count("SELECT count(*) FROM status_history") == 0);
}
