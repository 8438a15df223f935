#include "store/billing_view.hpp"

namespace csms::store {
namespace {

constexpr const char* record_columns = R"sql(
    record_id, kind, status, transaction_id, adjusts_record_id, charger_id, connector_id, id_tag, tag_group,
    payment_method, region, tariff, currency, started_at, stopped_at, meter_start_wh, meter_stop_wh, energy_wh,
    sampled_energy_wh, total, anomalies, reason, issued_by, issued_at, time_zone, started_local, stopped_local)sql";

BillingRecordRow read_record(const Statement& s)
{
    BillingRecordRow r;
    r.record_id = s.column_int64(0);
    r.kind = s.column_text(1);
    r.status = s.column_text(2);
    r.transaction_id = s.column_int64(3);
    r.adjusts_record_id = s.column_optional_int64(4);
    r.charger_id = s.column_text(5);
    r.connector_id = s.column_int64(6);
    r.id_tag = s.column_text(7);
    r.tag_group = s.column_optional_text(8);
    r.payment_method = s.column_text(9);
    r.region = s.column_optional_text(10);
    r.tariff = s.column_optional_text(11);
    r.currency = s.column_text(12);
    r.started_at = s.column_text(13);
    r.stopped_at = s.column_text(14);
    r.meter_start_wh = s.column_int64(15);
    r.meter_stop_wh = s.column_int64(16);
    r.energy_wh = s.column_int64(17);
    r.sampled_energy_wh = s.column_optional_int64(18);
    r.total = s.column_int64(19);
    r.anomalies = s.column_text(20);
    r.reason = s.column_optional_text(21);
    r.issued_by = s.column_optional_text(22);
    r.issued_at = s.column_text(23);
    r.time_zone = s.column_optional_text(24);
    r.started_local = s.column_optional_text(25);
    r.stopped_local = s.column_optional_text(26);
    return r;
}

void add_lines(Database& db, BillingRecordRow& r)
{
    auto& s = db.cached(R"sql(
        SELECT line_no, item, period, quantity, unit_price, amount FROM billing_lines
        WHERE record_id = ?1 ORDER BY line_no)sql");
    ResetGuard guard(s);
    s.bind(1, r.record_id);
    while (s.step()) {
        r.lines.push_back({s.column_int64(0), s.column_text(1), s.column_optional_text(2), s.column_double(3),
                           s.column_int64(4), s.column_int64(5)});
    }
}

} // namespace

std::vector<BillingRecordRow> list_billing(Database& db, const BillingFilter& f)
{
    auto& s = db.cached(std::string("SELECT ") + record_columns + R"sql(
        FROM billing_records
        WHERE (?1 IS NULL OR started_at >= ?1) AND (?2 IS NULL OR started_at < ?2)
          AND (?3 IS NULL OR charger_id = ?3)
          AND (?4 IS NULL OR region = ?4 OR substr(region, 1, length(?4) + 1) = ?4 || '/')
          AND (?5 IS NULL OR id_tag = ?5) AND (?6 IS NULL OR tag_group = ?6)
          AND (?7 IS NULL OR status = ?7) AND (?8 IS NULL OR transaction_id = ?8)
          AND (?9 IS NULL OR record_id < ?9)
        ORDER BY record_id DESC LIMIT ?10)sql");
    std::vector<BillingRecordRow> out;
    {
        ResetGuard guard(s);
        bind_all(s, f.from_time, f.to_time, f.charger_id, f.region, f.id_tag, f.tag_group, f.status, f.transaction_id,
                 f.before_id, f.limit);
        while (s.step()) {
            out.push_back(read_record(s));
        }
    }
    for (auto& r : out) {
        add_lines(db, r);
    }
    return out;
}

std::optional<BillingRecordRow> find_billing_record(Database& db, std::int64_t record_id)
{
    auto& s = db.cached(std::string("SELECT ") + record_columns + " FROM billing_records WHERE record_id = ?1");
    std::optional<BillingRecordRow> out;
    {
        ResetGuard guard(s);
        s.bind(1, record_id);
        if (!s.step()) {
            return std::nullopt;
        }
        out = read_record(s);
    }
    add_lines(db, *out);
    auto& a = db.cached("SELECT record_id FROM billing_records WHERE adjusts_record_id = ?1 ORDER BY record_id");
    ResetGuard guard(a);
    a.bind(1, record_id);
    while (a.step()) {
        out->adjusted_by.push_back(a.column_int64(0));
    }
    return out;
}

} // namespace csms::store
