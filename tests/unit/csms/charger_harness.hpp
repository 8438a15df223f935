#pragma once
// One charger wired exactly as csmsd wires it (ChargerService's sink factory,
// a real Writer on a temporary SQLite file), minus the socket: frames go in
// through the endpoint and come out of a LoopbackConnection.
#include "base/clock.hpp"
#include "base/metrics.hpp"
#include "base/time_format.hpp"
#include "csms/charger_service.hpp"
#include "csms/last_seen.hpp"
#include "ocpp/schema_registry.hpp"
#include "store/database.hpp"
#include "store/statement.hpp"
#include "store/writer.hpp"
#include "support/loopback_connection.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace csms::test {

class ChargerHarness {
public:
    explicit ChargerHarness(Policy policy = Policy::development(), std::string charger_id = "CP-1")
        : writer_(dir_.file("csms.db"), {}, metrics_),
          last_seen_(writer_), services_{writer_, clock_, policy, registry_, last_seen_},
          service_(schemas(), metrics_, ocpp::EndpointOptions{}, services_)
    {
        connect(std::move(charger_id));
    }

    ~ChargerHarness()
    {
        // What the WebSocket layer does when a socket ends; it also breaks
        // the endpoint <-> session reference cycle.
        for (auto& [sink, connection] : old_) {
            sink->on_closed();
        }
        if (sink_) {
            sink_->on_closed();
        }
    }
    ChargerHarness(const ChargerHarness&) = delete;
    ChargerHarness& operator=(const ChargerHarness&) = delete;

    // A new connection; the previous one stays open until the test closes it.
    // over_tls: as if it came in over wss.
    void connect(std::string charger_id, bool over_tls = true)
    {
        if (sink_) {
            old_.emplace_back(sink_, connection_);
        }
        connection_ = std::make_shared<LoopbackConnection>();
        sink_ = service_.sink_factory()(connection_, net::PeerIdentity{std::move(charger_id), "loopback", over_tls});
    }

    // Sends [2,id,action,payload] and returns the parsed answer frame.
    rapidjson::Document call(const std::string& action, const std::string& payload_json)
    {
        auto id = std::to_string(next_id_++);
        auto before = connection_->sent().size();
        sink_->on_text("[2,\"" + id + "\",\"" + action + "\"," + payload_json + "]");
        auto frames = connection_->wait_for_frames(before + 1);
        REQUIRE(frames.size() == before + 1);
        rapidjson::Document reply;
        reply.Parse(frames.back().c_str());
        REQUIRE(reply.IsArray());
        REQUIRE(std::string(reply[1].GetString()) == id);
        return reply;
    }

    // Any frame from the charger, e.g. its answer to a CALL of ours.
    void send_text(const std::string& frame) { sink_->on_text(frame); }

    // The payload of a CALLRESULT; fails the test on a CALLERROR.
    rapidjson::Document result(const std::string& action, const std::string& payload_json)
    {
        auto reply = call(action, payload_json);
        INFO(action << " answered with " << (reply[0].GetInt() == 4 ? reply[2].GetString() : "a result"));
        REQUIRE(reply[0].GetInt() == 3);
        rapidjson::Document payload;
        payload.CopyFrom(reply[2], payload.GetAllocator());
        return payload;
    }

    // The CALLERROR code, or "" for a CALLRESULT.
    std::string error_code(const std::string& action, const std::string& payload_json)
    {
        auto reply = call(action, payload_json);
        return reply[0].GetInt() == 4 ? reply[2].GetString() : "";
    }

    void boot()
    {
        auto reply = result("BootNotification", R"({"chargePointVendor":"V","chargePointModel":"M"})");
        REQUIRE(std::string(reply["status"].GetString()) == "Accepted");
    }

    // One integer from a query on a second (reader) connection: only what
    // the writer committed is visible there.
    std::int64_t count(const std::string& sql)
    {
        store::Database reader(dir_.file("csms.db"), true);
        auto& statement = reader.cached(sql);
        REQUIRE(statement.step());
        auto value = statement.column_int64(0);
        statement.reset();
        return value;
    }
    std::string text(const std::string& sql)
    {
        store::Database reader(dir_.file("csms.db"), true);
        auto& statement = reader.cached(sql);
        REQUIRE(statement.step());
        auto value = statement.column_text(0);
        statement.reset();
        return value;
    }
    // Runs work on the writer thread and waits for its commit (test set-up).
    void write(std::function<void(store::Database&)> work)
    {
        std::promise<bool> done;
        writer_.submit(std::move(work), [&done](bool ok) { done.set_value(ok); });
        REQUIRE(done.get_future().get());
    }

    // Waits until everything sent so far is committed, coalesced last-seen
    // times included (what csmsd's shutdown does).
    void flush() { writer_.flush(); }
    LastSeen& last_seen() { return last_seen_; }
    // Before the first message: partners' customers' tags go to it.
    void set_authorize_delegate(AuthorizeDelegate* delegate) { services_.authorize_delegate = delegate; }
    // Before the first message: CALLs partners want are copied to it.
    void set_partner_copy(PartnerCopy* partners) { services_.partner_copy = partners; }

    base::ManualClock& clock() { return clock_; }
    LoopbackConnection& connection() { return *connection_; }
    LoopbackConnection& old_connection(std::size_t i) { return *old_.at(i).second; }
    ChargerRegistry& registry() { return registry_; }
    base::Metrics& metrics() { return metrics_; }

private:
    static const ocpp::SchemaRegistry& schemas()
    {
        static const ocpp::SchemaRegistry registry{CSMS_SCHEMA_DIR};
        return registry;
    }

    TempDir dir_;
    base::Metrics metrics_;
    base::ManualClock clock_;
    store::Writer writer_;
    LastSeen last_seen_;
    ChargerRegistry registry_;
    Services services_;
    ChargerService service_;
    std::shared_ptr<LoopbackConnection> connection_;
    std::shared_ptr<net::FrameSink> sink_;
    std::vector<std::pair<std::shared_ptr<net::FrameSink>, std::shared_ptr<LoopbackConnection>>> old_;
    int next_id_ = 1;
};

} // namespace csms::test
