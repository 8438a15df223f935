#pragma once
// The one documented way to create the first admin account:
//   csmsd --db var/csms.db --bootstrap-admin alice --token-file ~/.csms/token
// Every later operator is added through the API by an admin.
#include <string>

namespace csms::app {

// Creates the database if needed, refuses if any operator exists already,
// creates NAME with the admin role and writes a new token to token_file
// (created exclusively, mode 0600). Throws std::runtime_error with a
// one-line reason on any failure; nothing is stored if the file cannot be
// written.
void bootstrap_admin(const std::string& db_path, const std::string& name, const std::string& token_file);

} // namespace csms::app
