#include "net/charger_path.hpp"

namespace csms::net {
namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

std::optional<std::string> charger_id_from_target(std::string_view target, std::string_view prefix)
{
    if (target.substr(0, prefix.size()) != prefix) {
        return std::nullopt;
    }
    std::string_view raw = target.substr(prefix.size());
    if (auto query = raw.find('?'); query != std::string_view::npos) {
        raw = raw.substr(0, query);
    }
    std::string id;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%') {
            if (i + 2 >= raw.size()) {
                return std::nullopt;
            }
            int hi = hex_value(raw[i + 1]);
            int lo = hex_value(raw[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f || c == '/') {
            return std::nullopt;
        }
        id += c;
    }
    if (id.empty() || id.size() > max_charger_id_length) {
        return std::nullopt;
    }
    return id;
}

} // namespace csms::net
