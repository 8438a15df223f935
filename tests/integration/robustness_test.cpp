// Chargers that misbehave below OCPP (hung sockets, frames at the size cap,
// bad UTF-8) must cost csmsd nothing but their own session.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/raw_socket.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace csms::test;

namespace {

std::string write_config(const TempDir& dir, const std::string& text)
{
    const std::string path = dir.file("csmsd.toml");
    std::ofstream(path) << text;
    return path;
}

std::int64_t connected(const CsmsdProcess& csmsd)
{
    auto body = http_get(csmsd.admin_port(), "/health").body;
    auto at = body.find("\"connected_chargers\":");
    return at == std::string::npos ? -1 : std::stoll(body.substr(at + 21));
}

// A DataTransfer CALL of exactly `bytes` bytes.
std::string data_transfer_frame(std::size_t bytes)
{
    const std::string head = R"([2,"exact","DataTransfer",{"vendorId":"e2e","data":")";
    const std::string tail = R"("}])";
    return head + std::string(bytes - head.size() - tail.size(), 'd') + tail;
}

} // namespace

TEST_CASE("ocpp.idle_timeout_s: a charger that stops answering pings is dropped, a quiet one is kept", "[e2e][limits]")
{
    TempDir dir;
    CsmsdProcess csmsd(
        dir, CsmsdOptions{
                 true, {"--config", write_config(dir, "[ocpp]\nidle_timeout_s = 1\n")}, {}, std::chrono::seconds(20)});
    RawSocket hung;
    CHECK(hung.upgrade(csmsd.ws_port(), "/ocpp/HUNG-1") == "HTTP/1.1 101 Switching Protocols");
    auto quiet = accepted_charger(csmsd.ws_port(), "QUIET-1");
    CHECK(connected(csmsd) == 2);

    // The quiet charger sends nothing for longer than the idle timeout but
    // answers the server's pings (its client reads all the while).
    CHECK(quiet->read(std::chrono::milliseconds(2500)).status == ReadStatus::timeout);
    // The hung one never answers: the server gives up on it.
    CHECK(hung.wait_eof(std::chrono::seconds(5)));
    CHECK(wait_until([&] { return connected(csmsd) == 1; }, std::chrono::seconds(5)));
    CHECK(is_call_result(quiet->call("Heartbeat", "{}")));
}

TEST_CASE("SIGTERM: a hung charger cannot hold up the shutdown", "[e2e][shutdown]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    RawSocket hung;
    REQUIRE(hung.upgrade(csmsd.ws_port(), "/ocpp/HUNG-2") == "HTTP/1.1 101 Switching Protocols");
    auto polite = accepted_charger(csmsd.ws_port(), "POLITE-2");
    REQUIRE(is_call_result(polite->call("Heartbeat", "{}")));

    const auto started = std::chrono::steady_clock::now();
    csmsd.signal(SIGTERM);
    auto closed = polite->wait_closed(std::chrono::seconds(15));
    REQUIRE(closed.status == ReadStatus::closed);
    REQUIRE(closed.close_code);
    CHECK(*closed.close_code == 1001);
    auto status = csmsd.wait_exit(std::chrono::seconds(20));
    REQUIRE(status);
    CHECK(status->describe() == "exit code 0");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(12));
    CHECK(hung.wait_eof(std::chrono::seconds(2)));
}

TEST_CASE("ocpp.max_frame_bytes: a frame of exactly the cap is served, one byte more is not", "[e2e][limits]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, CsmsdOptions{true,
                                         {"--config", write_config(dir, "[ocpp]\nmax_frame_bytes = 4096\n")},
                                         {},
                                         std::chrono::seconds(20)});
    auto charger = accepted_charger(csmsd.ws_port(), "EXACT-1");
    const auto exact = data_transfer_frame(4096);
    REQUIRE(exact.size() == 4096);
    auto reply = charger->send_and_wait(exact, "exact");
    CHECK(is_call_result(reply));

    const auto over = data_transfer_frame(4097);
    REQUIRE(charger->send_text(over));
    auto closed = charger->wait_closed(std::chrono::seconds(5));
    REQUIRE(closed.status == ReadStatus::closed);
    REQUIRE(closed.close_code);
    CHECK(*closed.close_code == 1009);
}

