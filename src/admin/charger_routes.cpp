#include "admin/routes.hpp"

namespace csms::admin {

void add_charger_routes(Router&, ApiContext&) {}

} // namespace csms::admin
