#pragma once
// Plain SMTP to a relay (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT,
// without AUTH or STARTTLS — the relay is expected on the same host or
// network and does the rest. Every step is bounded by one deadline.
#include "base/clock.hpp"

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

// Throws SmtpError for a refusal, NetworkError for the wire.
void send_mail(const std::string& host, const std::string& port, const MailMessage& message,
               std::chrono::milliseconds timeout);

} // namespace csms::notify
