#pragma once
// A real SMTP server that accepts every message and records it: speaks
// EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP and QUIT.
#include "support/tcp_test_server.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace csms::test {

struct ReceivedMail {
    std::string from;
    std::vector<std::string> to;
    std::string data;                                  // headers and body as sent, CRLF line ends, unstuffed
    std::string header(const std::string& name) const; // "Subject" -> its value, "" if absent
    std::string body() const;                          // after the blank line
};

class SmtpSink {
public:
    explicit SmtpSink(std::uint16_t port = 0);
    std::uint16_t port() const { return server_.port(); }
    std::vector<ReceivedMail> mails() const;
    std::size_t count() const;
    // The reply to RCPT TO, e.g. 550 to refuse every recipient.
    void set_rcpt_reply(int code);

private:
    void serve(ServedConnection& connection);

    mutable std::mutex mutex_;
    std::vector<ReceivedMail> mails_;
    int rcpt_reply_ = 250;
    TcpTestServer server_; // last
};

} // namespace csms::test
