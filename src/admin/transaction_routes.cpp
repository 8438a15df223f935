#include "admin/routes.hpp"

namespace csms::admin {

void add_transaction_routes(Router&, ApiContext&) {}

} // namespace csms::admin
