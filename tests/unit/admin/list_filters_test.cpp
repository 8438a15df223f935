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
