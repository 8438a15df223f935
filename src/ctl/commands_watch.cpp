#include "ctl/commands.hpp"

#include <optional>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace csms::ctl {
namespace {

// "<at> <charger> <connector> <type> key=value ..." for one event.
std::string event_line(const rapidjson::Value& event)
{
    static constexpr const char* fixed[] = {"at", "charger_id", "connector_id", "type"};
    std::string line;
    for (const char* key : fixed) {
        line += (line.empty() ? "" : " ") + cell(event, key);
    }
    if (event.IsObject()) {
        for (const auto& m : event.GetObject()) {
            std::string key = m.name.GetString();
            if (std::find(std::begin(fixed), std::end(fixed), key) == std::end(fixed)) {
                line += " " + key + "=" + cell(m.value);
            }
        }
    }
    return line;
}

std::string next_cursor(const rapidjson::Value& answer)
{
    const auto* next = member(answer, "next");
    if (next == nullptr || !next->IsString()) {
        throw ApiError("invalid_answer", "the events answer has no cursor");
    }
    return next->GetString();
}

} // namespace

void add_watch_command(CLI::App& app, Registry& r)
{
    auto& count = r.make<std::optional<long long>>();
    auto* watch = app.add_subcommand("watch", "print charger events as they happen, until interrupted or --count");
    watch->add_option("--count", count, "exit 0 after printing N events (default: run until interrupted)")
        ->check(CLI::PositiveNumber);
    watch->callback([&r, &count] {
        r.action = [&count](Context& c) {
            long long left = count.value_or(-1); // -1: no limit
            // Without a cursor the server answers at once with the cursor
            // for "now"; from there each call waits up to 25 s for events.
            auto cursor = next_cursor(c.api().get("/api/v1/events").json);
            while (left != 0) {
                auto answer = c.api().get("/api/v1/events" + Query().add("cursor", cursor).add("wait", "25").str(),
                                          std::chrono::seconds(40));
                if (const auto* items = member(answer.json, "items"); items != nullptr && items->IsArray()) {
                    for (const auto& event : items->GetArray()) {
                        if (left == 0) {
                            break;
                        }
                        c.out() << (c.json() ? compact_json(event) : event_line(event)) << "\n";
                        if (left > 0) {
                            --left;
                        }
                    }
                }
                c.out().flush();
                cursor = next_cursor(answer.json);
            }
        };
    });
}

} // namespace csms::ctl
