#pragma once
// The partners file: TOML, one [[partner]] table per integration partner
// (format in docs/proxy.md). All or nothing: any mistake throws
// PartnerFileError naming the file, the line and the field,
//   "partners.toml:4: partner 'roaming': url must start with ws:// or wss://"
// and never yields a partial set. Pure apart from reading password files.
#include "proxy/partner.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace csms::proxy {

class PartnerFileError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

// source_name prefixes every message; relative password/cert paths are
// taken as written (relative to csmsd's working directory).
PartnerSet parse_partners(std::string_view toml_text, const std::string& source_name);

// Reads and parses path; an unreadable file is a PartnerFileError too.
PartnerSet load_partner_file(const std::string& path);

// "ws://host:port/path" -> its parts, or a problem ("" when fine).
std::string parse_partner_url(std::string_view url, PartnerUrl& out);

} // namespace csms::proxy
