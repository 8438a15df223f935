#pragma once
// Where csmsctl's bearer token comes from, and how a new one is stored.
// Order: --token-file; else $CSMS_TOKEN (the token itself); else
// $CSMS_TOKEN_FILE; else ~/.config/csms/token. A file that group or others
// may read is refused, as ssh refuses a loose private key: a token is a
// password.
#include <optional>
#include <string>

namespace csms::ctl {

struct TokenSources {
    std::string token_file;               // --token-file, "" when not given
    std::optional<std::string> env_token; // $CSMS_TOKEN
    std::optional<std::string> env_file;  // $CSMS_TOKEN_FILE
    std::optional<std::string> home;      // $HOME
};

TokenSources token_sources_from_environment(std::string token_file_flag);

// The token, trimmed. Throws LocalError (missing, unsafe, empty file).
std::string load_token(const TokenSources& sources);

// Reads a token file after checking it is private (mode & 077 == 0).
std::string read_token_file(const std::string& path);
// The same for any secret; `what` names it in errors ("token file").
std::string read_secret_file(const std::string& path, const std::string& what);

// Writes a secret to `path` with mode 0600 (tightened if the file existed),
// never following a symlink. Throws LocalError.
void write_secret_file(const std::string& path, const std::string& content);

} // namespace csms::ctl
