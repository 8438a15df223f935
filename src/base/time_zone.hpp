#pragma once
// An IANA time zone read from a compiled TZif file (RFC 8536), because
// g++ 12's libstdc++ has no std::chrono::tzdb. Only the 64-bit transition
// table of a version 2+ file is used: after its last transition the last
// offset holds. The POSIX TZ string in the footer, which a "slim" file needs
// for future daylight saving, is not read; Debian ships "fat" files whose
// tables run to 2037, so zones with daylight saving are right until then.
// Immutable after load, so one TimeZone may be shared by threads.
#include "base/clock.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace csms::base {

class TimeZone {
public:
    // Reads dir/name, e.g. "/usr/share/zoneinfo/Asia/Shanghai". Throws
    // std::invalid_argument with a one-line reason for an unsafe or unknown
    // name or a file that is not TZif version 2 or later.
    static TimeZone load(const std::string& name, const std::string& dir = "/usr/share/zoneinfo");
    // Parses the bytes of a TZif file; throws std::invalid_argument.
    static TimeZone parse(const std::string& name, std::string_view bytes);
    static TimeZone utc();

    const std::string& name() const { return name_; }

    // Local time minus UTC at the instant t.
    std::chrono::seconds offset_at(SysTime t) const;
    // The wall-clock time at t, as a count from the local epoch.
    std::chrono::local_seconds to_local(SysTime t) const;
    // The first instant whose wall clock reads `local` or later: for a wall
    // time skipped by a forward jump, the instant of the jump; for one seen
    // twice, its first occurrence.
    SysTime from_local(std::chrono::local_seconds local) const;
    // "2026-03-10T07:30:00+08:00": the wall clock at t, with its offset.
    std::string format_local(SysTime t) const;

private:
    struct Transition {
        std::int64_t at;     // UTC seconds since the epoch
        std::int32_t offset; // seconds east of UTC from `at` on
    };

    std::string name_;
    std::int32_t initial_offset_ = 0; // before the first transition
    std::vector<Transition> transitions_;
};

} // namespace csms::base
