// csmsctl tariffs show|reload: the tariffs in force, printed the way the
// tariffs file writes them (docs/billing.md) so an operator can hold the
// output against the file: each [[tariff]] with its keys, prices in the
// currency per kWh, fees as money, its [[tariff.period]] rules, then every
// [[assign]] with its local from date.
#include "ctl/commands.hpp"

#include <algorithm>
#include <ostream>

namespace csms::ctl {
namespace {

std::string text_of(const rapidjson::Value& item, const char* key)
{
    const auto* v = member(item, key);
    return v != nullptr && v->IsString() ? v->GetString() : "";
}

// ["mon", "tue"] -> "mon,tue"; absent or empty -> "-". No spaces, so every
// cell stays one word for awk.
std::string list_of(const rapidjson::Value& item, const char* key)
{
    std::string out;
    if (const auto* list = member(item, key); list != nullptr && list->IsArray()) {
        for (const auto& v : list->GetArray()) {
            out.append(out.empty() ? "" : ",").append(v.IsString() ? v.GetString() : "");
        }
    }
    return out.empty() ? "-" : out;
}

// "flat 0.8000, peak 1.2000 CNY per kWh"
std::string prices_of(const rapidjson::Value& tariff, const std::string& currency)
{
    std::string out;
    if (const auto* prices = member(tariff, "prices"); prices != nullptr && prices->IsObject()) {
        for (const auto& p : prices->GetObject()) {
            out.append(out.empty() ? "" : ", ")
                .append(p.name.GetString())
                .append(" ")
                .append(p.value.IsString() ? p.value.GetString() : "");
        }
    }
    return out + " " + currency + " per kWh";
}

void print_tariff(std::ostream& out, const rapidjson::Value& tariff, const std::string& currency)
{
    const std::vector<std::pair<std::string, std::string>> keys{
        {"default_period", text_of(tariff, "default_period")},
        {"prices", prices_of(tariff, currency)},
        {"service_fee_per_kwh", text_of(tariff, "service_fee_per_kwh") + " " + currency},
        {"idle_fee_per_minute", text_of(tariff, "idle_fee_per_minute") + " " + currency},
        {"idle_grace_minutes", cell(tariff, "idle_grace_minutes")},
        {"session_fee", text_of(tariff, "session_fee") + " " + currency},
        {"minimum_fee", text_of(tariff, "minimum_fee") + " " + currency},
    };
    std::size_t width = 0;
    for (const auto& [key, value] : keys) {
        width = std::max(width, key.size());
    }
    out << "tariff " << text_of(tariff, "name") << " (line " << cell(tariff, "line") << ")\n";
    for (const auto& [key, value] : keys) {
        out << key << std::string(width - key.size() + 2, ' ') << value << "\n";
    }
    const auto* periods = member(tariff, "periods");
    if (periods != nullptr && periods->IsArray() && !periods->Empty()) {
        print_items(out, *periods,
                    {field("PERIOD", "period"),
                     Column{"WEEKDAYS", [](const rapidjson::Value& p) { return list_of(p, "weekdays"); }},
                     field("FROM", "from"), field("TO", "to"),
                     Column{"WINDOWS", [](const rapidjson::Value& p) { return list_of(p, "windows"); }}});
    }
}

void print_tariffs(std::ostream& out, const rapidjson::Value& book)
{
    const auto currency = text_of(book, "currency");
    out << "currency " << currency << ", time zone " << text_of(book, "time_zone") << "\n";
    if (const auto* tariffs = member(book, "tariffs"); tariffs != nullptr && tariffs->IsArray()) {
        for (const auto& tariff : tariffs->GetArray()) {
            out << "\n";
            print_tariff(out, tariff, currency);
        }
    }
    static const rapidjson::Value none(rapidjson::kArrayType);
    const auto* assignments = member(book, "assignments");
    out << "\n";
    print_items(out, assignments != nullptr ? *assignments : none,
                {field("ASSIGNED", "tariff"), field("SCOPE", "scope"), field("VALUE", "value"), field("FROM", "from"),
                 field("LINE", "line")});
}

} // namespace

void add_tariff_commands(CLI::App& app, Registry& r)
{
    auto* tariffs = add_noun(app, "tariffs", "the tariffs in force and where they apply");
    auto show = [](Context& c, const ApiAnswer& answer) {
        c.print(answer, [&c](const rapidjson::Value& json) { print_tariffs(c.out(), json); });
    };
    add_verb(r, *tariffs, "show", "the tariffs and their assignments, as the tariffs file writes them",
             [show](Context& c) { show(c, c.api().get("/api/v1/billing/tariffs")); });
    add_verb(r, *tariffs, "reload", "re-read the tariffs file; a bad file changes nothing", [show](Context& c) {
        show(c, c.api().send("POST", "/api/v1/billing/tariffs/reload", rapidjson::Value(rapidjson::kObjectType)));
    });
}

} // namespace csms::ctl
