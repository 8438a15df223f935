#pragma once
// The id tag list as operators page through it. Read-only; single tags are
// read with find_id_tag (transaction_store.hpp).
#include "store/database.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace csms::store {

// Ordered by id tag (case-insensitively), after `after_tag` when given.
std::vector<IdTagRow> list_id_tags(Database& db, const std::optional<std::string>& after_tag, int limit);

} // namespace csms::store
