#include "billing/engine.hpp"

#include "billing/bill.hpp"
#include "billing/idle_time.hpp"
#include "store/security_store.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <condition_variable>

namespace csms::billing {
namespace {

constexpr int max_statuses_per_session = 1000;

std::string joined(const std::vector<Anomaly>& anomalies)
{
    std::string out;
    for (auto a : anomalies) {
        out += (out.empty() ? "" : ",") + std::string(to_string(a));
    }
    return out;
}

std::string alert_message(const store::NewBillingRecord& r, std::int64_t record_id)
{
    return "session " + std::to_string(r.transaction_id) + " on " + r.charger_id + " connector " +
           std::to_string(r.connector_id) + " was not billed (" + r.anomalies + "; meterStart " +
           std::to_string(r.meter_start_wh) + " Wh, meterStop " + std::to_string(r.meter_stop_wh) +
           " Wh): settle billing record " + std::to_string(record_id) + " with an adjustment";
}

// Counts the jobs of one pass until the writer has reported them all.
class PendingJobs {
public:
    void add() { ++count_; }
    void done()
    {
        std::lock_guard lock(mutex_);
        --count_;
        done_.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(mutex_);
        done_.wait(lock, [this] { return count_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable done_;
    int count_ = 0;
};

} // namespace

Engine::Engine(const std::string& db_path, std::shared_ptr<const TariffBook> tariffs, store::Writer& writer,
               const base::Clock& clock, Options options)
    : db_(db_path, true), writer_(writer), clock_(clock), options_(options), tariffs_(std::move(tariffs)),
      poller_("billing", options.poll_interval, [this] { return poll_once(); })
{
    if (auto* metrics = options_.metrics) {
        queue_depth_ = &metrics->gauge("csms_billing_queue_depth",
                                       "Stopped sessions waiting for their billing record (an idle fee waits for "
                                       "the car to leave), at the engine's last pass");
        const std::string help = "Billing records issued, by status (flagged: not billable, with an alert)";
        records_billed_ = &metrics->counter("csms_billing_records_total", help, {{"status", "billed"}});
        records_flagged_ = &metrics->counter("csms_billing_records_total", help, {{"status", "flagged"}});
    }
}

Engine::~Engine()
{
    stop();
}

void Engine::start()
{
    // Committed before the first charger message is handled, so that every
    // stop from now on is queued and none from before is.
    writer_.submit([now = clock_.now_utc()](store::Database& db) { store::mark_billing_started(db, now); },
                   [](bool ok) {
                       if (!ok) {
                           spdlog::error("billing: could not record when billing started; stops are not queued");
                       }
                   });
    writer_.flush();
    poller_.start();
}

void Engine::stop()
{
    poller_.stop();
}

void Engine::set_tariffs(std::shared_ptr<const TariffBook> tariffs)
{
    std::lock_guard lock(tariffs_mutex_);
    tariffs_ = std::move(tariffs);
}

std::shared_ptr<const TariffBook> Engine::tariffs() const
{
    std::lock_guard lock(tariffs_mutex_);
    return tariffs_;
}

bool Engine::poll_once()
{
    auto book = tariffs();
    auto queued = store::queued_sessions(db_, scan_after_, options_.sessions_per_poll);
    bool more = static_cast<int>(queued.size()) == options_.sessions_per_poll;
    scan_after_ = more ? queued.back().transaction_id : 0;

    auto pending = std::make_shared<PendingJobs>();
    for (const auto& session : queued) {
        auto record = bill_if_ready(session, *book);
        if (!record) {
            continue;
        }
        pending->add();
        // Set by the job when it wrote the record (not one billed before a
        // restart), read once its commit is known.
        auto inserted = std::make_shared<bool>(false);
        auto* issued = record->status == "flagged" ? records_flagged_ : records_billed_;
        writer_.submit(
            [record = std::move(*record), inserted](store::Database& db) {
                if (!store::session_record_id(db, record.transaction_id)) {
                    auto id = store::insert_billing_record(db, record);
                    *inserted = true;
                    if (record.status == "flagged") {
                        store::insert_alert(
                            db, store::AlertRecord{record.charger_id, "billing_anomaly", store::AlertSeverity::warning,
                                                   alert_message(record, id), "billing_records:" + std::to_string(id),
                                                   record.issued_at});
                    }
                }
                store::dequeue_session(db, record.transaction_id);
            },
            [pending, inserted, issued, id = session.transaction_id](bool ok) {
                if (!ok) {
                    spdlog::warn("billing: the record of transaction {} was not written; it stays queued", id);
                } else if (*inserted && issued != nullptr) {
                    issued->inc();
                }
                pending->done();
            });
    }
    pending->wait();
    if (queue_depth_ != nullptr) {
        queue_depth_->set(store::queued_session_count(db_));
    }
    return more;
}

std::optional<store::NewBillingRecord> Engine::bill_if_ready(const store::QueuedSession& q, const TariffBook& book)
{
    auto choice = book.choose({q.charger_id, q.region, q.tag_group}, q.started);

    // Only an idle fee needs the connector's statuses: when the car stopped
    // drawing and when it left.
    IdleWindow idle;
    if (choice.tariff && choice.tariff->idle_fee_per_minute > 0) {
        std::vector<ConnectorStatus> statuses;
        for (auto& s :
             store::connector_statuses(db_, q.charger_id, q.connector_id, q.started, max_statuses_per_session)) {
            statuses.push_back({s.at, std::move(s.status)});
        }
        idle = idle_window(statuses, q.started, q.stopped, q.stop_reason == "EVDisconnected");
        // Whatever the order the stop and the statuses arrive in, a session
        // that charged waits for its car's departure: its bill is the same.
        if (idle.charging_ended && !idle.unplugged) {
            bool car_left = store::later_session_started(db_, q.charger_id, q.connector_id, q.transaction_id);
            if (!car_left && clock_.now_utc() - q.stop_received < options_.idle_wait) {
                return std::nullopt; // the car may still be plugged in
            }
            // When the car left is not known: idle time is counted up to the stop only.
            idle.unplugged = std::max(*idle.charging_ended, q.stopped);
        }
    }

    Session session{q.started, q.stopped, q.meter_start_wh, q.meter_stop_wh, {}, idle.charging_ended, idle.unplugged};
    std::optional<std::int64_t> sampled;
    for (const auto& s : store::register_samples(db_, q.charger_id, q.connector_id, q.started, q.stopped)) {
        session.samples.push_back({s.at, s.wh});
        sampled = std::llround(s.wh) - q.meter_start_wh;
    }

    store::NewBillingRecord r;
    r.transaction_id = q.transaction_id;
    r.charger_id = q.charger_id;
    r.connector_id = q.connector_id;
    r.id_tag = q.id_tag;
    r.tag_group = q.tag_group;
    r.payment_method = q.payment_method.value_or("unspecified");
    r.region = q.region;
    r.currency = book.currency;
    r.started = q.started;
    r.stopped = q.stopped;
    r.meter_start_wh = q.meter_start_wh;
    r.meter_stop_wh = q.meter_stop_wh;
    r.energy_wh = q.meter_stop_wh - q.meter_start_wh;
    r.sampled_energy_wh = sampled;
    r.issued_at = clock_.now_utc();

    static const auto utc = base::TimeZone::utc();
    const base::TimeZone& zone = book.zone ? *book.zone : utc;
    r.time_zone = zone.name();
    r.started_local = zone.format_local(q.started);
    r.stopped_local = zone.format_local(q.stopped);
    auto bill = compute_bill(choice.tariff ? *choice.tariff : Tariff{}, zone, session);
    r.anomalies = joined(bill.anomalies);
    if (!choice.tariff) {
        r.anomalies += (r.anomalies.empty() ? "" : ",") + std::string("no_tariff");
    } else {
        r.tariff = choice.tariff->name;
    }
    if (!r.anomalies.empty()) {
        r.status = "flagged";
        return r;
    }
    r.total = bill.total;
    for (auto& line : bill.lines) {
        r.lines.push_back({line.item, line.period.empty() ? std::nullopt : std::optional(line.period), line.quantity,
                           line.unit_price, line.amount});
    }
    return r;
}

} // namespace csms::billing
