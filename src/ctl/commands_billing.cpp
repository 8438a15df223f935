// csmsctl billing list|show|export|adjust: the records customer service
// explains line by line (docs/billing.md); the tariffs behind them are
// commands_tariffs.cpp.
#include "billing/money.hpp"
#include "ctl/commands.hpp"
#include "ctl/csv.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <fstream>
#include <optional>

namespace csms::ctl {
namespace {

using OptText = std::optional<std::string>;

std::int64_t int_of(const rapidjson::Value& item, const char* key)
{
    const auto* v = member(item, key);
    return v != nullptr && v->IsInt64() ? v->GetInt64() : 0;
}

std::string text_of(const rapidjson::Value& item, const char* key)
{
    const auto* v = member(item, key);
    return v != nullptr && v->IsString() ? v->GetString() : "";
}

// Minor units as "12.34", without the currency.
std::string amount(std::int64_t minor)
{
    auto text = billing::format_money(minor, "");
    return text.substr(0, text.size() - 1);
}

// Ten-thousandths as "1.2000".
std::string unit_price(std::int64_t e4)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s%lld.%04lld", e4 < 0 ? "-" : "",
                  static_cast<long long>(std::llabs(e4) / 10000), static_cast<long long>(std::llabs(e4) % 10000));
    return buffer;
}

std::string kwh(std::int64_t wh)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(wh) / 1000.0);
    return buffer;
}

// kWh with three decimals for energy and service lines, a count otherwise.
std::string quantity(const rapidjson::Value& line)
{
    const auto* q = member(line, "quantity");
    double value = q != nullptr && q->IsNumber() ? q->GetDouble() : 0;
    auto item = text_of(line, "item");
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, item == "energy" || item == "service" ? "%.3f" : "%.0f", value);
    return buffer;
}

std::string anomalies(const rapidjson::Value& item)
{
    std::string out;
    if (const auto* list = member(item, "anomalies"); list != nullptr && list->IsArray()) {
        for (const auto& a : list->GetArray()) {
            out += (out.empty() ? "" : ",") + std::string(a.IsString() ? a.GetString() : "");
        }
    }
    return out.empty() ? "-" : out;
}

// The filters list and export share.
struct Filters {
    OptText from, to, charger, region, tag, group, status, transaction;

    void add_to(CLI::App* verb)
    {
        verb->add_option("--from", from, "sessions started from this date (tariff zone) or date-time");
        verb->add_option("--to", to, "sessions started before this date or date-time");
        verb->add_option("--charger", charger, "one charger");
        verb->add_option("--region", region, "a region or site path and everything under it");
        verb->add_option("--tag", tag, "one customer's id tag");
        verb->add_option("--group", group, "one tag group (parent id tag)");
        verb->add_option("--status", status, "billed, flagged or adjustment");
        verb->add_option("--transaction", transaction, "one transaction id");
    }
    Query& query(Query& q) const
    {
        return q.add("from", from)
            .add("to", to)
            .add("charger", charger)
            .add("region", region)
            .add("id_tag", tag)
            .add("tag_group", group)
            .add("status", status)
            .add("transaction", transaction);
    }
};

