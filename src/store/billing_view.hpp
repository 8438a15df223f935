#pragma once
// Reading billing records for the admin API: lists (newest first, in pages)
// filtered by when the session started, charger, region or site, id tag,
// tag group and status, and one record with its lines and the adjustments
// that reference it.
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

struct BillingFilter {
    std::optional<std::string> from_time, to_time; // started_at in [from, to), UTC time columns
    std::optional<std::string> charger_id;
    std::optional<std::string> region; // a region path: that place and everything under it
    std::optional<std::string> id_tag;
    std::optional<std::string> tag_group;
    std::optional<std::string> status; // billed | flagged | adjustment
    std::optional<std::int64_t> transaction_id;
    std::optional<std::int64_t> before_id; // the cursor of the previous page
    int limit = 50;
};

struct BillingLineRow {
    std::int64_t line_no = 0;
    std::string item;
    std::optional<std::string> period;
    double quantity = 0;
    std::int64_t unit_price = 0;
    std::int64_t amount = 0;
};

struct BillingRecordRow {
    std::int64_t record_id = 0;
    std::string kind, status;
    std::int64_t transaction_id = 0;
    std::optional<std::int64_t> adjusts_record_id;
    std::string charger_id;
    std::int64_t connector_id = 0;
    std::string id_tag;
    std::optional<std::string> tag_group;
    std::string payment_method;
    std::optional<std::string> region, tariff;
    std::string currency;
    std::string started_at, stopped_at;
    std::optional<std::string> time_zone, started_local, stopped_local; // none on records from before migration 0013
    std::int64_t meter_start_wh = 0, meter_stop_wh = 0, energy_wh = 0;
    std::optional<std::int64_t> sampled_energy_wh;
    std::int64_t total = 0;
    std::string anomalies;
    std::optional<std::string> reason, issued_by;
    std::string issued_at;
    std::vector<BillingLineRow> lines;
    std::vector<std::int64_t> adjusted_by; // adjustment records referencing this one
};

// With lines (a page is at most 500 records).
std::vector<BillingRecordRow> list_billing(Database& db, const BillingFilter& filter);
std::optional<BillingRecordRow> find_billing_record(Database& db, std::int64_t record_id);

} // namespace csms::store
