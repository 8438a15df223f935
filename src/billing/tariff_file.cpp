#include "billing/tariff_book.hpp"

#include "base/toml_fields.hpp"
#include "billing/tariff_text.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace csms::billing {
namespace {

using base::in_quotes;
using base::line_of;
using base::TableReader;
using namespace std::chrono;

// Amounts above these are typing mistakes, and stay far from int64 overflow.
constexpr std::int64_t max_unit_price = 100'000LL * 10'000; // 100000 per kWh, in ten-thousandths
constexpr std::int64_t max_minor = 100'000LL * 100;         // 100000 per fee, in minor units
constexpr int price_decimals = 4;
constexpr int minor_decimals = 2;

constexpr std::string_view scope_keys[] = {"tag_group", "charger", "region"};

// "HH:MM" -> minutes after midnight; "24:00" only as the end of a window.
std::optional<int> parse_clock(std::string_view text, bool end)
{
    if (text.size() != 5 || text[2] != ':' ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c == ':' || (c >= '0' && c <= '9'); })) {
        return std::nullopt;
    }
    int hours = (text[0] - '0') * 10 + (text[1] - '0');
    int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && (minutes != 0 || !end))) {
        return std::nullopt;
    }
    return hours * 60 + minutes;
}

// "10:00-15:00" -> a window, or a problem.
std::string parse_window(std::string_view text, TimeWindow& window)
{
    auto dash = text.find('-');
    auto from = parse_clock(text.substr(0, dash), false);
    auto to = dash == std::string_view::npos ? std::nullopt : parse_clock(text.substr(dash + 1), true);
    if (!from || !to) {
        return "must be local times \"HH:MM-HH:MM\" such as \"10:00-15:00\" (00:00 to 24:00)";
    }
    if (*from == *to) { // 00:00-24:00 is the whole day
        return "is empty: it must end at another time than it starts";
    }
    window = TimeWindow{*from, *to};
    return "";
}

