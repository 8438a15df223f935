#pragma once
// Every tariff an operator has defined and where each is in force: the
// tariffs file (docs/billing.md) parsed into values. Assignments are per
// tag group (the id tag's parentIdTag), per charger, per region or site (a
// path "Guangdong/Shenzhen/Nanshan/Coastal Park" matching that place and
// everything under it) or everywhere, each from a local date on. A session
// pays the tariff in force where and when it started: the most specific
// scope that names it (tag group, then charger, then the longest region
// path, then everywhere), and within that scope the assignment with the
// latest effective date not after the session's start. Immutable once
// loaded; one TariffBook may be shared by threads.
#include "base/clock.hpp"
#include "base/time_zone.hpp"
#include "billing/tariff.hpp"

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace csms::billing {

class TariffFileError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

enum class AssignmentScope { tag_group, charger, region, everywhere };

struct TariffAssignment {
    std::string tariff; // a name in TariffBook::tariffs
    AssignmentScope scope = AssignmentScope::everywhere;
    std::string value;                       // tag group, charger id or region path; empty for everywhere
    std::chrono::year_month_day from_date{}; // its `from`, a local date, as written
    base::SysTime effective_from{};          // local midnight of from_date in the book's zone
    int line = 0;                            // where it was written, for messages
};

// What decides a session's tariff.
struct SessionPlace {
    std::string charger_id;
    std::optional<std::string> region;    // the charger's region path, if recorded
    std::optional<std::string> tag_group; // the id tag's parentIdTag, if any
};

struct TariffChoice {
    const Tariff* tariff = nullptr; // nullptr: no tariff was in force
    const TariffAssignment* assignment = nullptr;
};

struct TariffBook {
    std::string currency = "CNY";
    std::shared_ptr<const base::TimeZone> zone; // the site zone every tariff's periods are read in
    std::map<std::string, Tariff> tariffs;      // by name
    std::vector<TariffAssignment> assignments;  // in file order

    TariffChoice choose(const SessionPlace& place, base::SysTime session_start) const;
};

// Parsing is all or nothing, like the rules file: any error throws
// TariffFileError naming the file, the line and the field, e.g.
//   "tariffs.toml:9: tariff 'standard': price 'peak' must be a number"
// zone_dir is where IANA zones are read from (tests may point elsewhere).
TariffBook parse_tariffs(std::string_view toml_text, const std::string& source_name,
                         const std::string& zone_dir = "/usr/share/zoneinfo");
TariffBook load_tariff_file(const std::string& path, const std::string& zone_dir = "/usr/share/zoneinfo");

} // namespace csms::billing
