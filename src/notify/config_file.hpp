#pragma once
// The notifications file: TOML with [delivery], [[channel]] and [[route]]
// tables (docs/notifications.md). Like the rules file, parsing is all or
// nothing: any error throws NotificationFileError naming the file, the line
// and the field, e.g.
//   "notifications.toml:7: channel 'ops': url must start with http://"
// and never yields a partial config. Any thread. Besides the text, parsing
// reads what the file points at: CA files (they must load) and an SMTP
// password from password_file or csmsd's environment (password_env), so a
// missing secret stops csmsd at start, not at the first alert; no message
// repeats a password.
#include "notify/config.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace csms::notify {

class NotificationFileError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

// source_name prefixes every message (usually the file's path).
NotificationConfig parse_notifications(std::string_view toml_text, const std::string& source_name);

// Reads and parses path; an unreadable file is a NotificationFileError too.
NotificationConfig load_notification_file(const std::string& path);

} // namespace csms::notify