void print_record(std::ostream& out, const rapidjson::Value& r)
{
    auto currency = text_of(r, "currency");
    out << "record " << int_of(r, "record_id") << " (" << text_of(r, "status") << ")";
    if (const auto* adjusts = member(r, "adjusts_record_id"); adjusts != nullptr && adjusts->IsInt64()) {
        out << ", adjusts record " << adjusts->GetInt64();
    }
    out << "\ntransaction " << int_of(r, "transaction_id") << " on " << text_of(r, "charger_id") << " connector "
        << int_of(r, "connector_id") << ", region " << cell(r, "region") << "\n";
    out << "id tag " << text_of(r, "id_tag") << ", group " << cell(r, "tag_group") << ", paid by "
        << text_of(r, "payment_method") << "\n";
    out << "tariff " << cell(r, "tariff") << ", " << text_of(r, "started_at") << " to " << text_of(r, "stopped_at")
        << "\n";
    if (const auto* zone = member(r, "time_zone"); zone != nullptr && zone->IsString()) {
        out << "local " << text_of(r, "started_local") << " to " << text_of(r, "stopped_local") << " ("
            << zone->GetString() << ")\n";
    }
    out << "energy " << kwh(int_of(r, "energy_wh")) << " kWh (meter " << int_of(r, "meter_start_wh") << " to "
        << int_of(r, "meter_stop_wh") << " Wh";
    if (const auto* sampled = member(r, "sampled_energy_wh"); sampled != nullptr && sampled->IsInt64()) {
        out << "; samples say " << kwh(sampled->GetInt64()) << " kWh";
    }
    out << ")\n";
    if (auto a = anomalies(r); a != "-") {
        out << "anomalies " << a << ": not billed, settle with `csmsctl billing adjust " << int_of(r, "record_id")
            << "`\n";
    }
    if (const auto* reason = member(r, "reason"); reason != nullptr && reason->IsString()) {
        out << "reason " << reason->GetString() << " (by " << cell(r, "issued_by") << ")\n";
    }
    Table lines({"LINE", "ITEM", "PERIOD", "QUANTITY", "UNIT PRICE", "AMOUNT"});
    if (const auto* list = member(r, "lines"); list != nullptr && list->IsArray()) {
        for (const auto& l : list->GetArray()) {
            lines.add_row({cell(l, "line"), cell(l, "item"), cell(l, "period"), quantity(l),
                           unit_price(int_of(l, "unit_price")), amount(int_of(l, "amount"))});
        }
    }
    if (lines.rows() > 0) {
        lines.print(out);
    }
    out << "total " << amount(int_of(r, "total")) << " " << currency << "\n";
    if (const auto* by = member(r, "adjusted_by"); by != nullptr && by->IsArray() && !by->Empty()) {
        out << "adjusted by record";
        for (const auto& id : by->GetArray()) {
            out << " " << (id.IsInt64() ? id.GetInt64() : 0);
        }
        out << "\n";
    }
}

const std::vector<std::string> csv_header{
    "record_id",  "kind",   "status",    "adjusts_record_id", "transaction_id", "charger_id", "connector_id",
    "region",     "id_tag", "tag_group", "payment_method",    "tariff",         "started_at", "stopped_at",
    "energy_kwh", "total",  "currency",  "anomalies",         "reason"};

std::vector<std::string> csv_row(const rapidjson::Value& r)
{
    auto plain = [&r](const char* key) {
        auto text = cell(r, key);
        return text == "-" ? std::string() : text;
    };
    auto a = anomalies(r);
    return {plain("record_id"),
            plain("kind"),
            plain("status"),
            plain("adjusts_record_id"),
            plain("transaction_id"),
            plain("charger_id"),
            plain("connector_id"),
            plain("region"),
            plain("id_tag"),
            plain("tag_group"),
            plain("payment_method"),
            plain("tariff"),
            plain("started_at"),
            plain("stopped_at"),
            kwh(int_of(r, "energy_wh")),
            amount(int_of(r, "total")),
            plain("currency"),
            a == "-" ? "" : a,
            plain("reason")};
}

// Every page of the list, newest record first.
void export_records(Context& c, const Filters& filters, bool as_csv, std::ostream& out)
{
    OptText cursor;
    bool first = true;
    if (as_csv) {
        out << csv_line(csv_header);
    } else {
        out << "[";
    }
    do {
        Query q;
        filters.query(q).add("limit", OptText("500")).add("cursor", cursor);
        auto answer = c.api().get("/api/v1/billing" + q.str());
        if (const auto* items = member(answer.json, "items"); items != nullptr && items->IsArray()) {
            for (const auto& r : items->GetArray()) {
                if (as_csv) {
                    out << csv_line(csv_row(r));
                    continue;
                }
                rapidjson::StringBuffer buffer;
                rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
                r.Accept(w);
                out << (first ? "\n" : ",\n") << buffer.GetString();
                first = false;
            }
        }
        const auto* next = member(answer.json, "next");
        cursor = next != nullptr && next->IsString() ? OptText(next->GetString()) : std::nullopt;
    } while (cursor);
    if (!as_csv) {
        out << (first ? "]\n" : "\n]\n");
    }
}

} // namespace

