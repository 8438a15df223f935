#pragma once
// The CALL frames of --mode load and storm, written with RapidJSON's Writer
// straight into one reused buffer: no Document, no allocation per call once
// the buffer has grown to the largest frame. Each method returns a view of
// the buffer, valid until the next call on the same builder. The payloads
// match the scripted mode's (scenario.cpp), MeterValues with the same six
// sampled values.
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

class FrameBuilder {
public:
    FrameBuilder();

    std::string_view boot_notification(std::string_view unique_id, std::string_view charge_point_id);
    std::string_view status_available(std::string_view unique_id, std::string_view timestamp);
    std::string_view start_transaction(std::string_view unique_id, std::string_view id_tag, std::int64_t meter_start,
                                       std::string_view timestamp);
    std::string_view heartbeat(std::string_view unique_id);
    std::string_view meter_values(std::string_view unique_id, std::int64_t transaction_id, std::string_view timestamp,
                                  const MeterSample& sample);
    std::string_view stop_transaction(std::string_view unique_id, std::int64_t transaction_id, std::string_view id_tag,
                                      std::int64_t meter_stop, std::string_view timestamp);

private:
    using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

    void begin(std::string_view unique_id, std::string_view action);
    std::string_view end();
    void string(std::string_view s);
    void key(std::string_view k);
    void sampled_value(std::string_view value, std::string_view measurand, std::string_view unit,
                       std::string_view context, std::string_view phase);

    rapidjson::StringBuffer buffer_;
    Writer writer_;
};

// Charging at 32 A on one 230 V phase, as the scripted mode simulates.
inline constexpr int sim_current_deci_amps = 320;
inline constexpr int sim_voltage_deci_volts = 2300;
inline constexpr int sim_power_w = sim_current_deci_amps * sim_voltage_deci_volts / 100;
inline constexpr int sim_wh_per_sample = sim_power_w / 60;

} // namespace csms::sim