TEST_CASE("A text frame that is not UTF-8 costs only that session", "[e2e][limits]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto bad = accepted_charger(csmsd.ws_port(), "UTF8-1");
    auto bystander = accepted_charger(csmsd.ws_port(), "UTF8-2");
    REQUIRE(bad->send_text(std::string("[2,\"u8\",\"Authorize\",{\"idTag\":\"\xc3\x28\"}]")));
    auto answer = bad->read(std::chrono::seconds(5));
    if (answer.status == ReadStatus::message) {
        // Answered in OCPP terms: a FormationViolation for the frame.
        rapidjson::Document doc;
        doc.Parse(answer.text.c_str());
        INFO(answer.text);
        CHECK(error_code(doc) == "FormationViolation");
        CHECK(is_call_result(bad->call("Heartbeat", "{}")));
    } else {
        // Or refused in WebSocket terms: 1007, invalid frame payload data.
        REQUIRE(answer.status == ReadStatus::closed);
        REQUIRE(answer.close_code);
        CHECK(*answer.close_code == 1007);
    }
    CHECK(is_call_result(bystander->call("Heartbeat", "{}")));
    TestDb db(csmsd.db_path());
    CHECK(db.count("transactions") == 0);
}

TEST_CASE("DataTransfer and firmware/diagnostics notifications are stored", "[e2e][notifications]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "NOTE-1");
    auto transfer = charger->call("DataTransfer", R"({"vendorId":"com.example","messageId":"m1","data":"hello"})");
    CHECK(result_string(transfer, "status") == "UnknownVendorId");
    CHECK(is_call_result(charger->call("FirmwareStatusNotification", R"({"status":"Downloading"})")));
    CHECK(is_call_result(charger->call("FirmwareStatusNotification", R"({"status":"Installed"})")));
    CHECK(is_call_result(charger->call("DiagnosticsStatusNotification", R"({"status":"Uploaded"})")));

    TestDb db(csmsd.db_path());
    CHECK(db.rows("SELECT charger_id, vendor_id, message_id, data FROM data_transfers") ==
          std::vector<TestDb::Row>{{"NOTE-1", "com.example", "m1", "hello"}});
    CHECK(db.rows("SELECT status FROM firmware_status_history ORDER BY id") ==
          std::vector<TestDb::Row>{{"Downloading"}, {"Installed"}});
    CHECK(db.rows("SELECT firmware_status, diagnostics_status FROM chargers WHERE charger_id = 'NOTE-1'") ==
          std::vector<TestDb::Row>{{"Installed", "Uploaded"}});
    CHECK(db.rows("SELECT status FROM diagnostics_status_history") == std::vector<TestDb::Row>{{"Uploaded"}});
}

TEST_CASE("Transaction ids are never handed out twice, even across a crash", "[e2e][durability][transaction]")
{
    TempDir dir;
    std::int64_t before = 0;
    std::string db_path;
    {
        CsmsdProcess csmsd(dir);
        db_path = csmsd.db_path();
        auto charger = accepted_charger(csmsd.ws_port(), "IDS-1");
        auto start = charger->call("StartTransaction", start_payload(1, "TAG-I", 0, test_time(0)));
        REQUIRE(is_call_result(start));
        before = start[2]["transactionId"].GetInt64();
        csmsd.kill9();
    }
    CsmsdProcess restarted(dir, CsmsdOptions{true, {}, db_path, std::chrono::seconds(20)});
    auto charger = accepted_charger(restarted.ws_port(), "IDS-1");
    // The retry of the start the charger may not have seen answered.
    auto retry = charger->call("StartTransaction", start_payload(1, "TAG-I", 0, test_time(0)));
    REQUIRE(is_call_result(retry));
    CHECK(retry[2]["transactionId"].GetInt64() == before);
    auto next = charger->call("StartTransaction", start_payload(2, "TAG-J", 0, test_time(1000)));
    REQUIRE(is_call_result(next));
    CHECK(next[2]["transactionId"].GetInt64() > before);
}
