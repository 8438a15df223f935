#include "csms/registration_gate.hpp"

namespace csms {

bool RegistrationGate::let_through(store::Database& db, const std::string& charger_id)
{
    if (!needed) {
        return true;
    }
    found = store::find_registration(db, charger_id);
    if (!found) {
        found = for_strangers;
        store::set_registration(db, charger_id, *found);
    }
    return !refused();
}

} // namespace csms
