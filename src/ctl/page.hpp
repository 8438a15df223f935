#pragma once
// --limit, --cursor and --all on a list verb. With --all, csmsctl follows the
// API's `next` cursor to the last page and answers as if the server had sent
// everything at once: one table, or with --json one object
// {"items": [...every item...], "next": null}.
#include "ctl/api_client.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace csms::ctl {

struct Page {
    std::optional<std::string> limit;
    std::optional<std::string> cursor;
    bool all = false;

    void add_to(CLI::App* verb);
    // GET path with query and the page options.
    ApiAnswer get(ApiClient& api, const std::string& path, Query query) const;
};

// Every page of path?query from `cursor` on, merged into one answer.
ApiAnswer get_all_pages(ApiClient& api, const std::string& path, const Query& query, std::optional<std::string> cursor,
                        const std::optional<std::string>& limit);

} // namespace csms::ctl
