#include "store/id_tag_view.hpp"

#include "store/time_column.hpp"

namespace csms::store {

std::vector<IdTagRow> list_id_tags(Database& db, const std::optional<std::string>& after_tag, int limit)
{
    auto& s = db.cached(R"sql(
        SELECT id_tag, status, expiry, parent_id_tag, payment_method FROM id_tags
        WHERE ?1 IS NULL OR id_tag > ?1 ORDER BY id_tag LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, after_tag);
    s.bind(2, limit);
    std::vector<IdTagRow> out;
    while (s.step()) {
        out.push_back(IdTagRow{.id_tag = s.column_text(0),
                               .status = s.column_text(1),
                               .expiry = optional_time_from_column(s.column_optional_text(2)),
                               .parent_id_tag = s.column_optional_text(3),
                               .payment_method = s.column_optional_text(4)});
    }
    return out;
}

} // namespace csms::store
