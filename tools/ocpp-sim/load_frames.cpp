#include "load_frames.hpp"

#include <cstdio>
#include <cstdlib>

namespace csms::sim {
namespace {

// OCPP 1.6 sends sampled values as decimal strings.
std::string_view decimal(char (&buf)[32], int tenths)
{
    const int n = std::snprintf(buf, sizeof buf, "%d.%d", tenths / 10, std::abs(tenths % 10));
    return {buf, static_cast<std::size_t>(n)};
}

std::string_view integer(char (&buf)[32], std::int64_t value)
{
    const int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(value));
    return {buf, static_cast<std::size_t>(n)};
}

} // namespace

FrameBuilder::FrameBuilder() : buffer_(nullptr, 1024), writer_(buffer_) {}

void FrameBuilder::string(std::string_view s)
{
    writer_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void FrameBuilder::key(std::string_view k)
{
    writer_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

void FrameBuilder::begin(std::string_view unique_id, std::string_view action)
{
    buffer_.Clear(); // keeps the capacity
    writer_.Reset(buffer_);
    writer_.StartArray();
    writer_.Int(2);
    string(unique_id);
    string(action);
    writer_.StartObject();
}

std::string_view FrameBuilder::end()
{
    writer_.EndObject();
    writer_.EndArray();
    return {buffer_.GetString(), buffer_.GetSize()};
}

std::string_view FrameBuilder::boot_notification(std::string_view unique_id, std::string_view charge_point_id)
{
    // Serial numbers are CiString25Type.
    const std::string_view serial = charge_point_id.substr(0, 25);
    begin(unique_id, "BootNotification");
    key("chargePointVendor");
    string("CsmsSim");
    key("chargePointModel");
    string("Sim-1");
    key("chargePointSerialNumber");
    string(serial);
    key("chargeBoxSerialNumber");
    string(serial);
    key("firmwareVersion");
    string("ocpp-sim-1.0");
    return end();
}

std::string_view FrameBuilder::status_available(std::string_view unique_id, std::string_view timestamp)
{
    return status(unique_id, "Available", timestamp);
}

std::string_view FrameBuilder::status(std::string_view unique_id, std::string_view status, std::string_view timestamp)
{
    begin(unique_id, "StatusNotification");
    key("connectorId");
    writer_.Int(1);
    key("errorCode");
    string("NoError");
    key("status");
    string(status);
    key("timestamp");
    string(timestamp);
    return end();
}

std::string_view FrameBuilder::start_transaction(std::string_view unique_id, std::string_view id_tag,
                                                 std::int64_t meter_start, std::string_view timestamp)
{
    begin(unique_id, "StartTransaction");
    key("connectorId");
    writer_.Int(1);
    key("idTag");
    string(id_tag);
    key("meterStart");
    writer_.Int64(meter_start);
    key("timestamp");
    string(timestamp);
    return end();
}

std::string_view FrameBuilder::heartbeat(std::string_view unique_id)
{
    begin(unique_id, "Heartbeat");
    return end();
}

void FrameBuilder::sampled_value(std::string_view value, std::string_view measurand, std::string_view unit,
                                 std::string_view context, std::string_view phase, std::string_view location)
{
    writer_.StartObject();
    key("value");
    string(value);
    key("context");
    string(context);
    key("format");
    string("Raw");
    key("measurand");
    string(measurand);
    if (!phase.empty()) {
        key("phase");
        string(phase);
    }
    key("location");
    string(location);
    key("unit");
    string(unit);
    writer_.EndObject();
}

void FrameBuilder::begin_meter_value(std::string_view unique_id, std::int64_t transaction_id,
                                     std::string_view timestamp)
{
    begin(unique_id, "MeterValues");
    key("connectorId");
    writer_.Int(1);
    key("transactionId");
    writer_.Int64(transaction_id);
    key("meterValue");
    writer_.StartArray();
    writer_.StartObject();
    key("timestamp");
    string(timestamp);
    key("sampledValue");
    writer_.StartArray();
}

std::string_view FrameBuilder::end_meter_value()
{
    writer_.EndArray();
    writer_.EndObject();
    writer_.EndArray();
    return end();
}

std::string_view FrameBuilder::meter_values(std::string_view unique_id, std::int64_t transaction_id,
                                            std::string_view timestamp, const MeterSample& sample)
{
    constexpr std::string_view ctx = "Sample.Periodic";
    char buf[32];
    begin_meter_value(unique_id, transaction_id, timestamp);
    sampled_value(integer(buf, sample.energy_wh), "Energy.Active.Import.Register", "Wh", ctx, "");
    sampled_value(integer(buf, sim_power_w), "Power.Active.Import", "W", ctx, "");
    sampled_value(decimal(buf, sim_current_deci_amps), "Current.Import", "A", ctx, "L1");
    sampled_value(decimal(buf, sim_voltage_deci_volts), "Voltage", "V", ctx, "");
    sampled_value(integer(buf, sample.soc_percent), "SoC", "Percent", ctx, "");
    sampled_value(decimal(buf, sample.temperature_deci_c), "Temperature", "Celsius", ctx, "");
    return end_meter_value();
}

std::string_view FrameBuilder::meter_values_live(std::string_view unique_id, std::int64_t transaction_id,
                                                 std::string_view timestamp, const LiveSample& sample)
{
    constexpr std::string_view ctx = "Sample.Periodic";
    char buf[32];
    begin_meter_value(unique_id, transaction_id, timestamp);
    sampled_value(integer(buf, sample.energy_wh), "Energy.Active.Import.Register", "Wh", ctx, "");
    sampled_value(integer(buf, sample.power_w), "Power.Active.Import", "W", ctx, "");
    sampled_value(decimal(buf, sample.current_deci_amps), "Current.Import", "A", ctx, "L1");
    sampled_value(decimal(buf, sample.voltage_deci_volts), "Voltage", "V", ctx, "L1-N");
    sampled_value(decimal(buf, sample.temperature_deci_c), "Temperature", "Celsius", ctx, "", "Body");
    sampled_value(integer(buf, sample.soc_percent), "SoC", "Percent", ctx, "", "EV");
    return end_meter_value();
}

std::string_view FrameBuilder::stop_transaction(std::string_view unique_id, std::int64_t transaction_id,
                                                std::string_view id_tag, std::int64_t meter_stop,
                                                std::string_view timestamp)
{
    char buf[32];
    begin(unique_id, "StopTransaction");
    key("transactionId");
    writer_.Int64(transaction_id);
    key("idTag");
    string(id_tag);
    key("meterStop");
    writer_.Int64(meter_stop);
    key("timestamp");
    string(timestamp);
    key("reason");
    string("Local");
    key("transactionData");
    writer_.StartArray();
    writer_.StartObject();
    key("timestamp");
    string(timestamp);
    key("sampledValue");
    writer_.StartArray();
    sampled_value(integer(buf, meter_stop), "Energy.Active.Import.Register", "Wh", "Transaction.End", "");
    writer_.EndArray();
    writer_.EndObject();
    writer_.EndArray();
    return end();
}

} // namespace csms::sim
