#include "store/sample_store.hpp"

#include "store/sample_value.hpp"
#include "store/time_column.hpp"
#include "store/transaction_store.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <unordered_map>

namespace csms::store {
namespace {

// What the writer's connection remembers between messages, so the common
// message costs no reads: the dictionaries' ids for texts its charger sent
// before, each connector's newest stored instant (a message after it cannot
// be a replay), and the transactions known to be a charger's own. A row
// written in a transaction that was rolled back since is gone (and its id
// may go to another row), so after any rollback on the connection all of
// it is forgotten and looked up again.
class SampleCache {
public:
    // Call first, for every message.
    void forget_if_rolled_back(const Database& db)
    {
        if (db.rollbacks() != rollbacks_) {
            rollbacks_ = db.rollbacks();
            connectors_.clear();
            kinds_.clear();
            own_transactions_.clear();
            newest_.clear();
        }
    }

    std::int64_t connector(Database& db, const SampleRecord& s)
    {
        key_.assign(s.charger_id).append(1, '\x1f').append(std::to_string(s.connector_id));
        return resolve(connectors_, [&] {
            auto& insert = db.cached("INSERT INTO sample_connectors (charger_id, connector_id) VALUES (?1, ?2) "
                                     "ON CONFLICT DO NOTHING");
            insert.bind(1, s.charger_id);
            insert.bind(2, s.connector_id);
            insert.execute();
            auto& select = db.cached("SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2");
            ResetGuard guard(select);
            select.bind(1, s.charger_id);
            select.bind(2, s.connector_id);
            select.step();
            return select.column_int64(0);
        });
    }

