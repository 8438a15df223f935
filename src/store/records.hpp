#pragma once
// What the repositories read and write. Plain data: the OCPP layer fills
// these from validated payloads, the repositories turn them into rows.
#include "base/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::store {

enum class Registration { accepted, pending, rejected };

// The OCPP 1.6 RegistrationStatus spelling, also how the column stores it.
constexpr std::string_view to_string(Registration registration)
{
    switch (registration) {
    case Registration::accepted:
        return "Accepted";
    case Registration::pending:
        return "Pending";
    case Registration::rejected:
        return "Rejected";
    }
    return "Rejected";
}

constexpr std::optional<Registration> registration_from_string(std::string_view text)
{
    for (auto r : {Registration::accepted, Registration::pending, Registration::rejected}) {
        if (to_string(r) == text) {
            return r;
        }
    }
    return std::nullopt;
}

// Members carry default initializers so callers can use designated
// initializers and leave the optional fields out.
struct BootRecord {
    std::string charger_id{}, vendor{}, model{};
    std::optional<std::string> charge_point_serial{}, charge_box_serial{}, firmware_version{}, iccid{}, imsi{},
        meter_type{}, meter_serial{};
    base::SysTime received_at{};
};

struct StatusRecord {
    std::string charger_id{};
    int connector_id = 0;
    std::string status{}, error_code{};
    std::optional<std::string> info{}, vendor_id{}, vendor_error_code{};
    std::optional<base::SysTime> timestamp{};
    base::SysTime received_at{};
};

struct IdTagRow {
    std::string id_tag{};
    std::string status{}; // OCPP AuthorizationStatus: Accepted, Blocked, Expired, Invalid, ConcurrentTx
    std::optional<base::SysTime> expiry{};
    std::optional<std::string> parent_id_tag{};
    std::optional<std::string> payment_method{}; // how its sessions are paid (billing); nullopt: as its group's

    bool operator==(const IdTagRow&) const = default;
};

struct StartRecord {
    std::string charger_id{};
    int connector_id = 0;
    std::string id_tag{};
    std::int64_t meter_start_wh = 0;
    base::SysTime timestamp{};
    std::optional<int> reservation_id{};
    std::string auth_status{}; // the idTagInfo.status we answered with
    base::SysTime received_at{};
};

struct ExistingStart {
    std::int64_t transaction_id = 0;
    std::string auth_status{};
};

struct StopRecord {
    std::string charger_id{};
    std::int64_t transaction_id = 0;
    std::optional<std::string> id_tag{};
    std::int64_t meter_stop_wh = 0;
    base::SysTime timestamp{};
    std::optional<std::string> reason{};
    base::SysTime received_at{};
};

enum class StopOutcome { closed, already_closed, unknown_transaction };

struct SampleRecord {
    std::string charger_id{};
    int connector_id = 0;
    // The transaction the charger reports. It is linked (meter_values.
    // transaction_id) only if it is one of this charger's own transactions,
    // so a wrong id never puts energy on somebody else's bill.
    std::optional<std::int64_t> transaction_id{};
    base::SysTime timestamp{};
    std::string value{};
    std::optional<double> normalized_value{}; // in the base unit (Wh, W, A, V, Celsius, Percent...)
    std::string measurand{}, phase{}, unit{}, context{}, location{}, format{}, source{}; // phase may be ""
    base::SysTime received_at{};
};

} // namespace csms::store
