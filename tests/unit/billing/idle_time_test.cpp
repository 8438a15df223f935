#include "billing/idle_time.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::billing;

namespace {

base::SysTime at(const std::string& hh_mm)
{
    return *base::parse_date_time("2026-03-02T" + hh_mm + ":00Z");
}

} // namespace

TEST_CASE("Idle time: from a full battery to the car leaving", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{{at("10:00"), "Charging"},
                                          {at("10:40"), "SuspendedEV"},
                                          {at("11:00"), "Finishing"},
                                          {at("11:30"), "Available"}};
    auto idle = idle_window(statuses, at("10:00"), at("11:00"), false);
    CHECK(idle.charging_ended == at("10:40"));
    CHECK(idle.unplugged == at("11:30"));
}

TEST_CASE("Idle time: charging that resumes starts the idle time again", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{{at("10:00"), "Charging"},
                                          {at("10:10"), "SuspendedEV"},
                                          {at("10:20"), "Charging"},
                                          {at("10:50"), "SuspendedEV"},
                                          {at("11:10"), "Available"}};
    auto idle = idle_window(statuses, at("10:00"), at("11:05"), false);
    CHECK(idle.charging_ended == at("10:50"));
    CHECK(idle.unplugged == at("11:10"));
}

TEST_CASE("Idle time: a stop by unplugging ends it at the stop", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{
        {at("10:00"), "Charging"}, {at("10:30"), "SuspendedEV"}, {at("11:00"), "Available"}};
    auto idle = idle_window(statuses, at("10:00"), at("10:45"), true);
    CHECK(idle.charging_ended == at("10:30"));
    CHECK(idle.unplugged == at("10:45"));
}

TEST_CASE("Idle time: the charger's own suspension is not the customer's idle time", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{
        {at("10:00"), "Charging"}, {at("10:30"), "SuspendedEVSE"}, {at("11:00"), "Available"}};
    auto idle = idle_window(statuses, at("10:00"), at("11:00"), false);
    CHECK(idle.charging_ended == at("11:00")); // not at 10:30: charging ended with the stop
    CHECK(idle.unplugged == at("11:00"));
}

TEST_CASE("Idle time: starts at the stop when no Finishing has arrived yet", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{{at("10:00"), "Charging"}, {at("11:12"), "Available"}};
    auto idle = idle_window(statuses, at("10:00"), at("11:00"), false);
    CHECK(idle.charging_ended == at("11:00"));
    CHECK(idle.unplugged == at("11:12"));
}

TEST_CASE("Idle time: Preparing after the stop is a new customer, so the car has gone", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{
        {at("09:58"), "Preparing"}, {at("10:00"), "Charging"}, {at("11:00"), "Finishing"}, {at("11:20"), "Preparing"}};
    auto idle = idle_window(statuses, at("10:00"), at("11:00"), false);
    CHECK(idle.charging_ended == at("11:00"));
    CHECK(idle.unplugged == at("11:20"));
}

TEST_CASE("Idle time: a car that leaves while charging has none", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{{at("10:00"), "Charging"}, {at("10:30"), "Available"}};
    auto idle = idle_window(statuses, at("10:00"), at("11:00"), false);
    CHECK(idle.charging_ended == idle.unplugged);
}

TEST_CASE("Idle time: a car that never drew has none and an unknown departure stays unknown", "[billing][idle]")
{
    std::vector<ConnectorStatus> never{{at("10:00"), "Preparing"}, {at("10:01"), "SuspendedEV"}};
    auto none = idle_window(never, at("10:00"), at("11:00"), false);
    CHECK_FALSE(none.charging_ended);
    CHECK_FALSE(none.unplugged);

    std::vector<ConnectorStatus> still_plugged{{at("10:00"), "Charging"}, {at("10:40"), "SuspendedEV"}};
    auto waiting = idle_window(still_plugged, at("10:00"), at("11:00"), false);
    CHECK(waiting.charging_ended == at("10:40"));
    CHECK_FALSE(waiting.unplugged);

    std::vector<ConnectorStatus> no_finishing_yet{{at("10:00"), "Charging"}};
    auto stopped = idle_window(no_finishing_yet, at("10:00"), at("11:00"), false);
    CHECK(stopped.charging_ended == at("11:00"));
    CHECK_FALSE(stopped.unplugged);
}

TEST_CASE("Idle time: the next session charging means the car has gone", "[billing][idle]")
{
    std::vector<ConnectorStatus> statuses{
        {at("10:00"), "Charging"}, {at("10:40"), "Finishing"}, {at("12:00"), "Charging"}};
    auto idle = idle_window(statuses, at("10:00"), at("10:40"), false);
    CHECK(idle.charging_ended == at("10:40"));
    CHECK(idle.unplugged == at("12:00"));
}
