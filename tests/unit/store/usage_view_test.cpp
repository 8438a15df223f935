// The usage reports on hand-made statistics and sessions whose figures are
// worked out below (UTC site, range Sunday 2026-03-08 to Tuesday 03-10, read
// at 03-10 20:00, so the last day has lived 20 hours).
#include "base/time_format.hpp"
#include "store/usage_view.hpp"

#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace csms::store;
using csms::store::test::MigratedDb;

namespace {

struct UsageDb : MigratedDb {
    UsageDb()
    {
        // A and B in Shenzhen (A at a site, B in a district), C in Dongguan, D nowhere.
        db.exec(R"sql(
            INSERT INTO chargers (charger_id, registration, region, rated_power_w) VALUES
              ('A', 'Accepted', 'Guangdong/Shenzhen/Nanshan/Coastal Park', 7000),
              ('B', 'Accepted', 'Guangdong/Shenzhen/Futian', 22000),
              ('C', 'Accepted', 'Guangdong/Dongguan', NULL),
              ('D', 'Accepted', NULL, NULL);)sql");
        // charger, connector, date, energy, charging s, available s, started, faults, peak W
        day("A", 1, "2026-03-09", 7000, 3600, 86400, 1, 0, "7200");
        day("A", 2, "2026-03-09", 3500, 3600, 86400, 1, 0, "3600");
        day("A", 1, "2026-03-10", 0, 0, 86400, 0, 0, "NULL");
        day("A", 2, "2026-03-10", 0, 0, 43200, 0, 1, "NULL");
        day("A", 0, "2026-03-10", 0, 0, 0, 0, 1, "NULL");           // the charger as a whole: a fault, nothing else
        day("A", 1, "2026-03-11", 5000, 3600, 86400, 1, 0, "NULL"); // after the range
        day("B", 1, "2026-03-10", 11000, 3600, 86400, 2, 0, "11000");
        day("C", 1, "2026-03-09", 1000, 1800, 86400, 1, 0, "NULL");
        day("D", 1, "2026-03-10", 500, 600, 0, 1, 0, "NULL");
        // Quarters behind the hour report (D's are left out: the hour tests filter on Guangdong).
        for (const char* t : {"08:00", "08:15", "08:30", "08:45"}) {
            quarter("A", 1, "2026-03-09", t, 1750, 900, std::string(t) == "08:00" ? 1 : 0);
        }
        for (const char* t : {"08:30", "08:45", "09:00", "09:15"}) {
            quarter("A", 2, "2026-03-09", t, 875, 900, std::string(t) == "08:30" ? 1 : 0);
        }
        for (const char* t : {"18:00", "18:15", "18:30", "18:45"}) {
            quarter("B", 1, "2026-03-10", t, 2750, 900, std::string(t) == "18:00" || std::string(t) == "18:30");
        }
        quarter("C", 1, "2026-03-09", "08:00", 500, 900, 1);
        quarter("C", 1, "2026-03-09", "08:15", 500, 900, 0);
        quarter("A", 0, "2026-03-10", "12:00", 999, 900, 0);  // connector 0: not a connector's load
        quarter("A", 1, "2026-03-11", "08:00", 1250, 900, 1); // after the range
        // Sessions: charger, connector, start, stop, meter start/stop, reason.
        session("A", 1, "2026-03-07T23:00", "2026-03-08T00:30", 0, 500, "'Local'"); // began before the range
        session("A", 1, "2026-03-09T08:00", "2026-03-09T09:00", 0, 7000, "'Local'");
        session("A", 2, "2026-03-09T08:30", "2026-03-09T09:30", 0, 3500, "'EmergencyStop'");
        session("C", 1, "2026-03-09T08:00", "2026-03-09T08:30", 0, 1000, "'Local'");
        session("B", 1, "2026-03-10T18:00", "2026-03-10T18:30", 0, 5500, "NULL");
        session("B", 1, "2026-03-10T18:30", "2026-03-10T19:00", 5500, 5500, "'Local'"); // no energy
        db.exec("INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, "
                "auth_status, start_received_at) VALUES ('B', 2, 'TAG', 0, '2026-03-10T18:15:00.000Z', 'Accepted', "
                "'2026-03-10T18:15:00.000Z')"); // still open
    }

