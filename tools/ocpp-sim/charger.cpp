#include "charger.hpp"

#include "client.hpp"
#include "ocpp/frame.hpp"

#include <chrono>
#include <string>

namespace csms::sim {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Script mode: the Scenario's CALLs one after another over one connection,
// each as soon as the last one's answer came; then close 1000, or first the
// hold, answering the server's CALLs and running the sessions it starts.
class ScriptSchedule final : public ChargerSchedule {
public:
    ScriptSchedule(const ChargerSettings& settings, const base::Clock& clock)
        : scenario_(settings.scenario, clock), start_delay_(settings.start_delay), hold_(settings.hold)
    {
    }

    void start(Client& client) override
    {
        if (start_delay_.count() > 0) {
            return client.set_alarm(Client::Alarm::next, SteadyClock::now() + start_delay_,
                                    [&client] { client.connect(); });
        }
        client.connect();
    }

    void on_open(Client& client) override { send_next_call(client); }

    void on_result(Client& client, const rapidjson::Value& payload) override
    {
        record_latency();
        ++client.stats().results;
        Verdict verdict = scenario_.check_result(payload);
        if (!verdict.expected) {
            ++client.stats().unexpected;
            client.fail(std::move(verdict.reason));
            return client.close();
        }
        if (scenario_.done()) {
            if (holding_) {
                return; // a remote session's CALLs are through; the hold goes on
            }
            if (hold_.count() > 0) {
                return start_hold(client);
            }
            client.stats().completed = true;
            return client.close();
        }
        send_next_call(client);
    }

    void on_call_error(Client& client, const ocpp::Frame& frame) override
    {
        record_latency();
        client.stats().errors[frame.error_code] += 1;
        client.fail(std::string(action_) + " got CALLERROR " + frame.error_code + ": " + frame.error_description);
        client.close();
    }

    void on_call_timeout(Client& client, std::string reason) override
    {
        client.stats().errors["Timeout"] += 1;
        client.fail(std::move(reason));
        client.close();
    }

    ServerCallAnswer answer(Client&, const ocpp::Frame& frame) override
    {
        return scenario_.answer_call(frame.action, frame.payload());
    }

    // An accepted remote start or stop (only ever during the hold) queued
    // CALLs of the charger's own: start them unless one is in flight, in
    // which case on_result sends them in turn. The answer goes first.
    void on_answered(Client& client) override
    {
        if (holding_ && !client.call_in_flight() && !scenario_.done()) {
            send_next_call(client);
        }
    }

    void on_lost(Client& client, bool call_in_flight) override
    {
        if (call_in_flight) {
            // The reply is never coming: that is an error, not a silent drop.
            client.stats().errors["ConnectionLost"] += 1;
        }
        client.abort(client.lost_reason(holding_ ? " during the hold" : ""));
    }

    void on_ended(Client& client, const ConnectionEnd& end) override
    {
        if (end.failed) {
            client.fail(end.reason);
        }
        client.finish();
    }

private:
    void send_next_call(Client& client)
    {
        Call call = scenario_.next_call();
        const std::string_view unique_id = client.next_call_id();
        action_ = call.action;
        sent_ = SteadyClock::now();
        client.send_call(call.action, ocpp::serialize_call(unique_id, call.action, call.payload));
    }

    // Every reply, from the moment its CALL left.
    void record_latency()
    {
        const auto latency = SteadyClock::now() - sent_;
        thread_recorders().latency.record(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    }

    // Script done: stay connected, answering the server's CALLs and sending
    // what a remote start or stop brings about, one CALL at a time; count as
    // completed only if the hold ends on our side.
    void start_hold(Client& client)
    {
        holding_ = true;
        client.set_alarm(Client::Alarm::hold, SteadyClock::now() + hold_, [this, &client] {
            holding_ = false;
            client.stats().completed = true;
            client.close();
        });
    }

    Scenario scenario_;
    std::chrono::microseconds start_delay_;
    std::chrono::milliseconds hold_;
    std::string_view action_; // of the CALL in flight (static text)
    SteadyClock::time_point sent_{};
    bool holding_ = false;
};

} // namespace

std::shared_ptr<Charger> make_charger(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                      std::shared_ptr<TlsClient> tls, ChargerSettings settings, FrameLog& log,
                                      const base::Clock& clock, std::function<void()> on_done)
{
    ClientSettings client;
    client.charge_point_id = settings.scenario.charge_point_id;
    client.host_header = settings.host_header;
    client.target = settings.target;
    client.authorization = settings.authorization;
    client.call_timeout = settings.call_timeout;
    client.sources = settings.sources;
    client.describe_connection = true;
    auto schedule = std::make_unique<ScriptSchedule>(settings, clock);
    return make_client(ioc, std::move(endpoints), std::move(tls), std::move(client), std::move(schedule), log,
                       std::move(on_done));
}

} // namespace csms::sim
