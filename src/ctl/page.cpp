#include "ctl/page.hpp"

#include "ctl/errors.hpp"
#include "ctl/table.hpp"

namespace csms::ctl {

void Page::add_to(CLI::App* verb)
{
    verb->add_option("--limit", limit, "items per page (1-500, default 50; with --all, 500)");
    verb->add_option("--cursor", cursor, "the page after this cursor");
    verb->add_flag("--all", all, "every page, following the server's cursor, as one list");
}

ApiAnswer Page::get(ApiClient& api, const std::string& path, Query query) const
{
    if (all) {
        return get_all_pages(api, path, query, cursor, limit);
    }
    query.add("limit", limit).add("cursor", cursor);
    return api.get(path + query.str());
}

ApiAnswer get_all_pages(ApiClient& api, const std::string& path, const Query& query, std::optional<std::string> cursor,
                        const std::optional<std::string>& limit)
{
    ApiAnswer merged;
    merged.json.SetObject();
    auto& a = merged.json.GetAllocator();
    rapidjson::Value items(rapidjson::kArrayType);
    while (true) {
        Query page = query;
        // The fewest round trips the API allows, unless told otherwise.
        page.add("limit", limit.value_or("500")).add("cursor", cursor);
        auto answer = api.get(path + page.str());
        const auto* page_items = member(answer.json, "items");
        if (page_items == nullptr || !page_items->IsArray()) {
            throw ApiError("invalid_answer", "the answer to GET " + path + " has no items");
        }
        for (const auto& item : page_items->GetArray()) {
            items.PushBack(rapidjson::Value(item, a), a);
        }
        const auto* next = member(answer.json, "next");
        if (next == nullptr || !next->IsString()) {
            break;
        }
        if (cursor && *cursor == next->GetString()) {
            throw ApiError("invalid_answer", "the server answered GET " + path + " with the same cursor twice");
        }
        cursor = next->GetString();
    }
    merged.json.AddMember("items", items, a);
    merged.json.AddMember("next", rapidjson::Value(rapidjson::kNullType), a);
    merged.body = compact_json(merged.json);
    return merged;
}

} // namespace csms::ctl
