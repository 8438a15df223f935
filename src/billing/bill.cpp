#include "billing/bill.hpp"

#include <cmath>

namespace csms::billing {
namespace {

// The readings the split walks: meterStart, the samples strictly inside the
// session rounded to the Wh as the split rounds them (so a sample of 999.6
// after a meterStart of 1000 is no reset), meterStop.
std::vector<MeterReading> readings_of(const Session& s)
{
    std::vector<MeterReading> out{{s.start, static_cast<double>(s.meter_start_wh)}};
    for (const auto& r : s.samples) {
        if (r.at > s.start && r.at < s.stop) {
            out.push_back({r.at, static_cast<double>(std::llround(r.wh))});
        }
    }
    out.push_back({s.stop, static_cast<double>(s.meter_stop_wh)});
    return out;
}

std::vector<Anomaly> anomalies_of(const Session& s, const std::vector<MeterReading>& readings)
{
    std::vector<Anomaly> out;
    if (s.meter_stop_wh < s.meter_start_wh) {
        out.push_back(Anomaly::negative_energy);
        if (readings.size() == 2) {
            return out; // no sample between: a reset is not told apart from a wrong meterStop
        }
    }
    for (std::size_t i = 1; i < readings.size(); ++i) {
        if (readings[i].wh < readings[i - 1].wh) {
            out.push_back(Anomaly::meter_reset);
            break;
        }
    }
    return out;
}

} // namespace

std::string_view to_string(Anomaly anomaly)
{
    switch (anomaly) {
    case Anomaly::negative_energy:
        return "negative_energy";
    case Anomaly::meter_reset:
        return "meter_reset";
    }
    return "meter_reset";
}

Bill compute_bill(const Tariff& tariff, const base::TimeZone& zone, const Session& session)
{
    Bill bill;
    bill.energy_wh = session.meter_stop_wh - session.meter_start_wh;
    auto readings = readings_of(session);
    bill.anomalies = anomalies_of(session, readings);
    if (!bill.billable()) {
        return bill;
    }
    auto add = [&bill](BillLine line) {
        bill.total += line.amount;
        bill.lines.push_back(std::move(line));
    };
    for (const auto& [period, wh] : split_energy(tariff, zone, readings)) {
        auto price = tariff.energy_price.count(period) ? tariff.energy_price.at(period) : 0;
        add(BillLine{"energy", period, static_cast<double>(wh) / 1000.0, price, energy_amount(wh, price)});
    }
    if (tariff.service_fee_per_kwh > 0) {
        add(BillLine{"service", "", static_cast<double>(bill.energy_wh) / 1000.0, tariff.service_fee_per_kwh,
                     energy_amount(bill.energy_wh, tariff.service_fee_per_kwh)});
    }
    if (tariff.idle_fee_per_minute > 0 && session.charging_ended && session.unplugged) {
        auto idle = std::chrono::duration_cast<std::chrono::seconds>(*session.unplugged - *session.charging_ended) -
                    tariff.idle_grace;
        if (auto amount = idle_amount(idle, tariff.idle_fee_per_minute); amount > 0) {
            add(BillLine{"idle", "",
                         static_cast<double>(std::chrono::duration_cast<std::chrono::minutes>(idle).count()),
                         tariff.idle_fee_per_minute * 100, amount});
        }
    }
    if (tariff.session_fee > 0) {
        add(BillLine{"session", "", 1, tariff.session_fee * 100, tariff.session_fee});
    }
    // The minimum compares with everything before it, session and idle fees
    // included; its line reads "1 x the top-up" so that it multiplies out.
    if (auto top_up = tariff.minimum_fee - bill.total; top_up > 0) {
        add(BillLine{"minimum", "", 1, top_up * 100, top_up});
    }
    return bill;
}

} // namespace csms::billing