    void day(const char* charger, int connector, const char* date, double energy, int charging, int available,
             int started, int faults, const char* peak)
    {
        db.exec("INSERT INTO stats_days VALUES ('" + std::string(charger) + "', " + std::to_string(connector) + ", '" +
                date + "', 'UTC', 96, " + std::to_string(energy) + ", " + std::to_string(charging) + ", " +
                std::to_string(available) + ", " + std::to_string(started) + ", " + std::to_string(started) + ", " +
                std::to_string(faults) + ", " + peak + ", NULL)");
    }

    void quarter(const char* charger, int connector, const char* date, const char* time, double energy, int charging,
                 int started)
    {
        db.exec("INSERT INTO stats_quarters VALUES ('" + std::string(charger) + "', " + std::to_string(connector) +
                ", '" + date + "T" + time + ":00.000Z', '" + date + "', '" + time + "', 'UTC', " +
                std::to_string(energy) + ", " + std::to_string(charging) + ", 900, " + std::to_string(started) +
                ", 0, 0, NULL, NULL, '2026-03-12T00:00:00.000Z')");
    }

    void session(const char* charger, int connector, const char* start, const char* stop, int meter_start,
                 int meter_stop, const char* reason)
    {
        db.exec("INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, "
                "auth_status, start_received_at, meter_stop_wh, stop_timestamp, stop_reason, stop_received_at) "
                "VALUES ('" +
                std::string(charger) + "', " + std::to_string(connector) + ", 'TAG', " + std::to_string(meter_start) +
                ", '" + start + ":00.000Z', 'Accepted', '" + start + ":00.000Z', " + std::to_string(meter_stop) +
                ", '" + stop + ":00.000Z', " + reason + ", '" + stop + ":00.000Z')");
    }
};

const auto now = *csms::base::parse_date_time("2026-03-10T20:00:00Z");

UsageFilter range(std::optional<std::string> region = std::nullopt)
{
    UsageFilter f;
    f.from_date = "2026-03-08";
    f.to_date = "2026-03-10";
    f.region = std::move(region);
    return f;
}

std::map<std::string, UsageRow> by_bucket(const UsageReport& report)
{
    std::map<std::string, UsageRow> rows;
    for (const auto& r : report.rows) {
        rows[r.bucket] = r;
    }
    return rows;
}

} // namespace

TEST_CASE("usage by hour of day: the quarters of each hour over the range and the most sessions open at once",
          "[store][usage]")
{
    UsageDb u;
    auto report = usage_load(u.db, range("Guangdong"), UsageBucket::hour, now);
    CHECK(report.time_zone == "UTC");
    REQUIRE(report.rows.size() == 24);
    CHECK(report.rows.front().bucket == "00");
    auto rows = by_bucket(report);
    // A's two connectors and B's and C's one; D is outside Guangdong.
    CHECK(rows["08"].connectors == 4);
    // 08: A/1 4 x 1750, A/2 08:30 and 08:45 at 875, C 2 x 500.
    CHECK(rows["08"].energy_wh == Approx(9750));
    CHECK(rows["08"].charging_s == 7200);
    CHECK(rows["08"].sessions == 3);
    CHECK(rows["08"].bucket_s == 3 * 3600);
    CHECK(rows["08"].utilisation == Approx(7200.0 / (4 * 3 * 3600)));
    // A/1 and C from 08:00, C stopping at 08:30 as A/2 starts: never 3.
    CHECK(rows["08"].peak_concurrent == 2);
    CHECK(rows["09"].energy_wh == Approx(1750));
    CHECK(rows["09"].peak_concurrent == 1);
    CHECK(rows["00"].energy_wh == 0);
    CHECK(rows["00"].peak_concurrent == 1); // the session begun the evening before, until 00:30
    CHECK(rows["12"].energy_wh == 0);       // connector 0's quarter is not load
    CHECK(rows["18"].energy_wh == Approx(11000));
    CHECK(rows["18"].sessions == 2);
    CHECK(rows["18"].peak_concurrent == 2); // B's open session beside each of its two others
    CHECK(rows["19"].peak_concurrent == 1); // the open one, until now (20:00)
    CHECK(rows["20"].peak_concurrent == 0);
    CHECK(rows["20"].bucket_s == 2 * 3600); // 20:00 on the 10th has not been lived yet
}

