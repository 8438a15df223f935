#include "durability_log.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace csms::sim {
namespace {

bool parse_i64(std::string_view text, std::int64_t& out)
{
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

std::string_view kind_name(DurableKind kind)
{
    switch (kind) {
    case DurableKind::start:
        return "start";
    case DurableKind::meter:
        return "meter";
    case DurableKind::stop:
        return "stop";
    }
    return "?";
}

std::string format_record(const DurableRecord& r)
{
    std::string out;
    out.reserve(r.charger_id.size() + r.timestamp.size() + 48);
    out.append(kind_name(r.kind)).append(1, ' ').append(r.charger_id).append(1, ' ');
    out.append(std::to_string(r.transaction_id)).append(1, ' ').append(r.timestamp).append(1, ' ');
    out.append(std::to_string(r.meter_wh)).append(1, '\n');
    return out;
}

std::optional<DurableRecord> parse_record(std::string_view line)
{
    if (line.ends_with('\n')) {
        line.remove_suffix(1);
    }
    std::vector<std::string_view> fields;
    while (!line.empty() && fields.size() < 6) {
        const std::size_t space = line.find(' ');
        fields.push_back(line.substr(0, space));
        line = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    }
    if (fields.size() != 5) {
        return std::nullopt;
    }
    DurableRecord r;
    if (fields[0] == "start") {
        r.kind = DurableKind::start;
    } else if (fields[0] == "meter") {
        r.kind = DurableKind::meter;
    } else if (fields[0] == "stop") {
        r.kind = DurableKind::stop;
    } else {
        return std::nullopt;
    }
    if (fields[1].empty() || fields[3].empty() || !parse_i64(fields[2], r.transaction_id) ||
        !parse_i64(fields[4], r.meter_wh)) {
        return std::nullopt;
    }
    r.charger_id = std::string(fields[1]);
    r.timestamp = std::string(fields[3]);
    return r;
}

DurabilityLog::DurabilityLog(const std::string& path) : file_(std::fopen(path.c_str(), "w"))
{
    if (file_ == nullptr) {
        throw std::runtime_error("--durability-log " + path + ": " + std::strerror(errno));
    }
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

DurabilityLog::~DurabilityLog()
{
    std::fclose(file_);
}

void DurabilityLog::append(const DurableRecord& record)
{
    const std::string line = format_record(record);
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
}

void DurabilityLog::flush()
{
    std::lock_guard lock(mutex_);
    std::fflush(file_);
}

} // namespace csms::sim
