#include "admin/routes.hpp"

namespace csms::admin {

void add_id_tag_routes(Router&, ApiContext&) {}

} // namespace csms::admin
