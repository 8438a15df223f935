// GET /api/v1/chargers/{charger_id}/samples: one connector's meter values as
// series for a chart, oldest first, numbers in each measurand's base unit.
// A year of one reading a minute is half a million points, so the answer is
// written straight from the store's numbers: no text per value but the time.
#include "admin/api_json.hpp"
#include "admin/list_filters.hpp"
#include "admin/routes.hpp"
#include "store/sample_value.hpp"
#include "store/sample_view.hpp"
#include "store/time_column.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace csms::admin {
namespace {

// "2026-01-01T00:05:00.000Z" for milliseconds since 1970, as
// store::to_column writes it, without a string per point: the date part is
// made again only when the day changes.
class TimeText {
public:
    std::string_view operator()(std::int64_t ms)
    {
        const auto day = ms >= 0 ? ms / day_ms : (ms - day_ms + 1) / day_ms;
        if (day != day_ || !valid_) {
            const auto text = store::to_column(store::time_from_ms_column(day * day_ms));
            if (text.size() != text_.size()) {
                fallback_ = store::to_column(store::time_from_ms_column(ms)); // a year beyond 0..9999
                valid_ = false;
                return fallback_;
            }
            std::copy(text.begin(), text.end(), text_.begin());
            day_ = day;
            valid_ = true;
        }
        auto in_day = static_cast<unsigned>(ms - day * day_ms);
        put(11, in_day / 3'600'000, 2);
        put(14, in_day / 60'000 % 60, 2);
        put(17, in_day / 1000 % 60, 2);
        put(20, in_day % 1000, 3);
        return {text_.data(), text_.size()};
    }

private:
    static constexpr std::int64_t day_ms = 86'400'000;

    void put(std::size_t at, unsigned value, int digits)
    {
        for (int i = digits - 1; i >= 0; --i) {
            text_[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    }

    std::array<char, 24> text_{};
    std::int64_t day_ = 0;
    bool valid_ = false;
    std::string fallback_;
};

// An integral reading (most are: W, Wh, percent) as an integer, so 7400
// is not written 7400.0.
void write_value(JsonWriter& w, double v)
{
    if (!std::isfinite(v)) {
        w.Null();
    } else if (auto integer = store::exact_integer(v)) {
        w.Int64(*integer);
    } else {
        w.Double(v);
    }
}

enum class Format { points, columns };

Format format_of(const ApiCall& call)
{
    auto format = call.query_value("format");
    if (!format || *format == "points") {
        return Format::points;
    }
    if (*format == "columns") {
        return Format::columns;
    }
    throw ApiError(400, "bad_request", "format must be points or columns, not '" + *format + "'");
}

void write_optional_time(JsonWriter& w, std::string_view key, const std::optional<std::int64_t>& ms)
{
    write_string(w, key,
                 ms ? std::optional<std::string>(store::to_column(store::time_from_ms_column(*ms))) : std::nullopt);
}

void write_series_points(JsonWriter& w, const store::SampleChart& chart, int series, Format format)
{
    TimeText time_text;
    if (format == Format::points) {
        w.Key("samples");
        w.StartArray();
        for (const auto& p : chart.points) {
            if (p.series == series) {
                w.StartObject();
                w.Key("t");
                auto t = time_text(p.time_ms);
                w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
                w.Key("v");
                write_value(w, p.value);
                w.EndObject();
            }
        }
        w.EndArray();
        return;
    }
    w.Key("t");
    w.StartArray();
    for (const auto& p : chart.points) {
        if (p.series == series) {
            w.Int64(p.time_ms);
        }
    }
    w.EndArray();
    w.Key("v");
    w.StartArray();
    for (const auto& p : chart.points) {
        if (p.series == series) {
            write_value(w, p.value);
        }
    }
    w.EndArray();
}

} // namespace

void add_sample_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/chargers/{charger_id}/samples?connector=&measurand=&phase=&from=&to=&limit=&format=
    // Meter values are what transactions are billed on: the same permission.
    router.add({"GET", "/api/v1/chargers/{charger_id}/samples", "chargers.samples", Permission::transactions_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto range = sample_range(*call);
                    auto format = format_of(*call);
                    auto chart = store::connector_samples(ctx.reader, range);
                    rapidjson::StringBuffer buffer;
                    // About 45 bytes a point: one allocation instead of a doubling per megabyte.
                    buffer.Reserve(256 + chart.points.size() * (format == Format::points ? 45 : 24));
                    JsonWriter w(buffer);
                    w.StartObject();
                    write_string(w, "charger_id", range.charger_id);
                    write_int(w, "connector_id", range.connector_id);
                    write_optional_time(w, "from", range.from_ms);
                    write_optional_time(w, "to", range.to_ms);
                    w.Key("series");
                    w.StartArray();
                    for (std::size_t i = 0; i < chart.series.size(); ++i) {
                        const auto& s = chart.series[i];
                        w.StartObject();
                        write_string(w, "measurand", s.measurand);
                        write_string(w, "phase",
                                     s.phase.empty() ? std::optional<std::string>() : std::optional(s.phase));
                        write_string(w, "location", s.location);
                        write_string(w, "unit", s.unit);
                        write_series_points(w, chart, static_cast<int>(i), format);
                        w.EndObject();
                    }
                    w.EndArray();
                    write_int(w, "count", static_cast<std::int64_t>(chart.points.size()));
                    write_bool(w, "truncated", chart.truncated);
                    w.EndObject();
                    finish(ApiReply{json_ok(buffer), AuditNote{range.charger_id}});
                }});
}

} // namespace csms::admin
