#include "store/operator_store.hpp"

#include "base/concat.hpp"
#include "store/time_column.hpp"

#include <algorithm>

namespace csms::store {
namespace {

constexpr std::string_view operator_columns =
    "operator_id, name, role, created_at, created_by, disabled_at, email, mobile";

Operator read_operator(const Statement& s)
{
    return Operator{s.column_int64(0),         s.column_text(1),          s.column_text(2),
                    s.column_text(3),          s.column_optional_text(4), s.column_optional_text(5),
                    s.column_optional_text(6), s.column_optional_text(7)};
}

// An address must not carry blanks or line breaks: it ends up in an SMTP
// RCPT TO line.
void check_email(std::string_view email)
{
    auto at = email.find('@');
    bool plain = std::none_of(email.begin(), email.end(), [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == 0x7f;
    });
    if (email.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 == email.size() ||
        email.find('@', at + 1) != std::string_view::npos || !plain) {
        throw OperatorError(base::concat("'", email, "' is not an e-mail address such as name@example.com"));
    }
}

void check_mobile(std::string_view mobile)
{
    bool digits = mobile.size() >= 7 && mobile.size() <= 21 && mobile.front() == '+' &&
                  std::all_of(mobile.begin() + 1, mobile.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
        throw OperatorError(
            base::concat("'", mobile, "' is not a mobile number: + and 6 to 20 digits, e.g. +8613800000000"));
    }
}

} // namespace

const std::vector<std::string>& operator_roles()
{
    static const std::vector<std::string> roles{"admin",     "information_management", "operations",
                                                "technical", "customer_service",       "auditor"};
    return roles;
}

std::int64_t create_operator(Database& db, std::string_view name, std::string_view role,
                             std::optional<std::string_view> created_by, base::SysTime at)
{
    if (name.empty() || name.size() > 64) {
        throw OperatorError("an operator name has 1 to 64 characters");
    }
    const auto& roles = operator_roles();
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
        throw OperatorError(base::concat("unknown role '", role, "'"));
    }
    if (find_operator(db, name)) {
        throw OperatorError(base::concat("an operator named '", name, "' exists already"));
    }
    auto& statement = db.cached("INSERT INTO operators (name, role, created_at, created_by) VALUES (?1, ?2, ?3, ?4)");
    statement.bind(1, name);
    statement.bind(2, role);
    statement.bind(3, to_column(at));
    statement.bind(4, created_by);
    statement.execute();
    return db.last_insert_rowid();
}

void add_api_token(Database& db, std::int64_t operator_id, std::string_view token_hash, base::SysTime at)
{
    auto& statement = db.cached("INSERT INTO api_tokens (token_hash, operator_id, created_at) VALUES (?1, ?2, ?3)");
    statement.bind(1, token_hash);
    statement.bind(2, operator_id);
    statement.bind(3, to_column(at));
    statement.execute();
}

std::optional<Operator> find_operator_by_token(Database& db, std::string_view token_hash)
{
    auto& statement = db.cached(R"sql(
        SELECT o.operator_id, o.name, o.role, o.created_at, o.created_by, o.disabled_at, o.email, o.mobile
        FROM api_tokens t JOIN operators o USING (operator_id)
        WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND o.disabled_at IS NULL)sql");
    ResetGuard guard(statement);
    statement.bind(1, token_hash);
    if (!statement.step()) {
        return std::nullopt;
    }
    return read_operator(statement);
}

std::optional<Operator> find_operator(Database& db, std::string_view name)
{
    auto& statement = db.cached("SELECT " + std::string(operator_columns) + " FROM operators WHERE name = ?1");
    ResetGuard guard(statement);
    statement.bind(1, name);
    if (!statement.step()) {
        return std::nullopt;
    }
    return read_operator(statement);
}

std::vector<Operator> list_operators(Database& db)
{
    auto& statement = db.cached("SELECT " + std::string(operator_columns) + " FROM operators ORDER BY operator_id");
    ResetGuard guard(statement);
    std::vector<Operator> out;
    while (statement.step()) {
        out.push_back(read_operator(statement));
    }
    return out;
}

std::int64_t count_operators(Database& db)
{
    auto& statement = db.cached("SELECT count(*) FROM operators");
    ResetGuard guard(statement);
    statement.step();
    return statement.column_int64(0);
}

std::int64_t count_enabled_admins(Database& db)
{
    auto& statement = db.cached("SELECT count(*) FROM operators WHERE role = 'admin' AND disabled_at IS NULL");
    ResetGuard guard(statement);
    statement.step();
    return statement.column_int64(0);
}

bool set_operator_contact(Database& db, std::string_view name, const OperatorContact& contact)
{
    if (contact.email) {
        check_email(*contact.email);
    }
    if (contact.mobile) {
        check_mobile(*contact.mobile);
    }
    auto found = find_operator(db, name);
    if (!found) {
        return false;
    }
    auto email = contact.clear_email ? std::nullopt : contact.email ? contact.email : found->email;
    auto mobile = contact.clear_mobile ? std::nullopt : contact.mobile ? contact.mobile : found->mobile;
    auto& update = db.cached("UPDATE operators SET email = ?2, mobile = ?3 WHERE operator_id = ?1");
    update.bind(1, found->operator_id);
    update.bind(2, email);
    update.bind(3, mobile);
    update.execute();
    return true;
}

bool disable_operator(Database& db, std::string_view name, base::SysTime at)
{
    auto found = find_operator(db, name);
    if (!found) {
        return false;
    }
    auto when = to_column(at);
    auto& disable = db.cached("UPDATE operators SET disabled_at = ?2 WHERE operator_id = ?1 AND disabled_at IS NULL");
    disable.bind(1, found->operator_id);
    disable.bind(2, when);
    disable.execute();
    auto& revoke = db.cached("UPDATE api_tokens SET revoked_at = ?2 WHERE operator_id = ?1 AND revoked_at IS NULL");
    revoke.bind(1, found->operator_id);
    revoke.bind(2, when);
    revoke.execute();
    return true;
}

} // namespace csms::store
