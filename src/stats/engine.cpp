#include "stats/engine.hpp"

#include "stats/quarter.hpp"
#include "stats/quarter_reader.hpp"
#include "store/stats_source.hpp"
#include "store/stats_store.hpp"
#include "store/time_column.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

namespace csms::stats {
namespace {

// Stops are followed by the time the CSMS received them, which handlers take
// before the writer commits; a stop committed this much after a later one
// is still seen.
constexpr std::chrono::minutes stop_commit_skew{1};
// After a downtime, the clock closes at most the last day's quarters; older
// ones are recomputed only when rows touching them arrive.
constexpr std::chrono::hours longest_clock_catch_up{24};

std::int64_t cursor_or(store::Database& db, const char* name, std::int64_t fallback)
{
    auto position = store::stats_cursor(db, name);
    return position ? std::stoll(*position) : fallback;
}

// Quarters per writer job: the writer commits a batch only when all its
// jobs have run, so a thousand quarters in one job (20-30 ms) held every
// charger's reply in that batch. Parts go one after the other, each in its
// own batch; the cursors go with the last, so a crash between parts only
// recomputes them again.
constexpr std::size_t quarters_per_job = 100;

struct Parts {
    std::vector<store::QuarterStats> quarters;
    std::vector<std::pair<std::string, std::string>> cursors;
    base::SysTime now;
    std::size_t next = 0;
};

void write_next_part(store::Writer& writer, std::shared_ptr<Parts> parts)
{
    const auto first = parts->next;
    const auto end = std::min(parts->quarters.size(), first + quarters_per_job);
    parts->next = end;
    const bool last = end == parts->quarters.size();
    writer.submit(
        [parts, first, end, last](store::Database& db) {
            std::set<std::tuple<std::string, int, std::string>> days;
            for (auto i = first; i < end; ++i) {
                const auto& q = parts->quarters[i];
                store::save_quarter(db, q, parts->now);
                days.emplace(q.charger_id, q.connector_id, q.local_date);
            }
            for (const auto& [charger_id, connector_id, local_date] : days) {
                store::roll_up_day(db, charger_id, connector_id, local_date);
            }
            if (last) {
                for (const auto& [name, position] : parts->cursors) {
                    store::save_stats_cursor(db, name, position);
                }
            }
        },
        [&writer, parts, last](bool ok) {
            if (!ok) {
                // A stopping writer refuses the next part the same way.
                spdlog::warn("statistics: recomputed quarters were not written (the writer failed or is stopping); "
                             "they are recomputed when their rows change or their quarter closes");
            } else if (!last) {
                write_next_part(writer, parts); // on the writer thread: only queues it
            }
        });
}

void write_in_parts(store::Writer& writer, std::vector<store::QuarterStats> quarters,
                    std::vector<std::pair<std::string, std::string>> cursors, base::SysTime now)
{
    write_next_part(writer, std::make_shared<Parts>(Parts{std::move(quarters), std::move(cursors), now, 0}));
}

} // namespace

Engine::Engine(const std::string& db_path, ZoneOf zone_of, store::Writer& writer, const base::Clock& clock,
               Options options)
    : db_(db_path, true), zone_of_(std::move(zone_of)), writer_(writer), clock_(clock), options_(options),
      poller_("statistics", options.poll_interval, [this] { return poll_once(); })
{
    // No cursor yet: the history already in the database is computed, a
    // poll's worth of rows at a time. Stops already in it are seen through
    // their sessions' rows, so the stop cursor starts at the newest.
    sample_cursor_ = cursor_or(db_, "sample_messages", 0);
    status_cursor_ = cursor_or(db_, "status_history", 0);
    session_cursor_ = cursor_or(db_, "transactions", 0);
    stop_cursor_ = store::stats_cursor(db_, "transaction_stops").value_or(store::newest_stop_received_at(db_));
    auto clock_position = store::stats_cursor(db_, "clock");
    closed_until_ = clock_position ? store::time_from_column(*clock_position) : clock_.now_utc();
}

Engine::~Engine()
{
    stop();
}

void Engine::start()
{
    poller_.start();
}

void Engine::stop()
{
    poller_.stop();
}

bool Engine::poll_once()
{
    bool behind = follow_samples(pending_);
    behind = follow_statuses(pending_) || behind;
    behind = follow_sessions(pending_) || behind;
    follow_stops(pending_);
    pending_close_ = close_quarters(pending_) || pending_close_;
    auto now = clock_.now_utc();
    bool due = !last_submit_ || now - *last_submit_ >= options_.submit_every;
    if ((!pending_.empty() || pending_close_) && due) {
        // The cursors written with these quarters cover exactly the rows that
        // touched them; rows read after a crash before this are read again.
        submit(pending_);
        pending_.clear();
        pending_close_ = false;
        last_submit_ = now;
    }
    return behind;
}

void Engine::touch(Touched& touched, const std::string& charger_id, int connector_id, base::SysTime from,
                   base::SysTime to)
{
    const auto& zone = zone_of_(charger_id);
    to = std::min(std::max(from, to), from + options_.longest_range);
    for (auto q = quarter_of(zone, from); q.start <= to; q = quarter_of(zone, q.end)) {
        touched.emplace(charger_id, connector_id, q.start);
    }
}

bool Engine::follow_samples(Touched& touched)
{
    // A message at a time, in arrival order (the cursor is a sample_messages
    // id), with what it holds for the statistics: 2 the energy register, 1
    // only power or temperature, 0 nothing they read.
    int messages = 0;
    store::for_each_sample_message_after(
        db_, sample_cursor_, options_.max_rows_per_poll, [&](const store::StatsSampleMessage& m) {
            ++messages;
            sample_cursor_ = m.id;
            if (m.holds == 0 || m.source != 0) { // MeterValues only, as quarter_reader.cpp reads
                return;
            }
            if (m.holds == 1) {
                touch(touched, m.charger_id, m.connector_id, m.time, m.time);
            } else {
                touch_energy(touched, m.charger_id, m.connector_id, m.time);
            }
        });
    return messages == options_.max_rows_per_poll;
}

void Engine::touch_energy(Touched& touched, const std::string& charger_id, int connector_id, base::SysTime at)
{
    // The common case, a connector's register read later than any read
    // before it: the curve changes from the last reading on, which this
    // engine saw itself. A later message that lands between the two touches
    // its own neighbourhood when it is read.
    auto& last = last_energy_[{charger_id, connector_id}];
    if (last && at > *last && at - *last <= std::chrono::minutes(15)) {
        touch(touched, charger_id, connector_id, *last, at);
        last = at;
        return;
    }
    last = last ? std::max(*last, at) : at;

    // Otherwise the session's curve changes back to the reading before it
    // and on to the one after: the neighbouring samples, or the session's
    // meterStart and meterStop (quarter_reader.cpp).
    auto neighbours = store::energy_neighbours(db_, charger_id, connector_id, at);
    auto previous = neighbours.previous;
    auto next = neighbours.next;
    auto session_start = store::optional_time_from_column(neighbours.session_start);
    auto session_stop = store::optional_time_from_column(neighbours.session_stop);
    auto from = previous.value_or(at);
    auto to = next.value_or(at);
    if (session_start && (!session_stop || *session_stop > at)) {
        from = std::max(previous.value_or(*session_start), *session_start);
        if (session_stop) {
            to = std::min(next.value_or(*session_stop), *session_stop);
        }
    }
    touch(touched, charger_id, connector_id, from, to);
}

bool Engine::follow_statuses(Touched& touched)
{
    int rows = 0;
    store::for_each_status_after(db_, status_cursor_, options_.max_rows_per_poll,
                                 [&](const store::StatsStatusRow& row) {
                                     ++rows;
                                     status_cursor_ = row.id;
                                     // A status holds until the connector's next one (or until now).
                                     auto next = store::next_status_at(db_, row.charger_id, row.connector_id, row.at);
                                     auto at = store::time_from_column(row.at);
                                     auto until = store::optional_time_from_column(next).value_or(clock_.now_utc());
                                     touch(touched, row.charger_id, row.connector_id, at, until);
                                 });
    return rows == options_.max_rows_per_poll;
}

bool Engine::follow_sessions(Touched& touched)
{
    int rows = 0;
    store::for_each_session_after(db_, session_cursor_, options_.max_rows_per_poll,
                                  [&](const store::StatsSessionRow& row) {
                                      ++rows;
                                      session_cursor_ = row.transaction_id;
                                      auto start = store::time_from_column(row.start_timestamp);
                                      auto stop = store::optional_time_from_column(row.stop_timestamp).value_or(start);
                                      touch(touched, row.charger_id, row.connector_id, start, stop);
                                  });
    return rows == options_.max_rows_per_poll;
}

void Engine::follow_stops(Touched& touched)
{
    std::string floor = stop_cursor_.empty()
                            ? std::string()
                            : store::to_column(store::time_from_column(stop_cursor_) - stop_commit_skew);
    store::for_each_stop_since(db_, floor, [&](const store::StatsSessionRow& row) {
        if (!stops_.emplace(row.transaction_id, row.stop_received_at).second) {
            return;
        }
        stop_cursor_ = std::max(stop_cursor_, row.stop_received_at);
        touch(touched, row.charger_id, row.connector_id, store::time_from_column(row.start_timestamp),
              store::time_from_column(*row.stop_timestamp));
    });
    std::erase_if(stops_, [&floor](const auto& stop) { return stop.second < floor; });
}

bool Engine::close_quarters(Touched& touched)
{
    auto now = clock_.now_utc();
    if (now < next_close_) {
        return false; // the common case: connectors are read once a quarter, not every poll
    }
    auto from = std::max(closed_until_, now - longest_clock_catch_up);
    // Without connectors, look again when UTC's quarter ends: today's zones
    // all share its quarter boundaries.
    auto next = quarter_of(base::TimeZone::utc(), now).end;
    bool closed = false;
    store::for_each_connector(db_, [&](const std::string& charger_id, int connector_id) {
        const auto& zone = zone_of_(charger_id);
        for (auto q = quarter_of(zone, from); q.end <= now; q = quarter_of(zone, q.end)) {
            touched.emplace(charger_id, connector_id, q.start);
            closed = true;
        }
        next = std::min(next, quarter_of(zone, now).end);
    });
    // No quarter of any connector ended in (closed_until_, now]: a connector
    // that appears later has its quarters marked by its own status rows.
    closed_until_ = now;
    next_close_ = next;
    return closed;
}

void Engine::submit(const Touched& touched)
{
    auto now = clock_.now_utc();
    std::vector<store::QuarterStats> quarters;
    quarters.reserve(touched.size());
    for (const auto& [charger_id, connector_id, start] : touched) {
        const auto& zone = zone_of_(charger_id);
        quarters.push_back(read_quarter(db_, zone, charger_id, connector_id, quarter_of(zone, start), now));
    }
    std::vector<std::pair<std::string, std::string>> cursors{
        {"sample_messages", std::to_string(sample_cursor_)}, {"status_history", std::to_string(status_cursor_)},
        {"transactions", std::to_string(session_cursor_)},   {"transaction_stops", stop_cursor_},
        {"clock", store::to_column(closed_until_)},
    };
    write_in_parts(writer_, std::move(quarters), std::move(cursors), now);
}

} // namespace csms::stats
