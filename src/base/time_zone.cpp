#include "base/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace csms::base {
namespace {

// Big-endian fields of a TZif file, with bounds checked on every read.
class Reader {
public:
    Reader(std::string_view bytes, const std::string& name) : bytes_(bytes), name_(name) {}

    std::uint64_t unsigned_be(std::size_t size)
    {
        need(size);
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < size; ++i) {
            value = (value << 8) | static_cast<unsigned char>(bytes_[at_ + i]);
        }
        at_ += size;
        return value;
    }
    std::int64_t int64() { return static_cast<std::int64_t>(unsigned_be(8)); }
    std::int32_t int32() { return static_cast<std::int32_t>(static_cast<std::uint32_t>(unsigned_be(4))); }
    std::uint8_t byte() { return static_cast<std::uint8_t>(unsigned_be(1)); }
    void skip(std::size_t size)
    {
        need(size);
        at_ += size;
    }
    std::string_view take(std::size_t size)
    {
        need(size);
        auto out = bytes_.substr(at_, size);
        at_ += size;
        return out;
    }

private:
    void need(std::size_t size) const
    {
        if (bytes_.size() - at_ < size) {
            throw std::invalid_argument("time zone " + name_ + ": truncated TZif file");
        }
    }

    std::string_view bytes_;
    const std::string& name_;
    std::size_t at_ = 0;
};

struct Header {
    std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

Header read_header(Reader& r, const std::string& name, char& version)
{
    if (r.take(4) != "TZif") {
        throw std::invalid_argument("time zone " + name + ": not a TZif file");
    }
    version = static_cast<char>(r.byte());
    r.skip(15);
    Header h{};
    h.isutcnt = static_cast<std::uint32_t>(r.unsigned_be(4));
    h.isstdcnt = static_cast<std::uint32_t>(r.unsigned_be(4));
    h.leapcnt = static_cast<std::uint32_t>(r.unsigned_be(4));
    h.timecnt = static_cast<std::uint32_t>(r.unsigned_be(4));
    h.typecnt = static_cast<std::uint32_t>(r.unsigned_be(4));
    h.charcnt = static_cast<std::uint32_t>(r.unsigned_be(4));
    if (h.typecnt == 0) {
        throw std::invalid_argument("time zone " + name + ": TZif file without local time types");
    }
    return h;
}

// An IANA name is letters, digits, '_', '-', '+' and '/'-separated parts; no
// "..", so a configured name cannot read outside the zoneinfo directory.
bool safe_name(const std::string& name)
{
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == '/';
    });
}

} // namespace

TimeZone TimeZone::utc()
{
    TimeZone zone;
    zone.name_ = "UTC";
    return zone;
}

TimeZone TimeZone::load(const std::string& name, const std::string& dir)
{
    if (!safe_name(name)) {
        throw std::invalid_argument("time zone '" + name + "': not an IANA name like Asia/Shanghai");
    }
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) {
        throw std::invalid_argument("time zone '" + name + "': unknown (no " + dir + "/" + name +
                                    "; is tzdata installed?)");
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return parse(name, bytes.str());
}

TimeZone TimeZone::parse(const std::string& name, std::string_view bytes)
{
    Reader r(bytes, name);
    char version = 0;
    auto v1 = read_header(r, name, version);
    if (version < '2') {
        throw std::invalid_argument("time zone " + name + ": TZif version 1 has no 64-bit data");
    }
    // The 32-bit block comes first; its sizes are in its own header.
    r.skip(std::size_t{v1.timecnt} * 5 + std::size_t{v1.typecnt} * 6 + v1.charcnt + std::size_t{v1.leapcnt} * 8 +
           v1.isstdcnt + v1.isutcnt);
    auto h = read_header(r, name, version);

    std::vector<std::int64_t> times(h.timecnt);
    for (auto& t : times) {
        t = r.int64();
    }
    std::vector<std::uint8_t> indexes(h.timecnt);
    for (auto& i : indexes) {
        i = r.byte();
        if (i >= h.typecnt) {
            throw std::invalid_argument("time zone " + name + ": transition to an undefined local time type");
        }
    }
    std::vector<std::int32_t> offsets(h.typecnt);
    for (auto& o : offsets) {
        o = r.int32();
        r.skip(2); // isdst, abbreviation index
    }

    TimeZone zone;
    zone.name_ = name;
    // RFC 8536 3.2: before the first transition, local time type 0 applies.
    zone.initial_offset_ = offsets[0];
    zone.transitions_.reserve(times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
        if (i > 0 && times[i] <= times[i - 1]) {
            throw std::invalid_argument("time zone " + name + ": transitions out of order");
        }
        zone.transitions_.push_back({times[i], offsets[indexes[i]]});
    }
    return zone;
}

std::chrono::seconds TimeZone::offset_at(SysTime t) const
{
    auto seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
    auto after = std::upper_bound(transitions_.begin(), transitions_.end(), seconds,
                                  [](std::int64_t s, const Transition& tr) { return s < tr.at; });
    return std::chrono::seconds{after == transitions_.begin() ? initial_offset_ : std::prev(after)->offset};
}

std::chrono::local_seconds TimeZone::to_local(SysTime t) const
{
    auto seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
    return std::chrono::local_seconds{seconds + offset_at(t)};
}

SysTime TimeZone::from_local(std::chrono::local_seconds local) const
{
    using namespace std::chrono;
    // The offsets in force a day either side bound every candidate.
    auto naive = SysTime{duration_cast<milliseconds>(local.time_since_epoch())};
    auto before = offset_at(naive - days{1});
    auto after = offset_at(naive + days{1});
    std::vector<SysTime> matches;
    for (auto offset : {before, after}) {
        auto candidate = naive - offset;
        if (to_local(candidate) == local) {
            matches.push_back(candidate);
        }
    }
    if (!matches.empty()) {
        return *std::min_element(matches.begin(), matches.end());
    }
    // Skipped by a forward jump: the jump itself is the first instant after.
    auto from = duration_cast<seconds>((naive - std::max(before, after)).time_since_epoch()).count();
    auto next = std::upper_bound(transitions_.begin(), transitions_.end(), from,
                                 [](std::int64_t s, const Transition& tr) { return s < tr.at; });
    return next == transitions_.end() ? naive - after : SysTime{seconds{next->at}};
}

std::string TimeZone::format_local(SysTime t) const
{
    using namespace std::chrono;
    auto offset = offset_at(t).count();
    auto wall = to_local(t);
    auto day = floor<days>(wall);
    year_month_day ymd{day};
    hh_mm_ss<seconds> tod{wall - day};
    auto east = offset < 0 ? -offset : offset;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                  static_cast<int>(tod.seconds().count()), offset < 0 ? '-' : '+', static_cast<int>(east / 3600),
                  static_cast<int>(east / 60 % 60));
    return buf;
}

} // namespace csms::base
