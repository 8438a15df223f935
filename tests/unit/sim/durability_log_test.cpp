#include "durability_log.hpp"
#include "verify_durability.hpp"

#include "base/time_format.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/sample_store.hpp"
#include "support/sample_record.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace csms::sim;

TEST_CASE("sim durability log: one line per record and back", "[sim][durability]")
{
    const DurableRecord r{DurableKind::meter, "SIM-0001", 42, "2026-11-26T08:30:00.123Z", 10'383};
    const std::string line = format_record(r);
    CHECK(line == "meter SIM-0001 42 2026-11-26T08:30:00.123Z 10383\n");
    CHECK(parse_record(line) == r);
    CHECK(parse_record("start A-1 7 2026-01-01T00:00:00.000Z 10000")->kind == DurableKind::start);
    CHECK(parse_record("stop A-1 7 2026-01-01T00:00:00.000Z 10500\n")->meter_wh == 10'500);
}

TEST_CASE("sim durability log: malformed lines are refused", "[sim][durability]")
{
    for (const char* bad : {"", "meter", "meter A 1 T", "meter A x T 5", "meter A 1 T 5 extra", "boot A 1 T 5",
                            "meter A 1 T 5x", "meter  1 T 5"}) {
        INFO(bad);
        CHECK_FALSE(parse_record(bad));
    }
}

TEST_CASE("sim durability log: the file holds every appended line after flush", "[sim][durability]")
{
    csms::test::TempDir dir;
    const std::string path = dir.file("ack.log");
    {
        DurabilityLog log(path);
        log.append({DurableKind::start, "SIM-0001", 1, "2026-01-01T00:00:00.000Z", 10'000});
        log.append({DurableKind::stop, "SIM-0001", 1, "2026-01-01T00:01:00.000Z", 10'122});
    }
    std::ifstream in(path);
    std::string a, b, c;
    REQUIRE(std::getline(in, a));
    REQUIRE(std::getline(in, b));
    CHECK_FALSE(std::getline(in, c));
    CHECK(a == "start SIM-0001 1 2026-01-01T00:00:00.000Z 10000");
    CHECK(b == "stop SIM-0001 1 2026-01-01T00:01:00.000Z 10122");
}

TEST_CASE("sim verify-durability: finds logged rows and names the missing ones", "[sim][durability]")
{
    csms::test::TempDir dir;
    const std::string db_path = dir.file("csms.db");
    {
        csms::store::Database db(db_path);
        csms::store::migrate(db);
        db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('SIM-0001', 'Accepted')");
        db.exec("INSERT INTO transactions (transaction_id, charger_id, connector_id, id_tag, meter_start_wh, "
                "start_timestamp, auth_status, start_received_at, meter_stop_wh, stop_timestamp, stop_received_at) "
                "VALUES (5, 'SIM-0001', 1, 'TAG-0001', 10000, '2026-01-01T00:00:00.000Z', 'Accepted', "
                "'2026-01-01T00:00:00.000Z', 10122, '2026-01-01T00:01:00.000Z', '2026-01-01T00:01:00.000Z')");
        auto sample = csms::test::sample_record("SIM-0001", 1, *csms::base::parse_date_time("2026-01-01T00:00:30.000Z"),
                                                "Energy.Active.Import.Register", 10061, "Wh");
        sample.transaction_id = 5;
        csms::store::insert_samples(db, {sample});
    }
    const std::string log_path = dir.file("ack.log");
    {
        std::ofstream log(log_path);
        log << "start SIM-0001 5 2026-01-01T00:00:00.000Z 10000\n"
            << "meter SIM-0001 5 2026-01-01T00:00:30.000Z 10061\n"
            << "stop SIM-0001 5 2026-01-01T00:01:00.000Z 10122\n"
            << "meter SIM-0001 5 2026-01-01T00:00:45.000Z 10090\n" // never stored
            << "start SIM-0002 6 2026-01-01T00:00:00.000Z 10000\n" // another charger's id
            << "not a line\n";
    }
    const VerifyResult r = verify_durability(log_path, db_path);
    CHECK(r.logged == 6);
    CHECK(r.found == 3);
    CHECK(r.missing_count == 3);
    CHECK(r.malformed == 1);
    REQUIRE(r.missing.size() == 3);
    CHECK(r.missing[0] == "meter SIM-0001 5 2026-01-01T00:00:45.000Z 10090");
    CHECK(format_verify_json(r) == R"({"logged":6,"found":3,"missing":3})");
    CHECK(format_verify_text(r).starts_with("verified 3 of 6 acknowledged messages, 3 missing\n"));
}
