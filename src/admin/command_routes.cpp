#include "admin/routes.hpp"

namespace csms::admin {

void add_command_routes(Router&, ApiContext&) {}

} // namespace csms::admin
