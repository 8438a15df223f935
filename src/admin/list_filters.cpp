#include "admin/list_filters.hpp"

#include "base/concat.hpp"
#include "base/nearest_word.hpp"
#include "base/region_path.hpp"
#include "base/time_format.hpp"
#include "rules/rule.hpp"
#include "store/time_column.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <span>
#include <string_view>
#include <vector>

namespace csms::admin {
namespace {

constexpr std::array<std::string_view, 9> connector_statuses{"Available",     "Preparing",   "Charging",
                                                             "SuspendedEVSE", "SuspendedEV", "Finishing",
                                                             "Reserved",      "Unavailable", "Faulted"};

std::string listed(std::span<const std::string_view> words)
{
    std::string out;
    for (auto word : words) {
        out.append(out.empty() ? "" : ", ").append(word);
    }
    return out;
}

// " (did you mean X?)" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> known)
{
    auto near = base::nearest_word(word, known);
    return near.empty() ? std::string() : base::concat(" (did you mean ", near, "?)");
}

// A parameter no list takes is a typo that would otherwise widen the list.
void check_names(const ApiCall& call, std::span<const std::string_view> known)
{
    for (const auto& [name, value] : call.query) {
        bool found = false;
        for (auto k : known) {
            found = found || name == k;
        }
        if (!found) {
            throw ApiError(400, "bad_request",
                           base::concat("unknown parameter '", name, "'", did_you_mean(name, known),
                                        "; this list takes ", listed(known)));
        }
    }
}

// Present and not blank, or ApiError.
std::optional<std::string> text_value(const ApiCall& call, std::string_view name)
{
    auto value = call.query_value(name);
    if (value && value->find_first_not_of(" \t") == std::string::npos) {
        throw ApiError(400, "bad_request", base::concat(name, " must not be empty"));
    }
    return value;
}

// A date (YYYY-MM-DD, a UTC day) or a date-time with its offset; `to` takes
// a date's whole day.
std::optional<base::SysTime> time_instant(const ApiCall& call, std::string_view name, bool upper)
{
    auto text = call.query_value(name);
    if (!text) {
        return std::nullopt;
    }
    if (text->size() == 10) {
        if (auto midnight = base::parse_date_time(base::concat(*text, "T00:00:00Z"))) {
            return upper ? *midnight + std::chrono::days(1) : *midnight;
        }
    }
    auto instant = base::parse_date_time(*text);
    if (!instant) {
        throw ApiError(400, "bad_request",
                       base::concat(name, " must be a date (2026-03-01) or a date-time (2026-03-01T08:00:00Z), not '",
                                    *text, "'"));
    }
    return *instant;
}

std::optional<std::string> time_bound(const ApiCall& call, std::string_view name, bool upper)
{
    auto instant = time_instant(call, name, upper);
    if (!instant) {
        return std::nullopt;
    }
    return store::to_column(*instant);
}

// OCPP 1.6's Phase values, and "none" for readings without one.
const std::vector<std::string_view>& phases_or_none()
{
    static const auto words = [] {
        auto known = rules::known_phases();
        std::vector<std::string_view> out(known.begin(), known.end());
        out.emplace_back("none");
        return out;
    }();
    return words;
}

} // namespace

store::ChargerFilter charger_filter(const ApiCall& call)
{
    static constexpr std::array<std::string_view, 7> names{"connected", "status", "region", "model",
                                                           "q",         "limit",  "cursor"};
    check_names(call, names);
    store::ChargerFilter f;
    if (auto connected = call.query_value("connected")) {
        if (*connected != "yes" && *connected != "no") {
            throw ApiError(400, "bad_request", base::concat("connected must be yes or no, not '", *connected, "'"));
        }
        f.connected = *connected == "yes";
    }
    if (auto status = call.query_value("status")) {
        bool known = false;
        for (auto s : connector_statuses) {
            known = known || *status == s;
        }
        if (!known) {
            throw ApiError(400, "bad_request",
                           base::concat("status must be a connector status (", listed(connector_statuses), "), not '",
                                        *status, "'", did_you_mean(*status, connector_statuses)));
        }
        f.status = status;
    }
    if (auto region = text_value(call, "region")) {
        f.region = base::normalized_region(*region);
        if (f.region->empty()) {
            throw ApiError(400, "bad_request", "region must be a region path, e.g. Guangdong/Shenzhen");
        }
    }
    f.model = text_value(call, "model");
    f.text = text_value(call, "q");
    f.limit = call.page_limit();
    f.after_id = call.cursor();
    return f;
}

store::TransactionFilter transaction_filter(const ApiCall& call)
{
    static constexpr std::array<std::string_view, 7> names{"from", "to",    "charger", "id_tag",
                                                           "open", "limit", "cursor"};
    check_names(call, names);
    store::TransactionFilter f;
    f.charger_id = text_value(call, "charger");
    f.id_tag = text_value(call, "id_tag");
    if (auto open = call.query_value("open")) {
        if (*open != "1" && *open != "0") {
            throw ApiError(400, "bad_request", "open must be 1 (only sessions not stopped yet) or 0");
        }
        f.open_only = *open == "1";
    }
    f.from_time = time_bound(call, "from", false);
    f.to_time = time_bound(call, "to", true);
    if (f.from_time && f.to_time && *f.from_time >= *f.to_time) {
        throw ApiError(400, "bad_request", "from must be before to");
    }
    f.limit = call.page_limit();
    f.before_id = call.cursor_id();
    return f;
}

store::SampleRange sample_range(const ApiCall& call)
{
    static constexpr std::array<std::string_view, 7> names{"connector", "measurand", "phase", "from",
                                                           "to",        "limit",     "format"};
    check_names(call, names);
    store::SampleRange r;
    r.charger_id = call.param("charger_id");
    auto connector = call.query_value("connector");
    if (!connector) {
        throw ApiError(400, "bad_request", "connector is required: the connector id (0 for the charger's own meter)");
    }
    int id = -1;
    auto [end, ec] = std::from_chars(connector->data(), connector->data() + connector->size(), id);
    if (ec != std::errc{} || end != connector->data() + connector->size() || id < 0) {
        throw ApiError(400, "bad_request",
                       base::concat("connector must be a connector id (0 or more), not '", *connector, "'"));
    }
    r.connector_id = id;
    if (auto measurand = call.query_value("measurand")) {
        const auto measurands = rules::known_measurands();
        if (std::find(measurands.begin(), measurands.end(), *measurand) == measurands.end()) {
            throw ApiError(400, "bad_request",
                           base::concat("measurand must be an OCPP 1.6 measurand (", listed(measurands), "), not '",
                                        *measurand, "'", did_you_mean(*measurand, measurands)));
        }
        r.measurand = measurand;
    }
    if (auto phase = call.query_value("phase")) {
        const auto& phases = phases_or_none();
        if (std::find(phases.begin(), phases.end(), *phase) == phases.end()) {
            throw ApiError(400, "bad_request",
                           base::concat("phase must be an OCPP 1.6 phase or none (", listed(phases), "), not '", *phase,
                                        "'", did_you_mean(*phase, phases)));
        }
        r.phase = *phase == "none" ? std::string() : *phase;
    }
    auto from = time_instant(call, "from", false);
    auto to = time_instant(call, "to", true);
    if (from && to && *from >= *to) {
        throw ApiError(400, "bad_request", "from must be before to");
    }
    if (from) {
        r.from_ms = store::to_ms_column(*from);
    }
    if (to) {
        r.to_ms = store::to_ms_column(*to);
    }
    r.limit = default_samples;
    if (auto limit = call.query_value("limit")) {
        int value = 0;
        auto [lend, lec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
        if (lec != std::errc{} || lend != limit->data() + limit->size() || value < 1 || value > max_samples) {
            throw ApiError(400, "bad_request",
                           base::concat("limit must be an integer from 1 to ", std::to_string(max_samples), ", not '",
                                        *limit, "'"));
        }
        r.limit = value;
    }
    return r;
}

} // namespace csms::admin
