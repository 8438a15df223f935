#include "billing/tariff.hpp"

#include <algorithm>

namespace csms::billing {
namespace {

using namespace std::chrono;

int weekday_from_monday(local_days day)
{
    return static_cast<int>((weekday(day).c_encoding() + 6) % 7);
}

bool day_applies(const PeriodRule& rule, local_days day)
{
    year_month_day date{day};
    if (rule.from_date && date < *rule.from_date) {
        return false;
    }
    if (rule.to_date && date > *rule.to_date) {
        return false;
    }
    return rule.weekdays.empty() ||
           std::find(rule.weekdays.begin(), rule.weekdays.end(), weekday_from_monday(day)) != rule.weekdays.end();
}

bool covers(const PeriodRule& rule, local_seconds local)
{
    auto day = floor<days>(local);
    int minute = static_cast<int>(duration_cast<minutes>(local - day).count());
    for (const auto& w : rule.windows) {
        if (w.from_minute < w.to_minute) {
            if (minute >= w.from_minute && minute < w.to_minute && day_applies(rule, day)) {
                return true;
            }
        } else { // wraps midnight: the evening part today, the morning part from yesterday's window
            if (minute >= w.from_minute && day_applies(rule, day)) {
                return true;
            }
            if (minute < w.to_minute && day_applies(rule, day - days{1})) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

const std::string& period_at(const Tariff& tariff, local_seconds local)
{
    for (const auto& rule : tariff.schedule) {
        if (covers(rule, local)) {
            return rule.period;
        }
    }
    return tariff.default_period;
}

local_seconds next_change(const Tariff& tariff, local_seconds local)
{
    auto day = floor<days>(local);
    local_seconds next = day + days{1};
    for (const auto& rule : tariff.schedule) {
        for (const auto& w : rule.windows) {
            for (int edge : {w.from_minute, w.to_minute}) {
                local_seconds at = day + minutes{edge};
                if (at > local && at < next) {
                    next = at;
                }
            }
        }
    }
    return next;
}

} // namespace csms::billing
