#pragma once
// The CALL frames of --mode load and storm, written with RapidJSON's Writer
// straight into one reused buffer: no Document, no allocation per call once
// the buffer has grown to the largest frame. Each method returns a view of
// the buffer, valid until the next call on the same builder. The payloads
// match the scripted mode's (scenario.cpp), MeterValues with the same six
// sampled values; the closed-loop mix sends meter_values_live() instead,
// six values that all move, with their phases and locations.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string_view>

namespace csms::sim {

// One MeterValues sample of the simulated meter.
struct MeterSample {
    std::int64_t energy_wh = 0;
    int soc_percent = 0;
    int temperature_deci_c = 0;
};

// One sample of the closed-loop load's meter (live_meter.hpp).
struct LiveSample {
    std::int64_t energy_wh = 0;
    int power_w = 0;
    int current_deci_amps = 0;
    int voltage_deci_volts = 0;
    int temperature_deci_c = 0;
    int soc_percent = 0;
};

class FrameBuilder {
public:
    FrameBuilder();

    std::string_view boot_notification(std::string_view unique_id, std::string_view charge_point_id);
    std::string_view status_available(std::string_view unique_id, std::string_view timestamp);
    // Connector 1, NoError.
    std::string_view status(std::string_view unique_id, std::string_view status, std::string_view timestamp);
    std::string_view start_transaction(std::string_view unique_id, std::string_view id_tag, std::int64_t meter_start,
                                       std::string_view timestamp);
    std::string_view heartbeat(std::string_view unique_id);
    std::string_view meter_values(std::string_view unique_id, std::int64_t transaction_id, std::string_view timestamp,
                                  const MeterSample& sample);
    // One meterValue, Sample.Periodic: register, power, current L1, voltage
    // L1-N, Temperature at the Body, SoC of the EV.
    std::string_view meter_values_live(std::string_view unique_id, std::int64_t transaction_id,
                                       std::string_view timestamp, const LiveSample& sample);
    std::string_view stop_transaction(std::string_view unique_id, std::int64_t transaction_id, std::string_view id_tag,
                                      std::int64_t meter_stop, std::string_view timestamp);

private:
    using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

    void begin(std::string_view unique_id, std::string_view action);
    std::string_view end();
    void string(std::string_view s);
    void key(std::string_view k);
    void sampled_value(std::string_view value, std::string_view measurand, std::string_view unit,
                       std::string_view context, std::string_view phase, std::string_view location = "Outlet");
    void begin_meter_value(std::string_view unique_id, std::int64_t transaction_id, std::string_view timestamp);
    std::string_view end_meter_value();

    rapidjson::StringBuffer buffer_;
    Writer writer_;
};

// Charging at 32 A on one 230 V phase, as the scripted mode simulates.
inline constexpr int sim_current_deci_amps = 320;
inline constexpr int sim_voltage_deci_volts = 2300;
inline constexpr int sim_power_w = sim_current_deci_amps * sim_voltage_deci_volts / 100;
inline constexpr int sim_wh_per_sample = sim_power_w / 60;

} // namespace csms::sim
