#pragma once
// Many chargers on their own threads, each sending MeterValues and
// StatusNotifications as fast as they are answered, remembering exactly
// which ones were acknowledged, until the connection ends. Each message is
// unique (value and timestamp), so the database can be checked for every
// acknowledged one afterwards. No assertions here: threads only record.
#include "support/charger.hpp"
#include "support/test_db.hpp"

#include <atomic>
#include <memory>
#include <set>
#include <thread>

namespace csms::test {

struct ChargerTraffic {
    std::string charger_id;
    bool booted = false;
    std::vector<std::string> acked_meter_values; // sampledValue.value, unique per charger
    std::vector<std::string> acked_statuses;     // timestamps, unique per charger
    std::string ended_by;                        // why the loop stopped
    std::optional<std::uint16_t> close_code;
};

class TrafficGenerator {
public:
    TrafficGenerator(std::uint16_t port, int chargers, std::string prefix)
        : results_(static_cast<std::size_t>(chargers))
    {
        for (int i = 0; i < chargers; ++i) {
            auto& r = results_[static_cast<std::size_t>(i)];
            char id[32];
            std::snprintf(id, sizeof id, "%s-%02d", prefix.c_str(), i);
            r.charger_id = id;
            threads_.emplace_back([this, port, i, &r] { run(port, i, r); });
        }
    }
    ~TrafficGenerator() { join(); }
    TrafficGenerator(const TrafficGenerator&) = delete;
    TrafficGenerator& operator=(const TrafficGenerator&) = delete;

    int booted() const { return booted_.load(); }
    int acked() const { return acked_.load(); }
    // Tells the loops to end after their current call (they also end when
    // the server goes away).
    void stop() { stop_ = true; }
    const std::vector<ChargerTraffic>& join()
    {
        for (auto& t : threads_) {
            if (t.joinable()) {
                t.join();
            }
        }
        return results_;
    }

    // Acknowledged messages missing from the database, as readable lines.
    static std::vector<std::string> missing(TestDb& db, const std::vector<ChargerTraffic>& results)
    {
        std::vector<std::string> out;
        for (const auto& r : results) {
            if (r.booted && db.scalar("SELECT count(*) FROM chargers WHERE charger_id = ?", {r.charger_id}) != 1) {
                out.push_back(r.charger_id + ": acknowledged BootNotification, no chargers row");
            }
            std::set<std::string> values, stamps;
            for (auto& row : db.rows("SELECT value FROM meter_values WHERE charger_id = ?", {r.charger_id})) {
                values.insert(row[0]);
            }
            for (auto& row : db.rows("SELECT timestamp FROM status_history WHERE charger_id = ?", {r.charger_id})) {
                stamps.insert(row[0]);
            }
            for (const auto& v : r.acked_meter_values) {
                if (!values.contains(v)) {
                    out.push_back(r.charger_id + ": acknowledged MeterValues " + v + " not stored");
                }
            }
            for (const auto& s : r.acked_statuses) {
                if (!stamps.contains(s)) {
                    out.push_back(r.charger_id + ": acknowledged StatusNotification at " + s + " not stored");
                }
            }
        }
        return out;
    }

private:
    void run(std::uint16_t port, int index, ChargerTraffic& r)
    {
        std::unique_ptr<WsClient> client;
        try {
            client = accepted_charger(port, r.charger_id);
            r.booted = true;
            booted_.fetch_add(1);
            const std::int64_t base_ms = static_cast<std::int64_t>(index) * 10'000'000;
            for (std::int64_t seq = 0; !stop_; ++seq) {
                const auto ts = test_time(base_ms + seq * 10);
                if (seq % 2 == 0) {
                    const auto value = std::to_string(static_cast<std::int64_t>(index) * 10'000'000 + seq);
                    auto reply = client->call("MeterValues", meter_values_payload(1, ts, value));
                    if (!is_call_result(reply)) {
                        r.ended_by = "MeterValues answered " + to_json(reply);
                        break;
                    }
                    r.acked_meter_values.push_back(value);
                } else {
                    auto reply = client->call("StatusNotification",
                                              status_payload(1, seq % 4 == 1 ? "Charging" : "Available", ts));
                    if (!is_call_result(reply)) {
                        r.ended_by = "StatusNotification answered " + to_json(reply);
                        break;
                    }
                    r.acked_statuses.push_back(ts);
                }
                acked_.fetch_add(1);
            }
            if (r.ended_by.empty()) {
                r.ended_by = "stopped";
            }
        } catch (const std::exception& e) {
            r.ended_by = e.what();
        }
        if (client) {
            auto end = client->wait_closed(stop_ ? std::chrono::milliseconds(0) : std::chrono::seconds(10));
            r.close_code = end.close_code;
        }
    }

    std::vector<ChargerTraffic> results_;
    std::vector<std::thread> threads_;
    std::atomic<int> booted_{0};
    std::atomic<int> acked_{0};
    std::atomic<bool> stop_{false};
};

} // namespace csms::test
