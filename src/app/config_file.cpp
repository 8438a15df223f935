#include "app/config_file.hpp"

#include "base/toml_fields.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace csms::app {
namespace {

using base::in_quotes;
using base::line_of;

// "[ocpp]"
std::string bracketed(std::string_view table)
{
    std::string out;
    out.reserve(table.size() + 2);
    out.append("[").append(table).append("]");
    return out;
}

std::string joined(std::string_view prefix, std::string_view key)
{
    std::string out;
    out.reserve(prefix.size() + key.size() + 1);
    if (!prefix.empty()) {
        out.append(prefix).append(".");
    }
    out.append(key);
    return out;
}

std::string_view parent_of(std::string_view path)
{
    auto dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

std::string_view last_part(std::string_view path)
{
    auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

struct Unknown {
    int line = 0;
    std::string message;
};

class UnknownKeys {
public:
    explicit UnknownKeys(const std::vector<std::string>& known) : known_(known) {}

    // The unknown key written earliest under `table`, at any depth.
    void walk(const toml::table& table, const std::string& prefix)
    {
        for (auto&& [key, node] : table) {
            // No key csmsd reads has a dot in its name, so a quoted "ocpp.x"
            // is never one of them.
            const bool plain = key.str().find('.') == std::string_view::npos;
            const std::string path = joined(prefix, key.str());
            if (plain && is_key(path)) {
                continue;
            }
            if (plain && is_table(path)) {
                if (const auto* sub = node.as_table()) {
                    walk(*sub, path);
                } else {
                    std::string message = path;
                    note(line_of(key), message.append(" must be a table, written ").append(bracketed(path)));
                }
                continue;
            }
            note(line_of(key), describe(key.str(), prefix, node.is_table()));
        }
    }

    const std::optional<Unknown>& first() const { return first_; }

private:
    bool is_key(std::string_view path) const { return std::find(known_.begin(), known_.end(), path) != known_.end(); }

    bool is_table(std::string_view path) const
    {
        return std::any_of(known_.begin(), known_.end(), [&](const std::string& k) { return parent_of(k) == path; });
    }

    // The keys and tables directly under prefix, for did-you-mean.
    std::vector<std::string_view> children(std::string_view prefix) const
    {
        std::vector<std::string_view> out;
        for (const auto& k : known_) {
            std::string_view path = k;
            while (!path.empty() && parent_of(path) != prefix) {
                path = parent_of(path);
            }
            if (!path.empty() && std::find(out.begin(), out.end(), last_part(path)) == out.end()) {
                out.push_back(last_part(path));
            }
        }
        return out;
    }

    // "unknown key 'heartbeat_interval' in [ocpp] (did you mean
    // 'heartbeat_interval_s'?)"; a key known in another table says where it
    // belongs, the usual slip being a key written under the wrong header.
    // (Built by appending: GCC 12 -O3 sees a false -Wrestrict overlap in
    // "text" + std::string temporaries.)
    std::string describe(std::string_view key, const std::string& prefix, bool is_table_node) const
    {
        std::string out;
        if (is_table_node) {
            out.append("unknown table ").append(bracketed(joined(prefix, key)));
            return out.append(base::suggestion(key, children(prefix)));
        }
        out.append("unknown key ").append(in_quotes(key));
        if (!prefix.empty()) {
            out.append(" in ").append(bracketed(prefix));
        }
        for (const auto& k : known_) {
            if (last_part(k) == key && parent_of(k) != prefix) {
                return out.append(" (it belongs ").append(home_of(k)).append(")");
            }
        }
        if (auto near = base::suggestion(key, children(prefix)); !near.empty()) {
            return out.append(near);
        }
        for (const auto& k : known_) {
            const std::string_view candidate[] = {last_part(k)};
            if (parent_of(k) != prefix && !base::suggestion(key, candidate).empty()) {
                return out.append(" (did you mean ")
                    .append(in_quotes(candidate[0]))
                    .append(" ")
                    .append(home_of(k))
                    .append("?)");
            }
        }
        return out;
    }

    // "in [ocpp]", or "at the top, before the first [table]".
    static std::string home_of(std::string_view path)
    {
        auto home = parent_of(path);
        if (home.empty()) {
            return "at the top, before the first [table]";
        }
        std::string out("in ");
        return out.append(bracketed(home));
    }

    void note(int line, std::string message)
    {
        if (!first_ || line < first_->line) {
            first_ = Unknown{line, std::move(message)};
        }
    }

    const std::vector<std::string>& known_;
    std::optional<Unknown> first_;
};

} // namespace

ConfigFile::ConfigFile(const std::string& path) : path_(path)
{
    try {
        root_ = base::parse_toml(base::read_toml_file(path, "the config file"), path);
    } catch (const base::TomlFileError& e) {
        throw std::invalid_argument(e.what());
    }
}

const toml::node* ConfigFile::find(std::string_view path)
{
    if (std::find(known_.begin(), known_.end(), path) == known_.end()) {
        known_.emplace_back(path);
    }
    return root_.at_path(path).node();
}

void ConfigFile::fail(std::string_view path, const std::string& problem) const
{
    const toml::node* node = root_.at_path(path).node();
    std::string message = path_;
    message.append(":")
        .append(std::to_string(node != nullptr ? line_of(*node) : 1))
        .append(": config key ")
        .append(path)
        .append(" ")
        .append(problem);
    throw std::invalid_argument(message);
}

void ConfigFile::refuse_unknown_keys() const
{
    UnknownKeys unknown(known_);
    unknown.walk(root_, "");
    if (const auto& first = unknown.first()) {
        std::string message = path_;
        message.append(":").append(std::to_string(first->line)).append(": ").append(first->message);
        throw std::invalid_argument(message);
    }
}

} // namespace csms::app