TEST_CASE("usage by day and by ISO week: sums per local date and weeks starting on Monday", "[store][usage]")
{
    UsageDb u;
    auto days = usage_load(u.db, range("Guangdong"), UsageBucket::day, now);
    REQUIRE(days.rows.size() == 3);
    const auto& sunday = days.rows[0];
    const auto& monday = days.rows[1];
    const auto& tuesday = days.rows[2];
    CHECK(sunday.bucket == "2026-03-08");
    CHECK(sunday.energy_wh == 0);
    CHECK(sunday.peak_concurrent == 1);
    CHECK(monday.energy_wh == Approx(11500));
    CHECK(monday.charging_s == 9000);
    CHECK(monday.sessions == 3);
    CHECK(monday.bucket_s == 86400);
    CHECK(monday.utilisation == Approx(9000.0 / (4 * 86400)));
    CHECK(monday.peak_concurrent == 2);
    CHECK(tuesday.energy_wh == Approx(11000));
    CHECK(tuesday.sessions == 2);
    CHECK(tuesday.bucket_s == 72000);
    CHECK(tuesday.utilisation == Approx(3600.0 / (4 * 72000)));

    auto weeks = usage_load(u.db, range("Guangdong"), UsageBucket::week, now);
    REQUIRE(weeks.rows.size() == 2);
    CHECK(weeks.rows[0].bucket == "2026-W10");
    CHECK(weeks.rows[0].bucket_s == 86400);
    CHECK(weeks.rows[0].peak_concurrent == 1);
    CHECK(weeks.rows[1].bucket == "2026-W11");
    CHECK(weeks.rows[1].energy_wh == Approx(22500));
    CHECK(weeks.rows[1].charging_s == 12600);
    CHECK(weeks.rows[1].sessions == 5);
    CHECK(weeks.rows[1].bucket_s == 86400 + 72000);
    CHECK(weeks.rows[1].peak_concurrent == 2);
}

TEST_CASE("usage by region: chargers grouped by their path at a level busiest first", "[store][usage]")
{
    UsageDb u;
    auto f = range();
    f.level = csms::base::RegionLevel::city;
    auto report = usage_load(u.db, f, UsageBucket::region, now);
    REQUIRE(report.rows.size() == 3);
    const auto& shenzhen = report.rows[0];
    CHECK(shenzhen.bucket == "Guangdong/Shenzhen");
    CHECK(shenzhen.connectors == 3);
    CHECK(shenzhen.energy_wh == Approx(21500));
    CHECK(shenzhen.charging_s == 10800);
    CHECK(shenzhen.sessions == 4);
    CHECK(shenzhen.bucket_s == 86400 * 2 + 72000);
    CHECK(shenzhen.utilisation == Approx(10800.0 / (3 * (86400 * 2 + 72000))));
    CHECK(shenzhen.peak_concurrent == 2);
    CHECK(report.rows[1].bucket == "Guangdong/Dongguan");
    CHECK(report.rows[1].peak_concurrent == 1);
    CHECK(report.rows[2].bucket == "(none)");
    CHECK(report.rows[2].energy_wh == Approx(500));
    CHECK(report.rows[2].peak_concurrent == 0);

    f.level = csms::base::RegionLevel::district;
    f.region = "Guangdong/Shenzhen";
    auto districts = by_bucket(usage_load(u.db, f, UsageBucket::region, now));
    REQUIRE(districts.size() == 2);
    CHECK(districts["Guangdong/Shenzhen/Nanshan"].energy_wh == Approx(10500));
    CHECK(districts["Guangdong/Shenzhen/Futian"].energy_wh == Approx(11000));

    f.region = "Guangdong/Shen"; // components, not characters
    CHECK(usage_load(u.db, f, UsageBucket::region, now).rows.empty());
}

