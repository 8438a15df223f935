#include "store/sample_store.hpp"
#include "store/sample_view.hpp"
#include "store/time_column.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

SampleRecord reading(int connector, std::int64_t second, const std::string& measurand, const std::string& value,
                     std::optional<double> base, const std::string& unit, const std::string& phase = "",
                     const std::string& context = "Sample.Periodic")
{
    return SampleRecord{.charger_id = "CP1",
                        .connector_id = connector,
                        .timestamp = at(second),
                        .value = value,
                        .normalized_value = base,
                        .measurand = measurand,
                        .phase = phase,
                        .unit = unit,
                        .context = context,
                        .location = "Outlet",
                        .format = "Raw",
                        .source = "MeterValues",
                        .received_at = at(second)};
}

std::vector<std::int64_t> times(const SampleChart& chart)
{
    std::vector<std::int64_t> out;
    for (const auto& p : chart.points) {
        out.push_back((p.time_ms - to_ms_column(at(0))) / 1000);
    }
    return out;
}

std::vector<double> values(const SampleChart& chart)
{
    std::vector<double> out;
    for (const auto& p : chart.points) {
        out.push_back(p.value);
    }
    return out;
}

struct Filled : MigratedDb {
    Filled()
    {
        db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted')");
        db.exec("BEGIN");
        // Stored out of order; kWh and a Transaction.Begin context; a phase;
        // a reading without a number; another connector.
        insert_samples(db, {reading(1, 120, "Energy.Active.Import.Register", "1.2", 1200, "kWh"),
                            reading(1, 120, "Current.Import", "16.5", 16.5, "A", "L1"),
                            reading(1, 120, "Current.Import", "16.1", 16.1, "A", "L2")});
        insert_samples(db,
                       {reading(1, 0, "Energy.Active.Import.Register", "1000", 1000, "Wh", "", "Transaction.Begin")});
        insert_samples(db, {reading(1, 60, "Energy.Active.Import.Register", "1.1", 1100, "kWh"),
                            reading(1, 60, "Current.Import", "16", 16, "A", "L1")});
        insert_samples(db, {reading(1, 90, "Energy.Active.Import.Register", "n/a", std::nullopt, "Wh")});
        insert_samples(db, {reading(2, 60, "Energy.Active.Import.Register", "5", 5, "Wh")});
        db.exec("COMMIT");
    }

    SampleChart read(SampleRange range)
    {
        range.charger_id = "CP1";
        range.connector_id = range.connector_id == 0 ? 1 : range.connector_id;
        return connector_samples(db, range);
    }
};

} // namespace

TEST_CASE("connector_samples: a measurand's readings in time order, in its base unit, contexts in one series",
          "[store][samples]")
{
    Filled f;
    auto energy = f.read({.measurand = "Energy.Active.Import.Register"});
    REQUIRE(energy.series.size() == 1);
    CHECK(energy.series[0].unit == "Wh");
    CHECK(energy.series[0].location == "Outlet");
    CHECK(times(energy) == std::vector<std::int64_t>{0, 60, 120});
    CHECK(values(energy) == std::vector<double>{1000, 1100, 1200});
    CHECK_FALSE(energy.truncated);
}

TEST_CASE("connector_samples: phases are series of their own; a phase filter keeps one", "[store][samples]")
{
    Filled f;
    auto current = f.read({.measurand = "Current.Import"});
    REQUIRE(current.series.size() == 2);
    CHECK(current.series[0].phase == "L1");
    CHECK(current.series[1].phase == "L2");
    REQUIRE(current.points.size() == 3);
    CHECK(current.points[0].series == 0);
    CHECK(current.points[1].series == 0);
    CHECK(current.points[1].value == 16.5);
    CHECK(current.points[2].series == 1);
    auto l2 = f.read({.measurand = "Current.Import", .phase = "L2"});
    CHECK(values(l2) == std::vector<double>{16.1});
    CHECK(f.read({.measurand = "Current.Import", .phase = ""}).points.empty());
}

TEST_CASE("connector_samples: time bounds, limit, every measurand, unknown connector", "[store][samples]")
{
    Filled f;
    const auto from = to_ms_column(at(60));
    const auto to = to_ms_column(at(120));
    CHECK(times(f.read({.measurand = "Energy.Active.Import.Register", .from_ms = from, .to_ms = to})) ==
          std::vector<std::int64_t>{60});
    auto two = f.read({.measurand = "Energy.Active.Import.Register", .limit = 2});
    CHECK(times(two) == std::vector<std::int64_t>{0, 60});
    CHECK(two.truncated);
    auto exact = f.read({.measurand = "Energy.Active.Import.Register", .limit = 3});
    CHECK_FALSE(exact.truncated);
    auto all = f.read({});
    CHECK(all.points.size() == 6); // the reading without a number is left out
    CHECK(all.series.size() == 3);
    CHECK(values(f.read({.connector_id = 2})) == std::vector<double>{5});
    CHECK(f.read({.connector_id = 3}).points.empty());
    CHECK(f.read({.measurand = "SoC"}).series.empty());
}

TEST_CASE("base_unit: kilo units and temperatures convert, the rest stay", "[store][samples]")
{
    CHECK(base_unit("kWh") == "Wh");
    CHECK(base_unit("kvarh") == "varh");
    CHECK(base_unit("kW") == "W");
    CHECK(base_unit("Fahrenheit") == "Celsius");
    CHECK(base_unit("K") == "Celsius");
    CHECK(base_unit("Celcius") == "Celsius");
    CHECK(base_unit("A") == "A");
    CHECK(base_unit("Percent") == "Percent");
}