void add_billing_commands(CLI::App& app, Registry& r)
{
    auto* billing = add_noun(app, "billing", "billing records: one per session, adjustments referencing them");

    auto& filters = r.make<Filters>();
    auto& limit = r.make<OptText>();
    auto& cursor = r.make<OptText>();
    auto* list = add_verb(r, *billing, "list", "billing records, newest first", [&](Context& c) {
        Query q;
        filters.query(q).add("limit", limit).add("cursor", cursor);
        c.print_list(c.api().get("/api/v1/billing" + q.str()),
                     {field("RECORD", "record_id"), field("STATUS", "status"), field("TX", "transaction_id"),
                      Column{"WHERE",
                             [](const rapidjson::Value& row) {
                                 return cell(row, "charger_id") + "/" + cell(row, "connector_id");
                             }},
                      field("ID TAG", "id_tag"), field("STARTED", "started_at"),
                      Column{"KWH", [](const rapidjson::Value& row) { return kwh(int_of(row, "energy_wh")); }},
                      Column{"TOTAL",
                             [](const rapidjson::Value& row) {
                                 return amount(int_of(row, "total")) + " " + text_of(row, "currency");
                             }},
                      field("PAYMENT", "payment_method"), Column{"ANOMALIES", anomalies}});
    });
    filters.add_to(list);
    list->add_option("--limit", limit, "items per page (1-500, default 50)");
    list->add_option("--cursor", cursor, "the page after this cursor");

    auto& id = r.make<std::string>();
    auto* show = add_verb(r, *billing, "show", "one record, line by line", [&](Context& c) {
        c.print(c.api().get("/api/v1/billing/" + segment(id)),
                [&c](const rapidjson::Value& json) { print_record(c.out(), json); });
    });
    show->add_option("RECORD", id, "billing record id")->required();

    auto& format = r.make<std::string>("csv");
    auto& output = r.make<OptText>();
    auto* exported = add_verb(r, *billing, "export", "every matching record as CSV or JSON", [&](Context& c) {
        if (format != "csv" && format != "json") {
            throw UsageError("billing export --format must be csv or json");
        }
        if (!output) {
            export_records(c, filters, format == "csv", c.out());
            return;
        }
        std::ofstream file(*output, std::ios::trunc);
        if (!file) {
            throw LocalError("cannot write " + *output);
        }
        export_records(c, filters, format == "csv", file);
        if (!file.flush()) {
            throw LocalError("cannot write " + *output);
        }
    });
    filters.add_to(exported);
    exported->add_option("--format", format, "csv (default) or json");
    exported->add_option("--output", output, "write to this file instead of stdout");

    auto& adjust_amount = r.make<std::string>();
    auto& reason = r.make<std::string>();
    auto* adjust = add_verb(r, *billing, "adjust", "issue an adjustment record for a session", [&](Context& c) {
        auto minor = billing::parse_money(adjust_amount);
        if (!minor || *minor == 0) {
            throw UsageError("--amount must be a non-zero amount with at most two decimals, e.g. -5.00");
        }
        rapidjson::Document body(rapidjson::kObjectType);
        auto& a = body.GetAllocator();
        body.AddMember("amount", rapidjson::Value(static_cast<std::int64_t>(*minor)), a);
        body.AddMember("reason", rapidjson::Value(reason, a), a);
        c.print(c.api().send("POST", "/api/v1/billing/" + segment(id) + "/adjustments", body),
                [&c](const rapidjson::Value& json) { print_record(c.out(), json); });
    });
    adjust->add_option("RECORD", id, "the session's billing record")->required();
    adjust->add_option("--amount", adjust_amount, "in the currency, negative to refund, e.g. -5.00")->required();
    adjust->add_option("--reason", reason, "why, for the customer and the auditor")->required();

    add_tariff_commands(app, r);
}

} // namespace csms::ctl
