#pragma once
// SMTP to a relay (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT, in TLS
// from the start (implicit, RFC 8314) or after STARTTLS (RFC 3207) when the
// relay is configured so, and AUTH PLAIN or LOGIN (RFC 4954) when a user is
// given. A relay that does not offer STARTTLS when it is required is a
// failure, never a plain-text send, and the password never leaves over an
// unencrypted connection unless allow_auth_without_tls says so. Every step
// is bounded by one deadline.
#include "base/clock.hpp"
#include "notify/config.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

namespace csms::notify {

// The relay answered with an error code: 5xx is final, 4xx worth retrying.
class SmtpError : public std::runtime_error {
public:
    SmtpError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }
    bool permanent() const { return code_ >= 500; }

private:
    int code_;
};

struct MailMessage {
    std::string from;
    std::string to;
    std::string subject;
    std::string body;       // text, lines separated by \n
    std::string message_id; // "<...@...>"
    base::SysTime date;
};

// The message as sent after DATA: headers, blank line, dot-stuffed body with
// CRLF line ends, without the final ".".
std::string format_mail(const MailMessage& message);

// Throws SmtpError for a refusal, NetworkError for the wire (a failed TLS
// handshake, a relay without STARTTLS or AUTH). No message holds the
// password, in clear or encoded, nor the recipient's address.
void send_mail(const SmtpRelay& relay, const MailMessage& message, std::chrono::milliseconds timeout);

} // namespace csms::notify
