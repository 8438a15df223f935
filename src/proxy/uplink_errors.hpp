#pragma once
// One short reason an operator can act on for what failed on a partner
// link: "connection refused", "host not found", "TLS handshake failed:
// certificate verify failed". Boost's what() appends the error's category,
// value and source location ("[system:111 at /usr/include/boost/...]"),
// which says nothing to an operator in `partners show`, the log or an alert.
#include <boost/system/error_code.hpp>

#include <exception>
#include <string>

namespace csms::proxy {

std::string link_failure_text(const boost::system::error_code& ec);

// By its code for a boost::system::system_error; otherwise its message,
// which the uplinks write for people already.
std::string link_failure_text(const std::exception& e);

// A TLS handshake that failed with ec; verify_result is the peer
// certificate check's (SSL_get_verify_result), named when it failed.
std::string tls_failure_text(const boost::system::error_code& ec, long verify_result);

} // namespace csms::proxy
