#include "store/transaction_view.hpp"

#include "store/sample_value.hpp"
#include "store/time_column.hpp"

namespace csms::store {
namespace {

constexpr const char* columns = "transaction_id, charger_id, connector_id, id_tag, start_timestamp, meter_start_wh, "
                                "stop_timestamp, stop_reason, meter_stop_wh, reservation_id";

TransactionView read_row(const Statement& s)
{
    TransactionView t;
    t.transaction_id = s.column_int64(0);
    t.charger_id = s.column_text(1);
    t.connector_id = s.column_int(2);
    t.id_tag = s.column_text(3);
    t.start_timestamp = s.column_text(4);
    t.meter_start_wh = s.column_int64(5);
    t.stop_timestamp = s.column_optional_text(6);
    t.stop_reason = s.column_optional_text(7);
    t.meter_stop_wh = s.column_optional_int64(8);
    t.reservation_id = s.column_optional_int64(9);
    return t;
}

} // namespace

std::vector<TransactionView> list_transactions(Database& db, const TransactionFilter& f)
{
    auto& s = db.cached(std::string("SELECT ") + columns + R"sql(
        FROM transactions
        WHERE (?1 IS NULL OR charger_id = ?1)
          AND (?2 IS NULL OR id_tag = ?2)
          AND (?3 = 0 OR stop_received_at IS NULL)
          AND (?4 IS NULL OR transaction_id < ?4)
          AND (?6 IS NULL OR start_timestamp >= ?6)
          AND (?7 IS NULL OR start_timestamp < ?7)
        ORDER BY transaction_id DESC LIMIT ?5)sql");
    ResetGuard guard(s);
    s.bind(1, f.charger_id);
    s.bind(2, f.id_tag);
    s.bind(3, f.open_only ? 1 : 0);
    s.bind(4, f.before_id);
    s.bind(5, f.limit);
    s.bind(6, f.from_time);
    s.bind(7, f.to_time);
    std::vector<TransactionView> out;
    while (s.step()) {
        out.push_back(read_row(s));
    }
    return out;
}

std::optional<TransactionView> find_transaction(Database& db, std::int64_t transaction_id)
{
    auto& s = db.cached(std::string("SELECT ") + columns + " FROM transactions WHERE transaction_id = ?1");
    ResetGuard guard(s);
    s.bind(1, transaction_id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_row(s);
}

std::vector<MeterValueView> transaction_meter_values(Database& db, std::int64_t transaction_id, int limit)
{
    // The stretch of its connector the transaction's messages span, then
    // the values there whose message names it.
    auto& s = db.cached(R"sql(
        SELECT s.time, k.measurand, k.phase, s.value, s.decimals, s.text, k.unit, k.context, k.unit_rule
        FROM sample_spans p
        JOIN samples s ON s.connector = p.connector AND s.time BETWEEN p.first_time AND p.last_time
        JOIN sample_messages m ON m.id = s.message AND m.transaction_id = p.transaction_id
        JOIN sample_kinds k ON k.id = s.kind
        WHERE p.transaction_id = ?1 ORDER BY s.time, s.message, s.position LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, transaction_id);
    s.bind(2, limit);
    std::vector<MeterValueView> out;
    while (s.step()) {
        StoredValue stored;
        if (!s.column_is_null(3)) {
            stored.number = s.column_double(3);
        }
        stored.decimals = s.column_int(4);
        stored.text = s.column_optional_text(5);
        std::optional<UnitRule> rule;
        if (!s.column_is_null(8)) {
            rule = static_cast<UnitRule>(s.column_int(8));
        }
        out.push_back(MeterValueView{to_column(time_from_ms_column(s.column_int64(0))), s.column_text(1),
                                     s.column_text(2), value_text(stored, rule), s.column_text(6), s.column_text(7),
                                     stored.number});
    }
    return out;
}

} // namespace csms::store
