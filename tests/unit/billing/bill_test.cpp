#include "billing/bill.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::billing;
using namespace std::chrono_literals;

namespace {

base::SysTime utc(const std::string& text)
{
    return *base::parse_date_time(text);
}

// Peak 10:00-15:00 every day at 1.5000, flat otherwise at 1.0000, service
// 0.8000 per kWh, idle 0.50 per minute after 10 free minutes, a minimum of
// 5.00. UTC keeps the hours readable.
Tariff tariff()
{
    Tariff t;
    t.energy_price = {{"peak", 15'000}, {"flat", 10'000}};
    t.schedule = {PeriodRule{"peak", {}, std::nullopt, std::nullopt, {TimeWindow{10 * 60, 15 * 60}}}};
    t.default_period = "flat";
    t.service_fee_per_kwh = 8'000;
    t.idle_fee_per_minute = 50;
    t.idle_grace = 10min;
    t.minimum_fee = 500;
    return t;
}

std::vector<std::string> items(const Bill& bill)
{
    std::vector<std::string> out;
    for (const auto& line : bill.lines) {
        out.push_back(line.item + (line.period.empty() ? "" : ":" + line.period) + "=" + std::to_string(line.amount));
    }
    return out;
}

} // namespace

TEST_CASE("Bill: energy by period, service fee and idle fee add up to the total", "[billing][bill]")
{
    Session s;
    s.start = utc("2026-11-26T09:00:00Z");
    s.stop = utc("2026-11-26T11:00:00Z");
    s.meter_start_wh = 100'000;
    s.meter_stop_wh = 120'000; // 20 kWh, steady: 10 flat then 10 peak
    s.samples = {{utc("2026-11-26T10:00:00Z"), 110'000}};
    s.charging_ended = utc("2026-11-26T11:00:00Z");
    s.unplugged = utc("2026-11-26T11:35:30Z"); // 35.5 min idle, 10 free: 25 whole minutes
    auto bill = compute_bill(tariff(), base::TimeZone::utc(), s);
    REQUIRE(bill.billable());
    CHECK(items(bill) == std::vector<std::string>{"energy:flat=1000", "energy:peak=1500", "service=1600", "idle=1250"});
    CHECK(bill.total == 1000 + 1500 + 1600 + 1250);
    CHECK(bill.lines[0].quantity == Approx(10.0));
    CHECK(bill.lines[3].quantity == 25);
}

TEST_CASE("Bill: a small session is topped up to the minimum fee", "[billing][bill]")
{
    Session s;
    s.start = utc("2026-11-26T20:00:00Z");
    s.stop = utc("2026-11-26T20:10:00Z");
    s.meter_start_wh = 0;
    s.meter_stop_wh = 1'000; // 1.00 flat + 0.80 service = 1.80
    auto bill = compute_bill(tariff(), base::TimeZone::utc(), s);
    CHECK(items(bill) == std::vector<std::string>{"energy:flat=100", "service=80", "minimum=320"});
    CHECK(bill.total == 500);
    // The minimum line multiplies out: 1 x 3.2000 = 3.20.
    const auto& minimum = bill.lines.back();
    CHECK(minimum.quantity * static_cast<double>(minimum.unit_price) / 100 == static_cast<double>(minimum.amount));
}

TEST_CASE("Bill: the minimum fee compares with the total including the idle and session fees", "[billing][bill]")
{
    auto t = tariff();
    t.session_fee = 100; // 1.00
    Session s;
    s.start = utc("2026-11-26T20:00:00Z");
    s.stop = utc("2026-11-26T20:10:00Z");
    s.meter_start_wh = 0;
    s.meter_stop_wh = 1'000; // 1.00 flat + 0.80 service
    s.charging_ended = s.stop;
    s.unplugged = utc("2026-11-26T20:24:00Z"); // 4 minutes after the 10 free ones: 2.00
    auto bill = compute_bill(t, base::TimeZone::utc(), s);
    CHECK(items(bill) ==
          std::vector<std::string>{"energy:flat=100", "service=80", "idle=200", "session=100", "minimum=20"});
    CHECK(bill.total == 500);
}

TEST_CASE("Bill: energy a period boundary cuts inside a Wh is split in whole Wh that add up", "[billing][bill]")
{
    Session s;
    s.start = utc("2026-11-26T09:00:00Z");
    s.stop = utc("2026-11-26T11:00:00Z");
    s.meter_start_wh = 0;
    s.meter_stop_wh = 1'001; // 500.5 Wh before 10:00 by time: the register reads 500 then
    auto bill = compute_bill(tariff(), base::TimeZone::utc(), s);
    REQUIRE(bill.lines.size() >= 2);
    CHECK(bill.lines[0].period == "flat");
    CHECK(bill.lines[0].quantity == 0.5);   // 500 Wh
    CHECK(bill.lines[1].quantity == 0.501); // 501 Wh
    CHECK(bill.lines[0].amount == 50);      // 500 Wh at 1.0000
    CHECK(bill.lines[1].amount == 75);      // 501 Wh at 1.5000 = 75.15 fen
}

TEST_CASE("Bill: a meter reset or a negative energy is flagged and not billed", "[billing][bill]")
{
    Session reset;
    reset.start = utc("2026-11-26T20:00:00Z");
    reset.stop = utc("2026-11-26T22:00:00Z");
    reset.meter_start_wh = 50'000;
    reset.meter_stop_wh = 60'000;
    reset.samples = {{utc("2026-11-26T21:00:00Z"), 200}}; // the register started again from 0
    auto bill = compute_bill(tariff(), base::TimeZone::utc(), reset);
    CHECK_FALSE(bill.billable());
    CHECK(bill.anomalies == std::vector<Anomaly>{Anomaly::meter_reset});
    CHECK(bill.lines.empty());
    CHECK(bill.total == 0);

    Session negative = reset;
    negative.samples.clear();
    negative.meter_stop_wh = 40'000;
    auto refused = compute_bill(tariff(), base::TimeZone::utc(), negative);
    CHECK(refused.anomalies.front() == Anomaly::negative_energy);
    CHECK(refused.energy_wh == -10'000);
}

TEST_CASE("Bill: a sample a fraction of a Wh below meterStart is the same whole Wh, not a reset", "[billing][bill]")
{
    Session s;
    s.start = utc("2026-11-26T20:00:00Z");
    s.stop = utc("2026-11-26T22:00:00Z");
    s.meter_start_wh = 1'000;
    s.meter_stop_wh = 3'000;
    s.samples = {{utc("2026-11-26T20:01:00Z"), 999.6}};
    auto bill = compute_bill(tariff(), base::TimeZone::utc(), s);
    CHECK(bill.billable());
}

TEST_CASE("Bill: a sample above the stop value means the register went backwards", "[billing][bill]")
{
    Session s;
    s.start = utc("2026-11-26T20:00:00Z");
    s.stop = utc("2026-11-26T22:00:00Z");
    s.meter_start_wh = 0;
    s.meter_stop_wh = 5'000;
    s.samples = {{utc("2026-11-26T21:00:00Z"), 9'000}};
    auto bill = compute_bill(tariff(), base::TimeZone::utc(), s);
    CHECK(to_string(bill.anomalies.at(0)) == "meter_reset"); // 9000, then 5000 at the stop
    CHECK(bill.lines.empty());
}
