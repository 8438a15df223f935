#include "store/charger_view.hpp"

#include "base/region_path.hpp"

namespace csms::store {
namespace {

std::vector<ConnectorView> connectors_of(Database& db, const std::string& charger_id)
{
    auto& s = db.cached(R"sql(
        SELECT connector_id, status, error_code, info, vendor_error_code, timestamp
        FROM connector_status WHERE charger_id = ?1 ORDER BY connector_id)sql");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    std::vector<ConnectorView> out;
    while (s.step()) {
        out.push_back(ConnectorView{s.column_int(0), s.column_text(1), s.column_text(2), s.column_optional_text(3),
                                    s.column_optional_text(4), s.column_optional_text(5)});
    }
    return out;
}

ChargerSummary read_summary(const Statement& s)
{
    ChargerSummary c;
    c.charger_id = s.column_text(0);
    c.registration = s.column_text(1);
    c.vendor = s.column_optional_text(2);
    c.model = s.column_optional_text(3);
    c.firmware_version = s.column_optional_text(4);
    c.last_boot = s.column_optional_text(5);
    c.last_heartbeat = s.column_optional_text(6);
    c.region = s.column_optional_text(11);
    if (!s.column_is_null(12)) {
        c.rated_power_w = s.column_double(12);
    }
    if (!s.column_is_null(13)) {
        c.rated_current_a = s.column_double(13);
    }
    return c;
}

void add_connections(Database& db, const std::string& charger_id, ChargerDetail& d)
{
    {
        auto& s = db.cached(R"sql(
            SELECT event, at, remote_address FROM connection_events WHERE charger_id = ?1 ORDER BY id DESC LIMIT ?2)sql");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        s.bind(2, recent_connections);
        while (s.step()) {
            d.connections.push_back(ConnectionView{s.column_text(0), s.column_text(1), s.column_optional_text(2)});
        }
    }
    for (const auto& c : d.connections) {
        if (c.event == "connected") {
            d.last_connected_at = c.at;
            break;
        }
    }
    if (!d.last_connected_at && static_cast<int>(d.connections.size()) == recent_connections) {
        auto& s = db.cached(R"sql(
            SELECT at FROM connection_events WHERE charger_id = ?1 AND event = 'connected' ORDER BY id DESC LIMIT 1)sql");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        if (s.step()) {
            d.last_connected_at = s.column_text(0);
        }
    }
    // Times are UTC text of one width, so the greatest string is the latest.
    auto latest = [&d](const std::optional<std::string>& t) {
        if (t && (!d.last_seen_at || *t > *d.last_seen_at)) {
            d.last_seen_at = t;
        }
    };
    latest(d.summary.last_boot);
    latest(d.summary.last_heartbeat);
    if (!d.connections.empty()) {
        latest(d.connections.front().at);
    }
    auto& s = db.cached("SELECT max(received_at) FROM connector_status WHERE charger_id = ?1");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    if (s.step()) {
        latest(s.column_optional_text(0));
    }
}

constexpr const char* summary_columns =
    "charger_id, registration, vendor, model, firmware_version, last_boot, "
    "last_heartbeat, charge_point_serial, charge_box_serial, meter_serial, iccid, region, "
    "rated_power_w, rated_current_a";

} // namespace

std::vector<ChargerSummary> list_chargers(Database& db, const ChargerFilter& f)
{
    // lower() folds ASCII only, as charge point ids, vendors and models are.
    auto& s = db.cached(std::string("SELECT ") + summary_columns + R"sql(
        FROM chargers
        WHERE (?1 IS NULL OR charger_id > ?1)
          AND (?2 IS NULL OR EXISTS (SELECT 1 FROM connector_status k
                                     WHERE k.charger_id = chargers.charger_id AND k.status = ?2))
          AND (?3 IS NULL OR lower(model) = lower(?3))
          AND (?4 IS NULL OR instr(lower(charger_id || char(10) || ifnull(vendor, '') || char(10) ||
                                         ifnull(model, '')), lower(?4)) > 0)
        ORDER BY charger_id)sql");
    std::vector<ChargerSummary> out;
    {
        ResetGuard guard(s);
        s.bind(1, f.after_id);
        s.bind(2, f.status);
        s.bind(3, f.model);
        s.bind(4, f.text);
        while (static_cast<int>(out.size()) < f.limit && s.step()) {
            auto c = read_summary(s);
            if (f.region && !base::region_contains(*f.region, c.region)) {
                continue;
            }
            if (f.connected && f.is_connected && f.is_connected(c.charger_id) != *f.connected) {
                continue;
            }
            out.push_back(std::move(c));
        }
    }
    for (auto& c : out) {
        c.connectors = connectors_of(db, c.charger_id);
    }
    return out;
}

std::optional<ChargerDetail> find_charger(Database& db, const std::string& charger_id, const std::string& now_column)
{
    ChargerDetail d;
    {
        auto& s = db.cached(std::string("SELECT ") + summary_columns + " FROM chargers WHERE charger_id = ?1");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        if (!s.step()) {
            return std::nullopt;
        }
        d.summary = read_summary(s);
        d.charge_point_serial = s.column_optional_text(7);
        d.charge_box_serial = s.column_optional_text(8);
        d.meter_serial = s.column_optional_text(9);
        d.iccid = s.column_optional_text(10);
    }
    d.summary.connectors = connectors_of(db, charger_id);
    {
        auto& s = db.cached("SELECT security_profile FROM charger_credentials WHERE charger_id = ?1");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        if (s.step()) {
            d.security_profile = s.column_int(0);
        }
    }
    {
        auto& s = db.cached(R"sql(
            SELECT reservation_id, connector_id, id_tag, expiry,
                   CASE WHEN state = 'active' AND expiry < ?2 THEN 'expired' ELSE state END, transaction_id
            FROM reservations WHERE charger_id = ?1 ORDER BY reservation_id)sql");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        s.bind(2, now_column);
        while (s.step()) {
            d.reservations.push_back(ReservationView{s.column_int64(0), s.column_int(1), s.column_text(2),
                                                     s.column_text(3), s.column_text(4), s.column_optional_int64(5)});
        }
    }
    {
        auto& s = db.cached(R"sql(
            SELECT profile_id, connector_id, stack_level, purpose, profile, set_at
            FROM charging_profiles WHERE charger_id = ?1 ORDER BY connector_id, stack_level, profile_id)sql");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        while (s.step()) {
            d.charging_profiles.push_back(ChargingProfileView{s.column_int64(0), s.column_int(1), s.column_int64(2),
                                                              s.column_text(3), s.column_text(4), s.column_text(5)});
        }
    }
    {
        auto& s = db.cached(R"sql(
            SELECT sent_version, sent_at, reported_version, reported_at
            FROM local_list_versions WHERE charger_id = ?1)sql");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        if (s.step()) {
            d.local_list = LocalListView{s.column_optional_int64(0), s.column_optional_int64(2),
                                         s.column_optional_text(1), s.column_optional_text(3)};
        }
    }
    {
        auto& s = db.cached(R"sql(
            SELECT key, value, readonly, reported_at FROM charger_configuration WHERE charger_id = ?1 ORDER BY key)sql");
        ResetGuard guard(s);
        s.bind(1, charger_id);
        while (s.step()) {
            d.configuration.push_back(ConfigurationEntry{s.column_text(0), s.column_optional_text(1),
                                                         s.column_int(2) != 0, s.column_text(3)});
        }
    }
    add_connections(db, charger_id, d);
    return d;
}

} // namespace csms::store
