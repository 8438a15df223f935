#include "store/proxy_store.hpp"

#include "store/statement.hpp"
#include "store/time_column.hpp"

namespace csms::store {
namespace {

// Columns: decision_id, partner, charger_id, id_tag, status, expiry,
// parent_id_tag, source, reason, decided_at.
PartnerDecision decision_row(const Statement& s)
{
    return PartnerDecision{s.column_int64(0),
                           s.column_text(1),
                           s.column_text(2),
                           s.column_text(3),
                           s.column_text(4),
                           optional_time_from_column(s.column_optional_text(5)),
                           s.column_optional_text(6),
                           s.column_text(7) == "partner",
                           s.column_optional_text(8).value_or(""),
                           time_from_column(s.column_text(9))};
}

OutboxRow outbox_row(const Statement& s)
{
    return OutboxRow{s.column_int64(0),
                     s.column_text(1),
                     s.column_text(2),
                     s.column_text(3),
                     s.column_text(4),
                     s.column_optional_int64(5),
                     time_from_column(s.column_text(6))};
}

void ensure_link(Database& db, const std::string& partner, const std::string& charger_id)
{
    auto& statement = db.cached("INSERT OR IGNORE INTO proxy_links (partner, charger_id) VALUES (?1, ?2)");
    statement.bind(1, partner);
    statement.bind(2, charger_id);
    statement.execute();
}

} // namespace

std::optional<std::string> charger_region(Database& db, const std::string& charger_id)
{
    auto& statement = db.cached("SELECT region FROM chargers WHERE charger_id = ?1");
    ResetGuard guard(statement);
    statement.bind(1, charger_id);
    return statement.step() ? statement.column_optional_text(0) : std::nullopt;
}

std::int64_t enqueue_outbox(Database& db, const OutboxRow& row)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO proxy_outbox (partner, charger_id, action, payload, transaction_id, enqueued_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql");
    statement.bind(1, row.partner);
    statement.bind(2, row.charger_id);
    statement.bind(3, row.action);
    statement.bind(4, row.payload);
    statement.bind(5, row.transaction_id);
    statement.bind(6, to_column(row.enqueued_at));
    statement.execute();
    return db.last_insert_rowid();
}

std::optional<OutboxRow> next_outbox(Database& db, const std::string& partner, const std::string& charger_id)
{
    auto& statement = db.cached(R"sql(
        SELECT seq, partner, charger_id, action, payload, transaction_id, enqueued_at FROM proxy_outbox
        WHERE partner = ?1 AND charger_id = ?2 ORDER BY seq LIMIT 1)sql");
    ResetGuard guard(statement);
    statement.bind(1, partner);
    statement.bind(2, charger_id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return outbox_row(statement);
}

void delete_outbox(Database& db, std::int64_t seq)
{
    auto& statement = db.cached("DELETE FROM proxy_outbox WHERE seq = ?1");
    statement.bind(1, seq);
    statement.execute();
}

std::int64_t outbox_depth(Database& db, const std::string& partner, const std::string& charger_id)
{
    auto& statement = db.cached("SELECT count(*) FROM proxy_outbox WHERE partner = ?1 AND charger_id = ?2");
    ResetGuard guard(statement);
    statement.bind(1, partner);
    statement.bind(2, charger_id);
    statement.step();
    return statement.column_int64(0);
}

std::int64_t drop_oldest_outbox(Database& db, const std::string& partner, const std::string& charger_id,
                                std::int64_t keep)
{
    auto& statement = db.cached(R"sql(
        DELETE FROM proxy_outbox WHERE seq IN (
            SELECT seq FROM proxy_outbox WHERE partner = ?1 AND charger_id = ?2
            ORDER BY seq DESC LIMIT -1 OFFSET ?3))sql");
    statement.bind(1, partner);
    statement.bind(2, charger_id);
    statement.bind(3, keep);
    statement.execute();
    return db.changes();
}

std::vector<OutboxLink> outbox_links(Database& db)
{
    auto& statement = db.cached("SELECT DISTINCT partner, charger_id FROM proxy_outbox ORDER BY partner, charger_id");
    ResetGuard guard(statement);
    std::vector<OutboxLink> links;
    while (statement.step()) {
        links.push_back(OutboxLink{statement.column_text(0), statement.column_text(1)});
    }
    return links;
}

void map_partner_transaction(Database& db, const std::string& partner, std::int64_t transaction_id,
                             std::int64_t partner_transaction_id, const std::string& charger_id, base::SysTime at)
{
    auto& statement = db.cached(R"sql(
        INSERT OR REPLACE INTO proxy_transaction_ids
            (partner, transaction_id, partner_transaction_id, charger_id, mapped_at)
        VALUES (?1, ?2, ?3, ?4, ?5))sql");
    statement.bind(1, partner);
    statement.bind(2, transaction_id);
    statement.bind(3, partner_transaction_id);
    statement.bind(4, charger_id);
    statement.bind(5, to_column(at));
    statement.execute();
}

std::optional<std::int64_t> partner_transaction_id(Database& db, const std::string& partner,
                                                   std::int64_t transaction_id)
{
    auto& statement = db.cached(R"sql(
        SELECT partner_transaction_id FROM proxy_transaction_ids WHERE partner = ?1 AND transaction_id = ?2)sql");
    ResetGuard guard(statement);
    statement.bind(1, partner);
    statement.bind(2, transaction_id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return statement.column_int64(0);
}

std::optional<std::int64_t> our_transaction_id(Database& db, const std::string& partner, const std::string& charger_id,
                                               std::int64_t partner_transaction_id)
{
    // The newest mapping wins: a partner may reuse its ids across chargers or time.
    auto& statement = db.cached(R"sql(
        SELECT transaction_id FROM proxy_transaction_ids
        WHERE partner = ?1 AND partner_transaction_id = ?2 AND charger_id = ?3
        ORDER BY mapped_at DESC, transaction_id DESC LIMIT 1)sql");
    ResetGuard guard(statement);
    statement.bind(1, partner);
    statement.bind(2, partner_transaction_id);
    statement.bind(3, charger_id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return statement.column_int64(0);
}

void count_forwarded(Database& db, const std::string& partner, const std::string& charger_id)
{
    ensure_link(db, partner, charger_id);
    auto& statement =
        db.cached("UPDATE proxy_links SET forwarded = forwarded + 1 WHERE partner = ?1 AND charger_id = ?2");
    statement.bind(1, partner);
    statement.bind(2, charger_id);
    statement.execute();
}

void count_dropped(Database& db, const std::string& partner, const std::string& charger_id, std::int64_t dropped)
{
    ensure_link(db, partner, charger_id);
    auto& statement = db.cached("UPDATE proxy_links SET dropped = dropped + ?3 WHERE partner = ?1 AND charger_id = ?2");
    statement.bind(1, partner);
    statement.bind(2, charger_id);
    statement.bind(3, dropped);
    statement.execute();
}

void record_link_error(Database& db, const std::string& partner, const std::string& charger_id,
                       const std::string& error, base::SysTime at)
{
    ensure_link(db, partner, charger_id);
    auto& statement = db.cached(R"sql(
        UPDATE proxy_links SET last_error = ?3, last_error_at = ?4 WHERE partner = ?1 AND charger_id = ?2)sql");
    statement.bind(1, partner);
    statement.bind(2, charger_id);
    statement.bind(3, error);
    statement.bind(4, to_column(at));
    statement.execute();
}

void record_refusal(Database& db, const std::string& partner, const std::string& charger_id, const std::string& action,
                    const std::string& reason, base::SysTime at)
{
    ensure_link(db, partner, charger_id);
    auto& insert = db.cached(R"sql(
        INSERT INTO proxy_refusals (partner, charger_id, action, reason, at) VALUES (?1, ?2, ?3, ?4, ?5))sql");
    insert.bind(1, partner);
    insert.bind(2, charger_id);
    insert.bind(3, action);
    insert.bind(4, reason);
    insert.bind(5, to_column(at));
    insert.execute();
    auto& count = db.cached("UPDATE proxy_links SET refused = refused + 1 WHERE partner = ?1 AND charger_id = ?2");
    count.bind(1, partner);
    count.bind(2, charger_id);
    count.execute();
}

std::vector<LinkCounts> link_counts(Database& db)
{
    auto& statement = db.cached(R"sql(
        SELECT l.partner, l.charger_id, l.forwarded, l.refused, l.dropped, l.last_error, l.last_error_at,
               (SELECT count(*) FROM proxy_outbox o WHERE o.partner = l.partner AND o.charger_id = l.charger_id)
        FROM (SELECT partner, charger_id, forwarded, refused, dropped, last_error, last_error_at FROM proxy_links
              UNION ALL
              SELECT DISTINCT partner, charger_id, 0, 0, 0, NULL, NULL FROM proxy_outbox o
              WHERE NOT EXISTS (SELECT 1 FROM proxy_links k
                                WHERE k.partner = o.partner AND k.charger_id = o.charger_id)) l
        ORDER BY l.partner, l.charger_id)sql");
    ResetGuard guard(statement);
    std::vector<LinkCounts> out;
    while (statement.step()) {
        out.push_back(LinkCounts{statement.column_text(0), statement.column_text(1), statement.column_int64(2),
                                 statement.column_int64(3), statement.column_int64(4), statement.column_int64(7),
                                 statement.column_optional_text(5),
                                 optional_time_from_column(statement.column_optional_text(6))});
    }
    return out;
}

std::vector<RefusalRow> recent_refusals(Database& db, const std::string& partner, int limit)
{
    auto& statement = db.cached(R"sql(
        SELECT refusal_id, partner, charger_id, action, reason, at FROM proxy_refusals
        WHERE partner = ?1 ORDER BY refusal_id DESC LIMIT ?2)sql");
    ResetGuard guard(statement);
    statement.bind(1, partner);
    statement.bind(2, limit);
    std::vector<RefusalRow> out;
    while (statement.step()) {
        out.push_back(RefusalRow{statement.column_int64(0), statement.column_text(1), statement.column_text(2),
                                 statement.column_text(3), statement.column_text(4),
                                 time_from_column(statement.column_text(5))});
    }
    return out;
}

void record_partner_decision(Database& db, const PartnerDecision& d)
{
    auto& insert = db.cached(R"sql(
        INSERT INTO proxy_authorizations
            (partner, charger_id, id_tag, status, expiry, parent_id_tag, source, reason, decided_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql");
    bind_all(insert, d.partner, d.charger_id, d.id_tag, d.status, to_column(d.expiry), d.parent_id_tag,
             d.from_partner ? "partner" : "fallback",
             d.reason.empty() ? std::optional<std::string>() : std::optional<std::string>(d.reason),
             to_column(d.decided_at));
    insert.execute();
}

std::optional<PartnerDecision> latest_partner_decision(Database& db, const std::string& charger_id,
                                                       const std::string& id_tag, base::SysTime not_before)
{
    auto& statement = db.cached(R"sql(
        SELECT decision_id, partner, charger_id, id_tag, status, expiry, parent_id_tag, source, reason, decided_at
        FROM proxy_authorizations WHERE charger_id = ?1 AND id_tag = ?2 AND decided_at >= ?3
        ORDER BY decision_id DESC LIMIT 1)sql");
    ResetGuard guard(statement);
    statement.bind(1, charger_id);
    statement.bind(2, id_tag);
    statement.bind(3, to_column(not_before));
    if (!statement.step()) {
        return std::nullopt;
    }
    return decision_row(statement);
}

std::vector<PartnerDecision> recent_partner_decisions(Database& db, const std::string& partner, int limit)
{
    auto& statement = db.cached(R"sql(
        SELECT decision_id, partner, charger_id, id_tag, status, expiry, parent_id_tag, source, reason, decided_at
        FROM proxy_authorizations WHERE partner = ?1 ORDER BY decision_id DESC LIMIT ?2)sql");
    ResetGuard guard(statement);
    statement.bind(1, partner);
    statement.bind(2, limit);
    std::vector<PartnerDecision> out;
    while (statement.step()) {
        out.push_back(decision_row(statement));
    }
    return out;
}

} // namespace csms::store
