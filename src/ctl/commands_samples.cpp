#include "ctl/commands.hpp"

#include <optional>

namespace csms::ctl {
namespace {

// "Current.Import L1 (Outlet, A)": what one series is.
std::string series_title(const rapidjson::Value& series)
{
    std::string title = cell(series, "measurand");
    if (const auto* phase = member(series, "phase"); phase != nullptr && phase->IsString()) {
        title += " " + std::string(phase->GetString());
    }
    return title + " (" + cell(series, "location") + ", " + cell(series, "unit") + ")";
}

void print_series(std::ostream& out, const rapidjson::Value& answer)
{
    const auto* series = member(answer, "series");
    if (series == nullptr || !series->IsArray() || series->Empty()) {
        out << "no samples\n";
        return;
    }
    bool first = true;
    for (const auto& s : series->GetArray()) {
        const auto* samples = member(s, "samples");
        const auto count = samples != nullptr && samples->IsArray() ? samples->Size() : 0;
        out << (first ? "" : "\n") << series_title(s) << ": " << count << (count == 1 ? " sample\n" : " samples\n");
        first = false;
        Table table({"TIME", "VALUE"});
        if (count > 0) {
            for (const auto& p : samples->GetArray()) {
                table.add_row({cell(p, "t"), cell(p, "v")});
            }
        }
        table.print(out);
    }
    if (const auto* truncated = member(answer, "truncated"); truncated != nullptr && truncated->IsTrue()) {
        out << "(truncated at " << cell(answer, "count") << " samples: narrow --from/--to or raise --limit)\n";
    }
}

} // namespace

void add_sample_command(CLI::App& chargers, Registry& r)
{
    using OptText = std::optional<std::string>;
    struct Options {
        std::string id;
        std::string connector;
        OptText measurand, phase, from, to, limit;
    };
    auto& o = r.make<Options>();
    auto* samples =
        add_verb(r, chargers, "samples", "a connector's meter values in base units, oldest first", [&o](Context& c) {
            Query q;
            q.add("connector", o.connector).add("measurand", o.measurand).add("phase", o.phase);
            q.add("from", o.from).add("to", o.to).add("limit", o.limit);
            auto answer =
                c.api().get("/api/v1/chargers/" + segment(o.id) + "/samples" + q.str(), std::chrono::minutes(2));
            c.print(answer, [&c](const rapidjson::Value& json) { print_series(c.out(), json); });
        });
    samples->add_option("ID", o.id, "charge point id")->required();
    samples->add_option("--connector", o.connector, "connector id (0: the charger's own meter)")->required();
    samples->add_option("--measurand", o.measurand, "only this measurand, e.g. Power.Active.Import (default: all)");
    samples->add_option("--phase", o.phase, "only this phase, e.g. L1, L1-N; none: readings without a phase");
    samples->add_option("--from", o.from, "from this instant (included): a date (a UTC day) or a date-time");
    samples->add_option("--to", o.to, "before this instant: a date-time, or a date (that whole UTC day included)");
    samples->add_option("--limit", o.limit, "at most this many samples (1-1000000, default 100000)");
}

} // namespace csms::ctl