TEST_CASE("charger performance: figures per charger and the worst first for maintenance", "[store][usage]")
{
    UsageDb u;
    auto report = charger_performance(u.db, range(), 10, now);
    REQUIRE(report.chargers.size() == 4);
    // D was never available; B and C tie on availability and B's success
    // rate is lower; A is the most available.
    CHECK(report.chargers[0].charger_id == "D");
    CHECK(report.chargers[1].charger_id == "B");
    CHECK(report.chargers[2].charger_id == "C");
    CHECK(report.chargers[3].charger_id == "A");

    const double range_s = 86400 * 2 + 72000;
    const auto& a = report.chargers[3];
    CHECK(a.region == "Guangdong/Shenzhen/Nanshan/Coastal Park");
    CHECK(a.connectors == 2);
    CHECK(a.sessions == 2);
    CHECK(a.energy_wh == Approx(10500));
    CHECK(*a.energy_per_session_wh == Approx(5250));
    CHECK(*a.average_power_w == Approx(5250)); // 10500 Wh in 7200 s
    CHECK(*a.peak_power_w == Approx(7200));
    CHECK(*a.rated_power_w == Approx(7000));
    CHECK(*a.average_pct_of_rated == Approx(75));
    // Of the two sessions started in the range, the EmergencyStop failed;
    // the one begun the evening before is not counted.
    CHECK(a.finished_sessions == 2);
    CHECK(a.successful_sessions == 1);
    CHECK(*a.success_rate == Approx(0.5));
    CHECK(a.faults == 2); // connector 2's and the charger's own
    CHECK(*a.availability == Approx((3 * 86400 + 43200) / (2 * range_s)));

    const auto& b = report.chargers[1];
    CHECK(*b.average_power_w == Approx(11000));
    CHECK(*b.average_pct_of_rated == Approx(50));
    CHECK(b.finished_sessions == 2);       // the open one is not finished
    CHECK(*b.success_rate == Approx(0.5)); // the second delivered no energy
    CHECK(*b.availability == Approx(86400 / range_s));

    const auto& c = report.chargers[2];
    CHECK_FALSE(c.average_pct_of_rated.has_value()); // no rating recorded
    CHECK(*c.success_rate == Approx(1.0));

    const auto& d = report.chargers[0];
    CHECK(*d.availability == 0);
    CHECK_FALSE(d.success_rate.has_value()); // no session of its own in the transactions

    auto top = charger_performance(u.db, range("Guangdong/Shenzhen"), 1, now);
    REQUIRE(top.chargers.size() == 1);
    CHECK(top.chargers[0].charger_id == "B");
}

TEST_CASE("charger performance: the stop reasons that count as a failed session", "[store][usage]")
{
    for (const char* reason :
         {"EmergencyStop", "PowerLoss", "Reboot", "HardReset", "SoftReset", "UnlockCommand", "Other"}) {
        CHECK(is_failure_stop_reason(std::string(reason)));
    }
    for (const char* reason : {"Local", "Remote", "EVDisconnected", "DeAuthorized"}) {
        CHECK_FALSE(is_failure_stop_reason(std::string(reason)));
    }
    CHECK_FALSE(is_failure_stop_reason(std::nullopt)); // OCPP: absent means Local
}

TEST_CASE("usage in a site zone: local hours and days follow the statistics' zone", "[store][usage]")
{
    MigratedDb u;
    u.db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('S', 'Accepted')");
    // 08:00 to 09:00 in Shanghai is 00:00 to 01:00 UTC.
    u.db.exec("INSERT INTO stats_days VALUES ('S', 1, '2026-03-10', 'Asia/Shanghai', 96, 1000, 3600, 86400, 1, 1, 0, "
              "NULL, NULL)");
    u.db.exec("INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, "
              "auth_status, start_received_at, meter_stop_wh, stop_timestamp, stop_reason, stop_received_at) VALUES "
              "('S', 1, 'TAG', 0, '2026-03-10T00:00:00.000Z', 'Accepted', '2026-03-10T00:00:00.000Z', 1000, "
              "'2026-03-10T01:00:00.000Z', 'Local', '2026-03-10T01:00:00.000Z')");
    UsageFilter f;
    f.from_date = f.to_date = "2026-03-10";
    auto later = *csms::base::parse_date_time("2026-03-20T00:00:00Z");
    auto hours = usage_load(u.db, f, UsageBucket::hour, later);
    CHECK(hours.time_zone == "Asia/Shanghai");
    CHECK(hours.rows[8].peak_concurrent == 1);
    CHECK(hours.rows[0].peak_concurrent == 0);
    auto days = usage_load(u.db, f, UsageBucket::day, later);
    REQUIRE(days.rows.size() == 1);
    CHECK(days.rows[0].peak_concurrent == 1);
}
