#pragma once
// A real SMTP server that accepts every message and records it: speaks
// EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP and QUIT,
// and as the options say STARTTLS or TLS from the first byte (implicit), and
// AUTH PLAIN and LOGIN checked against one user and password.
#include "support/tcp_test_server.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace csms::test {

struct SmtpSinkOptions {
    std::optional<TlsIdentity> tls; // with it: STARTTLS is offered, or TLS from the start when implicit
    bool implicit_tls = false;
    // Not empty: AUTH PLAIN LOGIN is offered (only under TLS when there is
    // TLS, as relays do) and required before MAIL.
    std::string user;
    std::string password;
};

struct ReceivedMail {
    std::string from;
    std::vector<std::string> to;
    std::string user;                                  // who authenticated, "" for nobody
    bool encrypted = false;                            // came over TLS
    std::string data;                                  // headers and body as sent, CRLF line ends, unstuffed
    std::string header(const std::string& name) const; // "Subject" -> its value, "" if absent
    std::string body() const;                          // after the blank line
};

class SmtpSink {
public:
    explicit SmtpSink(std::uint16_t port = 0, SmtpSinkOptions options = {});
    std::uint16_t port() const { return server_.port(); }
    std::vector<ReceivedMail> mails() const;
    std::size_t count() const;
    // Every command's verb as received, e.g. "EHLO", "STARTTLS", "AUTH PLAIN",
    // "MAIL" (never the credentials).
    std::vector<std::string> commands() const;
    std::size_t failed_handshakes() const;
    // The reply to RCPT TO, e.g. 550 to refuse every recipient.
    void set_rcpt_reply(int code);

private:
    void serve(ServedConnection& connection);
    // AUTH PLAIN or LOGIN after its first line; the user on success, or "".
    std::string authenticate(ServedConnection& connection, const std::string& line);
    void record(const std::string& command);

    SmtpSinkOptions options_;
    std::shared_ptr<ssl_ctx_st> tls_;
    mutable std::mutex mutex_;
    std::vector<ReceivedMail> mails_;
    std::vector<std::string> commands_;
    std::size_t failed_handshakes_ = 0;
    int rcpt_reply_ = 250;
    TcpTestServer server_; // last
};

} // namespace csms::test
