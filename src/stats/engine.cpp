#include "stats/engine.hpp"

#include "stats/quarter.hpp"
#include "stats/quarter_reader.hpp"
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

std::string newest_stop(store::Database& db)
{
    auto& s = db.cached("SELECT ifnull(max(stop_received_at), '') FROM transactions");
    store::ResetGuard guard(s);
    s.step();
    return s.column_text(0);
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
    stop_cursor_ = store::stats_cursor(db_, "transaction_stops").value_or(newest_stop(db_));
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
    auto& s = db_.cached(R"sql(
        SELECT m.id, c.charger_id, c.connector_id, m.time, m.source,
               (SELECT max(CASE WHEN k.measurand = 'Energy.Active.Import.Register' AND k.phase = '' THEN 2
                                WHEN k.measurand IN ('Energy.Active.Import.Register', 'Power.Active.Import',
                                                     'Temperature') THEN 1
                                ELSE 0 END)
                FROM samples s JOIN sample_kinds k ON k.id = s.kind
                WHERE s.connector = m.connector AND s.time = m.time AND s.message = m.id)
        FROM (SELECT * FROM sample_messages WHERE id > ?1 ORDER BY id LIMIT ?2) m
        JOIN sample_connectors c ON c.id = m.connector
        ORDER BY m.id)sql");
    store::ResetGuard guard(s);
    s.bind(1, sample_cursor_);
    s.bind(2, options_.max_rows_per_poll);
    int messages = 0;
    while (s.step()) {
        ++messages;
        sample_cursor_ = s.column_int64(0);
        const int holds = s.column_int(5);
        if (holds == 0 || s.column_int(4) != 0) { // MeterValues only, as quarter_reader.cpp reads
            continue;
        }
        auto charger_id = s.column_text(1);
        int connector_id = s.column_int(2);
        auto at = store::time_from_ms_column(s.column_int64(3));
        if (holds == 1) {
            touch(touched, charger_id, connector_id, at, at);
        } else {
            touch_energy(touched, charger_id, connector_id, at);
        }
    }
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
    auto& neighbours = db_.cached(R"sql(
        WITH energy AS (SELECT id FROM sample_kinds WHERE measurand = 'Energy.Active.Import.Register'),
             c AS (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2)
        SELECT (SELECT s.time FROM samples s WHERE s.connector = (SELECT id FROM c)
                AND s.kind IN (SELECT id FROM energy) AND s.time < ?3 ORDER BY s.time DESC LIMIT 1),
               (SELECT s.time FROM samples s WHERE s.connector = (SELECT id FROM c)
                AND s.kind IN (SELECT id FROM energy) AND s.time > ?3 ORDER BY s.time LIMIT 1),
               t.start_timestamp, t.stop_timestamp
        FROM (SELECT 1) LEFT JOIN (SELECT start_timestamp, stop_timestamp FROM transactions
                                   WHERE charger_id = ?1 AND connector_id = ?2 AND start_timestamp < ?4
                                   ORDER BY start_timestamp DESC LIMIT 1) t)sql");
    store::ResetGuard guard(neighbours);
    neighbours.bind(1, charger_id);
    neighbours.bind(2, connector_id);
    neighbours.bind(3, store::to_ms_column(at));
    neighbours.bind(4, store::to_column(at));
    neighbours.step();
    auto time_at = [&neighbours](int column) -> std::optional<base::SysTime> {
        if (neighbours.column_is_null(column)) {
            return std::nullopt;
        }
        return store::time_from_ms_column(neighbours.column_int64(column));
    };
    auto previous = time_at(0);
    auto next = time_at(1);
    auto session_start = store::optional_time_from_column(neighbours.column_optional_text(2));
    auto session_stop = store::optional_time_from_column(neighbours.column_optional_text(3));
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
    auto& s = db_.cached("SELECT id, charger_id, connector_id, coalesce(timestamp, received_at) FROM status_history "
                         "WHERE id > ?1 ORDER BY id LIMIT ?2");
    // A status holds until the connector's next one (or until now).
    auto& next = db_.cached("SELECT min(coalesce(timestamp, received_at)) FROM status_history WHERE charger_id = ?1 "
                            "AND connector_id = ?2 AND coalesce(timestamp, received_at) > ?3");
    store::ResetGuard guard(s);
    s.bind(1, status_cursor_);
    s.bind(2, options_.max_rows_per_poll);
    int rows = 0;
    while (s.step()) {
        ++rows;
        status_cursor_ = s.column_int64(0);
        auto charger_id = s.column_text(1);
        int connector_id = s.column_int(2);
        auto timestamp = s.column_text(3);
        store::ResetGuard next_guard(next);
        next.bind(1, charger_id);
        next.bind(2, connector_id);
        next.bind(3, timestamp);
        next.step();
        auto at = store::time_from_column(timestamp);
        auto until = store::optional_time_from_column(next.column_optional_text(0)).value_or(clock_.now_utc());
        touch(touched, charger_id, connector_id, at, until);
    }
    return rows == options_.max_rows_per_poll;
}

bool Engine::follow_sessions(Touched& touched)
{
    auto& s = db_.cached("SELECT transaction_id, charger_id, connector_id, start_timestamp, stop_timestamp "
                         "FROM transactions WHERE transaction_id > ?1 ORDER BY transaction_id LIMIT ?2");
    store::ResetGuard guard(s);
    s.bind(1, session_cursor_);
    s.bind(2, options_.max_rows_per_poll);
    int rows = 0;
    while (s.step()) {
        ++rows;
        session_cursor_ = s.column_int64(0);
        auto start = store::time_from_column(s.column_text(3));
        auto stop = store::optional_time_from_column(s.column_optional_text(4)).value_or(start);
        touch(touched, s.column_text(1), s.column_int(2), start, stop);
    }
    return rows == options_.max_rows_per_poll;
}

void Engine::follow_stops(Touched& touched)
{
    auto& s = db_.cached("SELECT transaction_id, charger_id, connector_id, start_timestamp, stop_timestamp, "
                         "stop_received_at FROM transactions WHERE stop_received_at >= ?1");
    std::string floor = stop_cursor_.empty()
                            ? std::string()
                            : store::to_column(store::time_from_column(stop_cursor_) - stop_commit_skew);
    store::ResetGuard guard(s);
    s.bind(1, floor);
    while (s.step()) {
        auto id = s.column_int64(0);
        auto received = s.column_text(5);
        if (!stops_.emplace(id, received).second) {
            continue;
        }
        stop_cursor_ = std::max(stop_cursor_, received);
        touch(touched, s.column_text(1), s.column_int(2), store::time_from_column(s.column_text(3)),
              store::time_from_column(s.column_text(4)));
    }
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
    auto& s = db_.cached("SELECT charger_id, connector_id FROM connector_status");
    store::ResetGuard guard(s);
    while (s.step()) {
        auto charger_id = s.column_text(0);
        int connector_id = s.column_int(1);
        const auto& zone = zone_of_(charger_id);
        for (auto q = quarter_of(zone, from); q.end <= now; q = quarter_of(zone, q.end)) {
            touched.emplace(charger_id, connector_id, q.start);
            closed = true;
        }
        next = std::min(next, quarter_of(zone, now).end);
    }
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