// "2026-07-01" -> a valid calendar date.
std::optional<year_month_day> parse_date(std::string_view text)
{
    auto digits = [&](std::size_t at, std::size_t count) {
        int value = 0;
        for (std::size_t i = at; i < at + count; ++i) {
            if (text[i] < '0' || text[i] > '9') {
                return -1;
            }
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    year_month_day date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (y < 0 || m < 0 || d < 0 || !date.ok()) {
        return std::nullopt;
    }
    return date;
}

// A local date written "2026-07-01" (or as a bare TOML date).
std::optional<year_month_day> read_date(const TableReader& r, std::string_view key)
{
    const toml::node* node = r.table().get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (const auto* date = node->as_date()) {
        const toml::date& d = date->get();
        return year_month_day{year{d.year}, month{d.month}, day{d.day}};
    }
    auto text = node->value<std::string>();
    auto date = node->is_string() ? parse_date(*text) : std::nullopt;
    if (!date) {
        r.fail(line_of(*node), std::string(key) + (node->is_string() ? " " + in_quotes(*text) : std::string()) +
                                   " must be a date such as \"2026-07-01\"");
    }
    return date;
}

std::string price_list(const Tariff& tariff)
{
    std::vector<std::string_view> names;
    for (const auto& [name, price] : tariff.energy_price) {
        names.push_back(name);
    }
    return base::one_of(names);
}

PeriodRule read_period(const toml::table& table, const TableReader& tariff_reader, const Tariff& tariff,
                       std::size_t index)
{
    TableReader r(table, tariff_reader.source(),
                  "tariff " + in_quotes(tariff.name) + " period #" + std::to_string(index));
    r.check_keys({"period", "weekdays", "windows", "from", "to"});
    PeriodRule rule;
    rule.period = r.required_text("period");
    if (tariff.energy_price.count(rule.period) == 0) {
        r.fail_at("period",
                  "period " + in_quotes(rule.period) + " has no price (prices has " + price_list(tariff) + ")");
    }
    auto days = r.strings("weekdays", [](const std::string& day) {
        return std::find(std::begin(weekday_names), std::end(weekday_names), day) != std::end(weekday_names)
                   ? std::string()
                   : "is not one of " + base::one_of(weekday_names) + base::suggestion(day, weekday_names);
    });
    if (r.has("weekdays") && days.empty()) {
        r.fail_at("weekdays", "weekdays must name at least one day (leave it out for every day)");
    }
    for (const auto& name : days) {
        rule.weekdays.push_back(static_cast<int>(std::find(std::begin(weekday_names), std::end(weekday_names), name) -
                                                 std::begin(weekday_names)));
    }
    auto windows = r.strings("windows", [](const std::string& text) {
        TimeWindow window;
        return parse_window(text, window);
    });
    if (windows.empty()) {
        r.fail_at("windows", "missing windows (local times such as [\"10:00-15:00\", \"23:00-07:00\"])");
    }
    for (const auto& text : windows) {
        parse_window(text, rule.windows.emplace_back());
    }
    rule.from_date = read_date(r, "from");
    rule.to_date = read_date(r, "to");
    if (rule.from_date && rule.to_date && *rule.from_date > *rule.to_date) {
        r.fail_at("to", "from " + date_text(*rule.from_date) + " is after to " + date_text(*rule.to_date));
    }
    return rule;
}

Tariff read_tariff(const toml::table& table, const std::string& source, std::size_t index, const std::string& currency)
{
    TableReader r(table, source, "tariff #" + std::to_string(index));
    Tariff t;
    t.currency = currency;
    t.line = r.line();
    t.name = r.required_text("name");
    if (!base::valid_name(t.name)) {
        r.fail_at("name", "name " + in_quotes(t.name) + " must be 1 to 64 of the characters A-Z a-z 0-9 _ . -");
    }
    r.rename("tariff " + in_quotes(t.name));
    r.check_keys({"name", "default_period", "prices", "service_fee_per_kwh", "idle_fee_per_minute",
                  "idle_grace_minutes", "session_fee", "minimum_fee", "period"});
    const toml::table* prices = r.subtable("prices");
    if (prices == nullptr || prices->empty()) {
        r.fail_at("prices", "missing prices (a price per kWh for each period, e.g. { flat = 0.8000 })");
    }
    for (auto&& [period, price] : *prices) {
        t.energy_price[std::string(period.str())] =
            r.fixed_point(price, "price " + in_quotes(period.str()), price_decimals, max_unit_price);
    }
    t.default_period = r.required_text("default_period");
    if (t.energy_price.count(t.default_period) == 0) {
        r.fail_at("default_period",
                  "default_period " + in_quotes(t.default_period) + " has no price (prices has " + price_list(t) + ")");
    }
    t.service_fee_per_kwh = r.fixed_point("service_fee_per_kwh", price_decimals, max_unit_price).value_or(0);
    t.idle_fee_per_minute = r.fixed_point("idle_fee_per_minute", minor_decimals, max_minor).value_or(0);
    t.idle_grace = minutes{r.integer("idle_grace_minutes", 0, 24 * 60).value_or(0)};
    t.session_fee = r.fixed_point("session_fee", minor_decimals, max_minor).value_or(0);
    t.minimum_fee = r.fixed_point("minimum_fee", minor_decimals, max_minor).value_or(0);
    if (const toml::node* periods = table.get("period")) {
        const toml::array* array = periods->as_array();
        if (array == nullptr || !array->is_array_of_tables()) {
            r.fail(line_of(*periods), "period must be written [[tariff.period]] (an array of tables)");
        }
        for (std::size_t i = 0; i < array->size(); ++i) {
            t.schedule.push_back(read_period(*array->get(i)->as_table(), r, t, i + 1));
        }
    }
    return t;
}

// "Guangdong/Shenzhen": non-empty parts between single slashes.
bool valid_region_path(std::string_view path)
{
    return !path.empty() && path.front() != '/' && path.back() != '/' && path.find("//") == std::string_view::npos;
}

TariffAssignment read_assignment(const toml::table& table, const std::string& source, std::size_t index,
                                 const TariffBook& book)
{
    TableReader r(table, source, "assign #" + std::to_string(index));
    r.check_keys({"tariff", "from", "tag_group", "charger", "region"});
    TariffAssignment a;
    a.line = r.line();
    a.tariff = r.required_text("tariff");
    if (book.tariffs.count(a.tariff) == 0) {
        r.fail_at("tariff", "tariff " + in_quotes(a.tariff) + " is not a [[tariff]] of this file");
    }
    const AssignmentScope scopes[] = {AssignmentScope::tag_group, AssignmentScope::charger, AssignmentScope::region};
    std::string_view scope_key;
    for (std::size_t i = 0; i < std::size(scope_keys); ++i) {
        if (!r.has(scope_keys[i])) {
            continue;
        }
        if (!scope_key.empty()) {
            r.fail(std::max(r.line_at(scope_key), r.line_at(scope_keys[i])),
                   "give at most one of tag_group, charger or region (none: everywhere)");
        }
        scope_key = scope_keys[i];
        a.scope = scopes[i];
        a.value = *r.text(scope_key);
        if (a.value.empty()) {
            r.fail_at(scope_key, std::string(scope_key) + " must not be empty (leave it out for everywhere)");
        }
    }
    if (a.scope == AssignmentScope::region && !valid_region_path(a.value)) {
        r.fail_at("region", "region " + in_quotes(a.value) +
                                " must be a path such as \"Guangdong/Shenzhen\" (no empty parts between slashes)");
    }
    auto from = read_date(r, "from");
    if (!from) {
        r.fail(r.line(), "missing from (the local date the tariff takes effect, e.g. \"2026-01-01\")");
    }
    a.from_date = *from;
    a.effective_from = book.zone->from_local(local_days{*from});
    return a;
}

std::string_view scope_name(AssignmentScope scope)
{
    switch (scope) {
    case AssignmentScope::tag_group:
        return "tag_group";
    case AssignmentScope::charger:
        return "charger";
    case AssignmentScope::region:
        return "region";
    case AssignmentScope::everywhere:
        return "everywhere";
    }
    return "everywhere";
}

TariffBook parse(std::string_view toml_text, const std::string& source, const std::string& zone_dir)
{
    toml::table root = base::parse_toml(toml_text, source);
    constexpr std::string_view top_keys[] = {"currency", "time_zone", "tariff", "assign"};
    base::check_top_level_keys(root, source, top_keys, "the file holds currency, time_zone, [[tariff]] and [[assign]]");
    TableReader top(root, source, "");
    TariffBook book;
    book.currency = top.text("currency").value_or(book.currency);
    if (book.currency.size() != 3 ||
        !std::all_of(book.currency.begin(), book.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        top.fail_at("currency", "currency " + in_quotes(book.currency) +
                                    " must be an ISO 4217 code of three capital letters such as \"CNY\"");
    }
    auto zone = top.text("time_zone");
    try {
        book.zone = std::make_shared<const base::TimeZone>(zone ? base::TimeZone::load(*zone, zone_dir)
                                                                : base::TimeZone::utc());
    } catch (const std::invalid_argument& e) {
        top.fail_at("time_zone", e.what());
    }
    std::map<std::string, int, std::less<>> tariff_lines;
    if (const auto* tariffs = base::table_array(root, "tariff", source)) {
        for (std::size_t i = 0; i < tariffs->size(); ++i) {
            const auto& table = *tariffs->get(i)->as_table();
            auto tariff = read_tariff(table, source, i + 1, book.currency);
            auto [it, inserted] = tariff_lines.emplace(tariff.name, line_of(table));
            if (!inserted) {
                base::fail_at_line(source, line_of(table),
                                   "tariff " + in_quotes(tariff.name) +
                                       ": name is already used by the tariff at line " + std::to_string(it->second));
            }
            book.tariffs.emplace(tariff.name, std::move(tariff));
        }
    }
    std::map<std::tuple<AssignmentScope, std::string, base::SysTime>, int> assignment_lines;
    if (const auto* assigns = base::table_array(root, "assign", source)) {
        for (std::size_t i = 0; i < assigns->size(); ++i) {
            auto a = read_assignment(*assigns->get(i)->as_table(), source, i + 1, book);
            auto [it, inserted] = assignment_lines.emplace(std::tuple(a.scope, a.value, a.effective_from), a.line);
            if (!inserted) {
                std::string where = a.scope == AssignmentScope::everywhere
                                        ? std::string("everywhere")
                                        : std::string(scope_name(a.scope)) + " " + in_quotes(a.value);
                base::fail_at_line(source, a.line,
                                   "assign #" + std::to_string(i + 1) + ": " + where +
                                       " already has a tariff from the same date (the assignment at line " +
                                       std::to_string(it->second) + ")");
            }
            book.assignments.push_back(std::move(a));
        }
    }
    return book;
}

} // namespace

TariffBook parse_tariffs(std::string_view toml_text, const std::string& source_name, const std::string& zone_dir)
{
    try {
        return parse(toml_text, source_name, zone_dir);
    } catch (const base::TomlFileError& e) {
        throw TariffFileError(e.what());
    }
}

TariffBook load_tariff_file(const std::string& path, const std::string& zone_dir)
{
    std::string text;
    try {
        text = base::read_toml_file(path, "the tariffs file");
    } catch (const base::TomlFileError& e) {
        throw TariffFileError(e.what());
    }
    return parse_tariffs(text, path, zone_dir);
}

} // namespace csms::billing
