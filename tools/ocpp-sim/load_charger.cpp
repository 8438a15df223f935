#include "load_charger.hpp"

#include "base/time_format.hpp"
#include "client.hpp"
#include "live_meter.hpp"
#include "load_frames.hpp"
#include "ocpp/frame.hpp"
#include "scenario.hpp"
#include "stats.hpp"

#include <algorithm>
#include <optional>
#include <random>

namespace csms::sim {
namespace {

using SteadyClock = std::chrono::steady_clock;

// status: the Available after boot; charging_status: the mix's StatusNotification.
enum class Step { boot, status, start, heartbeat, meter_values, charging_status, stop };

std::string_view action_of(Step step)
{
    switch (step) {
    case Step::boot:
        return "BootNotification";
    case Step::status:
    case Step::charging_status:
        return "StatusNotification";
    case Step::start:
        return "StartTransaction";
    case Step::heartbeat:
        return "Heartbeat";
    case Step::meter_values:
        return "MeterValues";
    case Step::stop:
        return "StopTransaction";
    }
    return "?";
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name)
{
    if (!object.IsObject()) {
        return nullptr;
    }
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string string_or(const rapidjson::Value* v, std::string_view fallback)
{
    return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string(fallback);
}

class LoadChargerSchedule final : public ChargerSchedule {
public:
    LoadChargerSchedule(LoadSettings settings, const base::Clock& clock)
        : settings_(std::move(settings)), clock_(clock),
          rng_(0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(settings_.number)),
          mix_(settings_.mix, 0xC2B2AE3D27D4EB4Full * static_cast<std::uint64_t>(settings_.number)),
          live_meter_(meter_wh_, 0x165667B19E3779F9ull * static_cast<std::uint64_t>(settings_.number))
    {
        if (!settings_.storm) {
            const auto hb = settings_.heartbeat_interval;
            const auto mv = settings_.meter_interval;
            schedule_ =
                LoadSchedule(PeriodicSchedule(hb, random_phase(hb, rng_), settings_.load_start, settings_.load_end),
                             PeriodicSchedule(mv, random_phase(mv, rng_), settings_.load_start, settings_.load_end));
        }
    }

    void start(Client& client) override { client.set_alarm(Client::Alarm::next, settings_.connect_at, dial(client)); }

    void on_open(Client& client) override { send(client, Step::boot, SteadyClock::now()); }

    void on_result(Client& client, const rapidjson::Value& payload) override
    {
        const auto now = SteadyClock::now();
        const Pending call = take_pending(now);
        ++client.stats().results;
        if (!settings_.storm && periodic(call.step)) {
            ++client.stats().load_calls;
            client.stats().last_load_reply = now;
        }
        switch (call.step) {
        case Step::boot: {
            const std::string status = string_or(member(payload, "status"), "<missing>");
            if (status != "Accepted") {
                return unexpected_reply(client, "BootNotification status " + status);
            }
            return send(client, Step::status, now);
        }
        case Step::status:
            if (settings_.storm) {
                client.stats().converged = true;
                client.stats().converged_at = now;
                return start_hold(client);
            }
            if (settings_.meter_interval.count() > 0 || settings_.closed_loop) {
                return send(client, Step::start, now);
            }
            return start_load(client);
        case Step::start: {
            const rapidjson::Value* info = member(payload, "idTagInfo");
            const std::string status = string_or(info != nullptr ? member(*info, "status") : nullptr, "<missing>");
            const rapidjson::Value* tx = member(payload, "transactionId");
            if (status != "Accepted") {
                return unexpected_reply(client, "StartTransaction idTagInfo.status " + status);
            }
            if (tx == nullptr || !tx->IsInt64()) {
                return unexpected_reply(client, "StartTransaction transactionId missing or not an integer");
            }
            transaction_id_ = tx->GetInt64();
            log_durable(client, DurableKind::start, call);
            return start_load(client);
        }
        case Step::heartbeat:
            if (settings_.storm) {
                return client.set_alarm(Client::Alarm::next, now + settings_.heartbeat_interval,
                                        [this, &client] { hold_heartbeat(client); });
            }
            return next_slot(client);
        case Step::meter_values:
            log_durable(client, DurableKind::meter, call);
            return next_slot(client);
        case Step::charging_status:
            return next_slot(client);
        case Step::stop:
            log_durable(client, DurableKind::stop, call);
            transaction_id_.reset();
            completed_ = true;
            return client.close();
        }
    }

    void on_call_error(Client& client, const ocpp::Frame& frame) override
    {
        const Pending call = take_pending(SteadyClock::now());
        std::string reason =
            std::string(action_of(call.step)) + " got CALLERROR " + frame.error_code + ": " + frame.error_description;
        if (converging(client)) {
            return client.abort(std::move(reason));
        }
        client.stats().errors[frame.error_code] += 1;
        client.fail(std::move(reason));
        client.close();
    }

    void on_call_timeout(Client& client, std::string reason) override
    {
        pending_.reset();
        if (!converging(client)) {
            client.stats().errors["Timeout"] += 1;
        }
        client.abort(std::move(reason));
    }

    ServerCallAnswer answer(Client&, const ocpp::Frame& frame) override { return answer_server_call(frame.action); }

    void on_lost(Client& client, bool call_in_flight) override
    {
        std::string reason = client.lost_reason("");
        if (!settings_.storm && settings_.durability != nullptr) {
            client.log().line(client.id(), '*', "dropped: " + reason);
            client.stats().dropped = true;
            dropped_ = true;
            return client.drop();
        }
        if (call_in_flight && !converging(client)) {
            // The reply is never coming: that is an error, not a silent drop.
            client.stats().errors["ConnectionLost"] += 1;
        }
        client.abort(std::move(reason));
    }

    void on_ended(Client& client, const ConnectionEnd& end) override
    {
        pending_.reset();
        if (dropped_) {
            client.stats().completed = true; // acknowledged work is logged; the drop is the test
            return client.finish();
        }
        if (!end.failed) {
            client.stats().completed = completed_;
            return client.finish();
        }
        if (converging(client)) {
            return schedule_retry(client, end.reason);
        }
        client.fail(end.reason);
        client.finish();
    }

private:
    struct Pending {
        Step step;
        SteadyPoint intended;  // the due time (load) or the send time
        std::string timestamp; // as sent; kept for the durability log only
        std::int64_t meter_wh = 0;
    };

    bool converging(Client& client) const { return settings_.storm && !client.stats().converged; }

    // ---- connecting -----------------------------------------------------

    std::function<void()> dial(Client& client)
    {
        return [this, &client] {
            ++attempts_;
            client.connect();
        };
    }

    void schedule_retry(Client& client, const std::string& reason)
    {
        client.log().line(client.id(), '!', "retrying after: " + reason);
        const auto delay = retry_delay(settings_.retry, attempts_, rng_);
        const auto at = SteadyClock::now() + delay;
        if (at >= settings_.storm_deadline) {
            client.fail("not converged within --storm-timeout; last attempt: " + reason);
            return client.finish();
        }
        client.set_alarm(Client::Alarm::next, at, dial(client));
    }

    // ---- replies --------------------------------------------------------

    static bool periodic(Step step)
    {
        return step == Step::heartbeat || step == Step::meter_values || step == Step::charging_status;
    }

    static CallKind kind_of(Step step)
    {
        if (step == Step::heartbeat) {
            return CallKind::heartbeat;
        }
        return step == Step::meter_values ? CallKind::meter_values : CallKind::status_notification;
    }

    // The reply to the call in flight: records its latency.
    Pending take_pending(SteadyPoint now)
    {
        Pending call = std::move(*pending_);
        pending_.reset();
        if (settings_.storm || periodic(call.step)) {
            // load: only the periodic calls, from their due time; storm: every call.
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - call.intended).count();
            Recorders& recorders = thread_recorders();
            recorders.latency.record(us);
            if (!settings_.storm) {
                recorders.by_kind[static_cast<std::size_t>(kind_of(call.step))].record(us);
            }
        }
        return call;
    }

    // storm before convergence: a reason to retry; otherwise a failure.
    void unexpected_reply(Client& client, std::string reason)
    {
        if (converging(client)) {
            return client.abort(std::move(reason));
        }
        ++client.stats().unexpected;
        client.fail(std::move(reason));
        client.close();
    }

    void log_durable(Client& client, DurableKind kind, const Pending& call)
    {
        if (settings_.durability != nullptr) {
            settings_.durability->append(
                DurableRecord{kind, client.id(), transaction_id_.value_or(0), call.timestamp, call.meter_wh});
        }
    }

    // ---- load -----------------------------------------------------------

    void start_load(Client& client)
    {
        // A charger up after the window opened does not owe the slots it missed.
        client.stats().load_skipped += schedule_.skip_before(SteadyClock::now());
        next_slot(client);
    }

    void wake_at(Client& client, SteadyPoint at)
    {
        client.set_alarm(Client::Alarm::next, at, [this, &client] { next_slot(client); });
    }

    void next_slot(Client& client)
    {
        if (client.call_in_flight() || !client.open()) {
            return;
        }
        if (settings_.closed_loop) {
            return next_closed_loop_call(client);
        }
        auto slot = schedule_.peek();
        if (!slot) {
            // Connected until the window closes, even with no call left to
            // make: a held charger counts as held for the whole window.
            if (SteadyClock::now() < settings_.load_end) {
                return wake_at(client, settings_.load_end);
            }
            if (transaction_id_) {
                return send(client, Step::stop, SteadyClock::now());
            }
            completed_ = true;
            return client.close();
        }
        if (slot->due > SteadyClock::now()) {
            return wake_at(client, slot->due);
        }
        // Due, or overdue behind a slow reply: sent now, measured from its due time.
        schedule_.pop();
        send(client, slot->action == LoadAction::heartbeat ? Step::heartbeat : Step::meter_values, slot->due);
    }

    // Closed loop: waits for the window, then sends the mix's next call at
    // once, measured from now; after the window, as the open loop ends.
    void next_closed_loop_call(Client& client)
    {
        const auto now = SteadyClock::now();
        if (now < settings_.load_start) {
            return wake_at(client, settings_.load_start);
        }
        if (now >= settings_.load_end) {
            if (transaction_id_) {
                return send(client, Step::stop, now);
            }
            completed_ = true;
            return client.close();
        }
        switch (mix_.next()) {
        case LoadAction::meter_values:
            return send(client, Step::meter_values, now);
        case LoadAction::heartbeat:
            return send(client, Step::heartbeat, now);
        case LoadAction::status_notification:
            return send(client, Step::charging_status, now);
        }
    }

    // ---- storm ----------------------------------------------------------

    void start_hold(Client& client)
    {
        if (settings_.hold.count() <= 0) {
            completed_ = true;
            return client.close();
        }
        const auto now = SteadyClock::now();
        client.set_alarm(Client::Alarm::hold, now + settings_.hold, [this, &client] {
            completed_ = true;
            client.close();
        });
        if (settings_.heartbeat_interval.count() > 0) {
            client.set_alarm(Client::Alarm::next, now + settings_.heartbeat_interval,
                             [this, &client] { hold_heartbeat(client); });
        }
    }

    void hold_heartbeat(Client& client)
    {
        if (!client.call_in_flight() && client.open()) {
            send(client, Step::heartbeat, SteadyClock::now());
        }
    }

    // ---- sending --------------------------------------------------------

    void send(Client& client, Step step, SteadyPoint intended)
    {
        const std::string_view unique_id = client.next_call_id();
        Pending call{step, intended, {}, 0};
        std::string_view text;
        switch (step) {
        case Step::boot:
            text = frames_.boot_notification(unique_id, client.id());
            break;
        case Step::status:
            text = frames_.status_available(unique_id, now_text());
            break;
        case Step::charging_status:
            text = frames_.status(unique_id, "Charging", now_text());
            break;
        case Step::start:
            call.timestamp = now_text();
            call.meter_wh = meter_wh_;
            text = frames_.start_transaction(unique_id, settings_.id_tag, meter_wh_, call.timestamp);
            break;
        case Step::heartbeat:
            text = frames_.heartbeat(unique_id);
            break;
        case Step::meter_values:
            if (settings_.closed_loop) {
                text = live_meter_values(unique_id, call);
                break;
            }
            meter_wh_ += sim_wh_per_sample;
            ++sample_;
            soc_percent_ = std::min(100, soc_percent_ + 1);
            call.timestamp = now_text();
            call.meter_wh = meter_wh_;
            text = frames_.meter_values(unique_id, transaction_id_.value_or(0), call.timestamp,
                                        MeterSample{meter_wh_, soc_percent_, 250 + 5 * (sample_ % 100)});
            break;
        case Step::stop:
            // The energy drawn since the last sample.
            meter_wh_ += sim_wh_per_sample;
            call.timestamp = now_text();
            call.meter_wh = meter_wh_;
            text = frames_.stop_transaction(unique_id, transaction_id_.value_or(0), settings_.id_tag, meter_wh_,
                                            call.timestamp);
            break;
        }
        pending_ = std::move(call);
        // Nothing reads a periodic call's CALLRESULT payload.
        client.send_call(action_of(step), std::string(text), periodic(step));
    }

    std::string_view live_meter_values(std::string_view unique_id, Pending& call)
    {
        const LiveSample sample = live_meter_.next();
        meter_wh_ = sample.energy_wh;
        call.timestamp = now_text();
        call.meter_wh = meter_wh_;
        return frames_.meter_values_live(unique_id, transaction_id_.value_or(0), call.timestamp, sample);
    }

    // Strictly rising per charger: two calls within one millisecond would
    // carry the same timestamp, and the server could take the second sample
    // for a retry of the first.
    std::string now_text()
    {
        base::SysTime t = clock_.now_utc();
        if (t <= last_timestamp_) {
            t = last_timestamp_ + std::chrono::milliseconds(1);
        }
        last_timestamp_ = t;
        return base::format_date_time(t);
    }

    LoadSettings settings_;
    const base::Clock& clock_;
    std::mt19937_64 rng_;
    int attempts_ = 0;
    FrameBuilder frames_;
    std::optional<Pending> pending_; // the CALL in flight, as the client holds it
    LoadSchedule schedule_;
    std::optional<std::int64_t> transaction_id_;
    bool completed_ = false;
    bool dropped_ = false; // load with --durability-log: the server went away
    base::SysTime last_timestamp_{};

    // Simulated meter, as in the scripted mode.
    std::int64_t meter_wh_ = 10'000;
    int soc_percent_ = 20;
    int sample_ = 0;
    // Closed loop: the mix and the varying meter (meter_wh_ follows it).
    MixChooser mix_;
    LiveMeter live_meter_;
};

} // namespace

std::shared_ptr<Charger> make_load_charger(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                           std::shared_ptr<TlsClient> tls, LoadSettings settings, FrameLog& log,
                                           const base::Clock& clock, std::function<void()> on_done)
{
    ClientSettings client;
    client.charge_point_id = settings.charge_point_id;
    client.host_header = settings.host_header;
    client.target = settings.target;
    client.authorization = settings.authorization;
    client.call_timeout = settings.call_timeout;
    client.tls_resume = settings.tls_resume;
    client.sources = settings.sources;
    auto schedule = std::make_unique<LoadChargerSchedule>(std::move(settings), clock);
    return make_client(ioc, std::move(endpoints), std::move(tls), std::move(client), std::move(schedule), log,
                       std::move(on_done));
}

} // namespace csms::sim
