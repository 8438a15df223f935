#pragma once
// --durability-log FILE: one line per acknowledged StartTransaction,
// MeterValues and StopTransaction, written after its CALLRESULT arrived:
//   kind charger_id transaction_id timestamp meter_wh
// kind is start|meter|stop; timestamp is exactly as sent in the payload
// (StartTransaction/StopTransaction timestamp, the MeterValues sample's);
// meter_wh is meterStart, the Energy.Active.Import.Register value, meterStop.
// `ocpp-sim verify-durability` then checks every line against the database.
//
// With --processes N each child k writes FILE.k; the parent appends them to
// FILE in child order once all children have exited and removes the parts,
// so FILE is always the one log of the run.
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace csms::sim {

enum class DurableKind { start, meter, stop };

struct DurableRecord {
    DurableKind kind = DurableKind::start;
    std::string charger_id;
    std::int64_t transaction_id = 0;
    std::string timestamp;
    std::int64_t meter_wh = 0;

    bool operator==(const DurableRecord&) const = default;
};

std::string_view kind_name(DurableKind kind);
// One line, with the trailing '\n'.
std::string format_record(const DurableRecord& record);
// A line with or without its '\n'; nullopt when malformed.
std::optional<DurableRecord> parse_record(std::string_view line);

// Buffered appends shared by the chargers of one process (a lock per line;
// fwrite into a large buffer). Flushed by flush() and the destructor, so a
// run whose connections all dropped still leaves a complete file.
class DurabilityLog {
public:
    // Throws std::runtime_error when the file cannot be created.
    explicit DurabilityLog(const std::string& path);
    ~DurabilityLog();
    DurabilityLog(const DurabilityLog&) = delete;
    DurabilityLog& operator=(const DurabilityLog&) = delete;

    void append(const DurableRecord& record);
    void flush();

private:
    std::FILE* file_;
    std::mutex mutex_;
};

} // namespace csms::sim
