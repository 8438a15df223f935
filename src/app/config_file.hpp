#pragma once
// csmsd's TOML configuration file as settings.cpp reads it. Every key looked
// up is remembered, so once all are read, anything else in the file is a key
// csmsd would silently ignore (a typo, `lisen`; a key under the wrong table)
// and is refused with its line and the nearest key csmsd knows. The keys
// known are exactly the keys read: the list cannot drift from the reader.
#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

namespace csms::app {

class ConfigFile {
public:
    // Reads and parses path; throws std::invalid_argument "path:line: ...".
    explicit ConfigFile(const std::string& path);

    // The value at a dotted path ("ocpp.call_timeout_s"), or nullptr when
    // absent; either way the path becomes a known key.
    const toml::node* find(std::string_view path);
    // Throws std::invalid_argument "path:line: config key <path> <problem>",
    // at the line of the key's value.
    [[noreturn]] void fail(std::string_view path, const std::string& problem) const;
    // Throws std::invalid_argument naming the first unknown key or table in
    // the file, e.g. "csmsd.toml:3: unknown key 'heartbeat_interval' in
    // [ocpp] (did you mean 'heartbeat_interval_s'?)".
    void refuse_unknown_keys() const;

private:
    std::string path_;
    toml::table root_;
    std::vector<std::string> known_; // dotted paths looked up so far
};

} // namespace csms::app