    std::int64_t kind(Database& db, const SampleRecord& s)
    {
        key_.assign(s.measurand);
        for (const auto* part : {&s.phase, &s.location, &s.unit, &s.context, &s.format}) {
            key_.append(1, '\x1f').append(*part);
        }
        return resolve(kinds_, [&] {
            auto& insert = db.cached("INSERT INTO sample_kinds (measurand, phase, location, unit, context, format, "
                                     "unit_rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
            auto rule = unit_rule(s.unit);
            insert.bind(1, s.measurand);
            insert.bind(2, s.phase);
            insert.bind(3, s.location);
            insert.bind(4, s.unit);
            insert.bind(5, s.context);
            insert.bind(6, s.format);
            insert.bind(7, rule ? std::optional<int>(static_cast<int>(*rule)) : std::nullopt);
            insert.execute();
            auto& select = db.cached("SELECT id FROM sample_kinds WHERE measurand = ?1 AND phase = ?2 AND "
                                     "location = ?3 AND unit = ?4 AND context = ?5 AND format = ?6");
            ResetGuard guard(select);
            select.bind(1, s.measurand);
            select.bind(2, s.phase);
            select.bind(3, s.location);
            select.bind(4, s.unit);
            select.bind(5, s.context);
            select.bind(6, s.format);
            select.step();
            return select.column_int64(0);
        });
    }

    // Whether the charger's reported transaction is its own.
    bool own_transaction(Database& db, const std::string& charger_id, std::int64_t transaction_id)
    {
        auto found = own_transactions_.find(transaction_id);
        if (found != own_transactions_.end() && found->second == charger_id) {
            return true;
        }
        if (!find_transaction_connector(db, charger_id, transaction_id)) {
            return false; // not remembered: the transaction may start later
        }
        if (own_transactions_.size() >= max_transactions) {
            own_transactions_.clear(); // the open ones come back on their next message
        }
        own_transactions_.insert_or_assign(transaction_id, charger_id);
        return true;
    }

    // Whether nothing is stored for the connector at `time` or later: its
    // newest stored instant is read once, then kept up to date by stored().
    // Only this connection writes samples (the Writer's), so it stays true.
    bool after_newest(Database& db, std::int64_t connector, std::int64_t time)
    {
        auto found = newest_.find(connector);
        if (found == newest_.end()) {
            auto& s = db.cached("SELECT max(time) FROM samples WHERE connector = ?1");
            ResetGuard guard(s);
            s.bind(1, connector);
            s.step();
            const auto newest = s.column_is_null(0) ? std::numeric_limits<std::int64_t>::min() : s.column_int64(0);
            found = newest_.emplace(connector, newest).first;
        }
        return time > found->second;
    }

    // After after_newest() for the same connector.
    void stored(std::int64_t connector, std::int64_t time)
    {
        auto& newest = newest_[connector];
        newest = std::max(newest, time);
    }

private:
    using Ids = std::unordered_map<std::string, std::int64_t>;
    static constexpr std::size_t max_transactions = 100'000;

    template <typename LookUp> std::int64_t resolve(Ids& ids, LookUp look_up)
    {
        auto found = ids.find(key_);
        if (found == ids.end()) {
            found = ids.emplace(key_, look_up()).first;
        }
        return found->second;
    }

    std::uint64_t rollbacks_ = 0;
    std::string key_; // reused: no allocation per sample once it has grown
    Ids connectors_;
    Ids kinds_;
    std::unordered_map<std::int64_t, std::string> own_transactions_; // transaction id -> charger
    std::unordered_map<std::int64_t, std::int64_t> newest_;          // connector -> newest time stored
};

struct Value {
    std::int64_t kind = 0;
    StoredValue stored;
    std::optional<std::int64_t> transaction_id; // as reported
    int position = 0;
};

// The old unique index's notion of a replay: the same reading of the same
// kind for the same reported transaction.
bool same_reading(const Value& a, const Value& b)
{
    if (a.kind != b.kind || a.transaction_id != b.transaction_id || a.stored.text != b.stored.text) {
        return false;
    }
    return a.stored.text || (a.stored.number == b.stored.number && a.stored.decimals == b.stored.decimals);
}

void bind_number(Statement& s, int index, const std::optional<double>& number)
{
    if (!number) {
        s.bind(index, nullptr);
    } else if (auto integer = exact_integer(*number)) {
        s.bind(index, *integer);
    } else {
        s.bind(index, *number);
    }
}

// The values already stored at the message's instant: usually none, and a
// retried message's all. The read is on the page the insert writes next.
std::vector<Value> stored_at(Database& db, std::int64_t connector, std::int64_t time)
{
    auto& s = db.cached("SELECT s.kind, s.value, s.decimals, s.text, "
                        "coalesce(m.reported_transaction_id, m.transaction_id) FROM samples s "
                        "JOIN sample_messages m ON m.id = s.message WHERE s.connector = ?1 AND s.time = ?2");
    ResetGuard guard(s);
    s.bind(1, connector);
    s.bind(2, time);
    std::vector<Value> out;
    while (s.step()) {
        Value v;
        v.kind = s.column_int64(0);
        if (!s.column_is_null(1)) {
            v.stored.number = s.column_double(1);
        }
        v.stored.decimals = s.column_int(2);
        v.stored.text = s.column_optional_text(3);
        v.transaction_id = s.column_optional_int64(4);
        out.push_back(std::move(v));
    }
    return out;
}

// Rows per INSERT: one statement per up to this many values, so SQLite's
// per-statement work is paid once per message rather than once per value.
constexpr std::size_t rows_per_insert = 8;
constexpr int columns_per_row = 8;

const std::string& insert_values_sql(std::size_t rows)
{
    static const auto texts = [] {
        std::array<std::string, rows_per_insert + 1> out;
        for (std::size_t n = 1; n <= rows_per_insert; ++n) {
            std::string sql = "INSERT INTO samples (connector, time, message, position, kind, value, decimals, text) "
                              "VALUES ";
            for (std::size_t r = 0; r < n; ++r) {
                sql += r == 0 ? "(" : ", (";
                for (int c = 1; c <= columns_per_row; ++c) {
                    sql += (c == 1 ? "?" : ", ?") + std::to_string(static_cast<int>(r) * columns_per_row + c);
                }
                sql += ")";
            }
            out[n] = std::move(sql);
        }
        return out;
    }();
    return texts[rows];
}

std::int64_t insert_message(Database& db, SampleCache& cache, std::int64_t connector, std::int64_t time,
                            const SampleRecord& first)
{
    // A message is linked to the transaction it reports only if that is one
    // of its own charger's, so a wrong id never puts energy on another bill.
    std::optional<std::int64_t> linked;
    if (first.transaction_id && cache.own_transaction(db, first.charger_id, *first.transaction_id)) {
        linked = first.transaction_id;
    }
    auto& s = db.cached("INSERT INTO sample_messages (connector, time, transaction_id, reported_transaction_id, "
                        "source, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    s.bind(1, connector);
    s.bind(2, time);
    s.bind(3, linked);
    s.bind(4, linked ? std::nullopt : first.transaction_id);
    s.bind(5, first.source == "StopTransaction" ? 1 : 0);
    s.bind(6, to_ms_column(first.received_at));
    s.execute();
    const auto message = db.last_insert_rowid();
    if (linked) {
        auto& span = db.cached("INSERT INTO sample_spans (transaction_id, connector, first_time, last_time) "
                               "VALUES (?1, ?2, ?3, ?3) ON CONFLICT DO UPDATE SET "
                               "first_time = min(first_time, excluded.first_time), "
                               "last_time = max(last_time, excluded.last_time)");
        span.bind(1, *linked);
        span.bind(2, connector);
        span.bind(3, time);
        span.execute();
    }
    return message;
}

std::size_t insert_meter_value(Database& db, SampleCache& cache, std::span<const SampleRecord> rows)
{
    const auto& first = rows.front();
    const auto connector = cache.connector(db, first);
    const auto time = to_ms_column(first.timestamp);
    auto present = cache.after_newest(db, connector, time) ? std::vector<Value>{} : stored_at(db, connector, time);
    std::vector<Value> fresh;
    fresh.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        Value v{cache.kind(db, row), store_value(row.value, row.normalized_value, unit_rule(row.unit)),
                row.transaction_id, static_cast<int>(i)};
        auto same = [&v](const Value& other) { return same_reading(v, other); };
        if (std::none_of(present.begin(), present.end(), same) && std::none_of(fresh.begin(), fresh.end(), same)) {
            fresh.push_back(std::move(v));
        }
    }
    if (fresh.empty()) {
        return 0;
    }
    const auto message = insert_message(db, cache, connector, time, first);
    for (std::size_t at = 0; at < fresh.size(); at += rows_per_insert) {
        const std::size_t count = std::min(rows_per_insert, fresh.size() - at);
        auto& s = db.cached(insert_values_sql(count));
        for (std::size_t r = 0; r < count; ++r) {
            const auto& v = fresh[at + r];
            const int p = static_cast<int>(r) * columns_per_row;
            s.bind(p + 1, connector);
            s.bind(p + 2, time);
            s.bind(p + 3, message);
            s.bind(p + 4, v.position);
            s.bind(p + 5, v.kind);
            bind_number(s, p + 6, v.stored.number);
            s.bind(p + 7, v.stored.decimals); // 0 with a text
            if (v.stored.text) {
                s.bind_static(p + 8, *v.stored.text);
            } else {
                s.bind(p + 8, nullptr);
            }
        }
        s.execute();
    }
    cache.stored(connector, time);
    return fresh.size();
}

bool same_meter_value(const SampleRecord& a, const SampleRecord& b)
{
    return a.timestamp == b.timestamp && a.connector_id == b.connector_id && a.transaction_id == b.transaction_id &&
           a.received_at == b.received_at && a.source == b.source && a.charger_id == b.charger_id;
}

} // namespace

std::size_t insert_samples(Database& db, const std::vector<SampleRecord>& samples)
{
    auto& cache = db.attached<SampleCache>();
    cache.forget_if_rolled_back(db);
    std::size_t inserted = 0;
    for (std::size_t first = 0; first < samples.size();) {
        std::size_t end = first + 1;
        while (end < samples.size() && same_meter_value(samples[first], samples[end])) {
            ++end;
        }
        inserted += insert_meter_value(db, cache, std::span(samples).subspan(first, end - first));
        first = end;
    }
    return inserted;
}

} // namespace csms::store
