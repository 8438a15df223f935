#pragma once
// Routes of the admin API: method, a path pattern with {named} segments, the
// audit action name and the permission the route needs.
#include "admin/api_call.hpp"
#include "admin/permissions.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace csms::admin {

struct Route {
    std::string method;
    std::string pattern; // "/api/v1/chargers/{charger_id}/commands/{action}"
    std::string action;  // audit name; "{name}" takes the path segment, e.g. "commands.{action}"
    Permission permission;
    RouteHandler handler;
};

class Router {
public:
    void add(Route route);

    struct Match {
        const Route* route = nullptr; // null: no route for this method and path
        Params params;
        bool path_known = false; // some route has this path with another method (405)
    };
    Match match(std::string_view method, std::string_view path) const;

    // The route's action with its {names} replaced by the matched segments.
    static std::string action_name(const Route& route, const Params& params);

    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

// Splits a target into a percent-decoded path and query; nullopt when an
// escape is malformed or decodes to a control character.
struct Target {
    std::string path;
    Params query;
};
std::optional<Target> parse_target(std::string_view target);

} // namespace csms::admin
