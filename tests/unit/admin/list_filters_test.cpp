#include "admin/list_filters.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace csms::admin;

namespace {

ApiCall call_with(Params query)
{
    ApiCall call;
    call.query = std::move(query);
    return call;
}

// The 400's message, or "" when the query was accepted.
template <class Read> std::string refusal(Read read, Params query)
{
    try {
        read(call_with(std::move(query)));
        return "";
    } catch (const ApiError& e) {
        CHECK(e.status() == 400);
        CHECK(e.code() == "bad_request");
        return e.what();
    }
}

} // namespace

TEST_CASE("charger_filter reads connected, status, region, model and q", "[admin][list_filters]")
{
    auto f = charger_filter(call_with({{"connected", "no"},
                                       {"status", "Faulted"},
                                       {"region", " Guangdong / Shenzhen/ "},
                                       {"model", "Fast-50"},
                                       {"q", "acme"},
                                       {"limit", "7"},
                                       {"cursor", "CP-3"}}));
    CHECK(f.connected == false);
    CHECK(f.status == "Faulted");
    CHECK(f.region == "Guangdong/Shenzhen");
    CHECK(f.model == "Fast-50");
    CHECK(f.text == "acme");
    CHECK(f.limit == 7);
    CHECK(f.after_id == "CP-3");
    CHECK(charger_filter(call_with({{"connected", "yes"}})).connected == true);
    auto none = charger_filter(call_with({}));
    CHECK_FALSE(none.connected);
    CHECK_FALSE(none.status);
    CHECK_FALSE(none.region);
}

TEST_CASE("charger_filter refuses a bad value or an unknown parameter with what was expected", "[admin][list_filters]")
{
    CHECK(refusal(charger_filter, {{"connected", "maybe"}}) == "connected must be yes or no, not 'maybe'");
    CHECK_THAT(refusal(charger_filter, {{"status", "charging"}}),
               Catch::StartsWith("status must be a connector status (Available, Preparing,") &&
                   Catch::EndsWith("not 'charging' (did you mean Charging?)"));
    CHECK(refusal(charger_filter, {{"region", " / "}}) == "region must be a region path, e.g. Guangdong/Shenzhen");
    CHECK(refusal(charger_filter, {{"model", ""}}) == "model must not be empty");
    CHECK_THAT(refusal(charger_filter, {{"conected", "yes"}}),
               Catch::StartsWith("unknown parameter 'conected' (did you mean connected?); this list takes "));
    CHECK(refusal(charger_filter, {{"limit", "0"}}) == "limit must be an integer from 1 to 500");
}

TEST_CASE("transaction_filter reads a date range: dates are whole UTC days, date-times exact", "[admin][list_filters]")
{
    auto days = transaction_filter(call_with({{"from", "2026-03-01"}, {"to", "2026-03-31"}}));
    CHECK(days.from_time == "2026-03-01T00:00:00.000Z");
    CHECK(days.to_time == "2026-04-01T00:00:00.000Z");
    auto instants =
        transaction_filter(call_with({{"from", "2026-03-01T08:00:00+08:00"}, {"to", "2026-03-01T12:30:00Z"}}));
    CHECK(instants.from_time == "2026-03-01T00:00:00.000Z");
    CHECK(instants.to_time == "2026-03-01T12:30:00.000Z");
    auto rest = transaction_filter(call_with({{"charger", "CP1"}, {"id_tag", "TAG1"}, {"open", "1"}}));
    CHECK(rest.charger_id == "CP1");
    CHECK(rest.id_tag == "TAG1");
    CHECK(rest.open_only);
    CHECK_FALSE(rest.from_time);

    CHECK(refusal(transaction_filter, {{"from", "2026-02-30"}}) ==
          "from must be a date (2026-03-01) or a date-time (2026-03-01T08:00:00Z), not '2026-02-30'");
    CHECK(refusal(transaction_filter, {{"to", "yesterday"}}) ==
          "to must be a date (2026-03-01) or a date-time (2026-03-01T08:00:00Z), not 'yesterday'");
    CHECK(refusal(transaction_filter, {{"from", "2026-03-02"}, {"to", "2026-03-01"}}) == "from must be before to");
    CHECK(refusal(transaction_filter, {{"open", "yes"}}) == "open must be 1 (only sessions not stopped yet) or 0");
    CHECK_THAT(refusal(transaction_filter, {{"id-tag", "T"}}),
               Catch::StartsWith("unknown parameter 'id-tag' (did you mean id_tag?)"));
}

TEST_CASE("sample_range reads the connector, measurand, phase, times and limit", "[admin][list_filters]")
{
    auto call = call_with({{"connector", "2"},
                           {"measurand", "Current.Import"},
                           {"phase", "L1"},
                           {"from", "2026-03-01"},
                           {"to", "2026-03-01T09:00:00+08:00"},
                           {"limit", "1000000"}});
    call.params = {{"charger_id", "CP1"}};
    auto r = sample_range(call);
    CHECK(r.charger_id == "CP1");
    CHECK(r.connector_id == 2);
    CHECK(r.measurand == "Current.Import");
    CHECK(r.phase == "L1");
    CHECK(r.from_ms == 1'772'323'200'000); // 2026-03-01T00:00:00Z
    CHECK(r.to_ms == 1'772'326'800'000);   // 01:00Z
    CHECK(r.limit == 1'000'000);

    auto defaults = sample_range(call_with({{"connector", "0"}, {"phase", "none"}, {"to", "2026-03-01"}}));
    CHECK_FALSE(defaults.measurand);
    CHECK(defaults.phase == "");
    CHECK_FALSE(defaults.from_ms);
    CHECK(defaults.to_ms == 1'772'409'600'000); // that whole day
    CHECK(defaults.limit == default_samples);
}

TEST_CASE("sample_range refuses what it cannot use, saying what it expected", "[admin][list_filters]")
{
    auto read = [](const ApiCall& c) { return sample_range(c); };
    CHECK_THAT(refusal(read, {{"measurand", "SoC"}}), Catch::Contains("connector is required"));
    CHECK_THAT(refusal(read, {{"connector", "-1"}}), Catch::Contains("connector must be a connector id"));
    CHECK_THAT(refusal(read, {{"connector", "1"}, {"measurand", "Power.Active.Imprt"}}),
               Catch::Contains("(did you mean Power.Active.Import?)"));
    CHECK_THAT(refusal(read, {{"connector", "1"}, {"phase", "l1"}}), Catch::Contains("phase must be"));
    CHECK_THAT(refusal(read, {{"connector", "1"}, {"limit", "1000001"}}), Catch::Contains("limit must be"));
    CHECK_THAT(refusal(read, {{"connector", "1"}, {"from", "2026-03-02"}, {"to", "2026-03-01"}}),
               Catch::Contains("from must be before to"));
    CHECK_THAT(refusal(read, {{"connector", "1"}, {"kind", "x"}}), Catch::Contains("unknown parameter 'kind'"));
}
