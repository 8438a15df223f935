#pragma once
// Operator accounts and their API tokens. Writes run on the writer thread,
// lookups on the admin API's read connection; like the other repositories,
// nothing here opens a transaction of its own.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace csms::store {

struct Operator {
    std::int64_t operator_id = 0;
    std::string name;
    std::string role;
    std::string created_at;
    std::optional<std::string> created_by;
    std::optional<std::string> disabled_at;
    std::optional<std::string> email;  // personal data: where notifications by e-mail go
    std::optional<std::string> mobile; // personal data: where notifications by SMS go
};

// How an operator can be reached; a nullopt field is left as it is.
struct OperatorContact {
    std::optional<std::string> email;
    std::optional<std::string> mobile;
    bool clear_email = false;
    bool clear_mobile = false;
};

// A name taken already, an unknown role, ...: the caller's mistake.
class OperatorError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The six roles of the operator's policy, in the order documents list them.
const std::vector<std::string>& operator_roles();

// Throws OperatorError for an empty or taken name or an unknown role.
std::int64_t create_operator(Database& db, std::string_view name, std::string_view role,
                             std::optional<std::string_view> created_by, base::SysTime at);

// Stores api_token_hash(token) for the operator.
void add_api_token(Database& db, std::int64_t operator_id, std::string_view token_hash, base::SysTime at);

// The enabled operator holding this unrevoked token, if any.
std::optional<Operator> find_operator_by_token(Database& db, std::string_view token_hash);

std::optional<Operator> find_operator(Database& db, std::string_view name);
std::vector<Operator> list_operators(Database& db);
std::int64_t count_operators(Database& db);
std::int64_t count_enabled_admins(Database& db);

// Checks the forms (an e-mail address with one '@' and no blanks, a mobile
// number as + and 6 to 20 digits) and stores them; throws OperatorError for a
// bad form. False if no such operator.
bool set_operator_contact(Database& db, std::string_view name, const OperatorContact& contact);

// Disables the operator and revokes every token; false if no such operator.
bool disable_operator(Database& db, std::string_view name, base::SysTime at);

} // namespace csms::store
