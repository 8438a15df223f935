#include "support/smtp_sink.hpp"

#include <algorithm>
#include <cctype>

namespace csms::test {
namespace {

std::string upper(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    return text;
}

// "MAIL FROM:<a@b>" -> "a@b"
std::string address_of(const std::string& line)
{
    auto open = line.find('<');
    auto close = line.find('>', open);
    return open == std::string::npos || close == std::string::npos ? std::string()
                                                                   : line.substr(open + 1, close - open - 1);
}

} // namespace

std::string ReceivedMail::header(const std::string& name) const
{
    auto prefix = name + ": ";
    std::size_t start = 0;
    while (start < data.size()) {
        auto end = data.find("\r\n", start);
        if (end == start || end == std::string::npos) {
            break; // the blank line ends the headers
        }
        if (data.compare(start, prefix.size(), prefix) == 0) {
            return data.substr(start + prefix.size(), end - start - prefix.size());
        }
        start = end + 2;
    }
    return "";
}

std::string ReceivedMail::body() const
{
    auto blank = data.find("\r\n\r\n");
    return blank == std::string::npos ? std::string() : data.substr(blank + 4);
}

SmtpSink::SmtpSink(std::uint16_t port) : server_(port, [this](ServedConnection& c) { serve(c); }) {}

std::vector<ReceivedMail> SmtpSink::mails() const
{
    std::lock_guard lock(mutex_);
    return mails_;
}

std::size_t SmtpSink::count() const
{
    std::lock_guard lock(mutex_);
    return mails_.size();
}

void SmtpSink::set_rcpt_reply(int code)
{
    std::lock_guard lock(mutex_);
    rcpt_reply_ = code;
}

void SmtpSink::serve(ServedConnection& c)
{
    c.write("220 sink.test ESMTP test sink\r\n");
    ReceivedMail mail;
    while (auto line = c.read_until("\r\n")) {
        auto command = upper(line->substr(0, 4));
        if (command == "EHLO" || command == "HELO") {
            c.write("250-sink.test\r\n250 8BITMIME\r\n");
        } else if (command == "MAIL") {
            mail = ReceivedMail{};
            mail.from = address_of(*line);
            c.write("250 OK\r\n");
        } else if (command == "RCPT") {
            int code = 0;
            {
                std::lock_guard lock(mutex_);
                code = rcpt_reply_;
            }
            if (code == 250) {
                mail.to.push_back(address_of(*line));
            }
            // Refusals quote the address back, as real relays do.
            c.write(std::to_string(code) +
                    (code == 250 ? " OK\r\n" : " <" + address_of(*line) + "> no such mailbox\r\n"));
        } else if (command == "DATA") {
            c.write("354 end with <CRLF>.<CRLF>\r\n");
            while (auto data_line = c.read_until("\r\n")) {
                if (*data_line == ".\r\n") {
                    break;
                }
                mail.data += (*data_line)[0] == '.' ? data_line->substr(1) : *data_line;
            }
            {
                std::lock_guard lock(mutex_);
                mails_.push_back(mail);
            }
            c.write("250 queued\r\n");
        } else if (command == "QUIT") {
            c.write("221 bye\r\n");
            return;
        } else if (command == "RSET" || command == "NOOP") {
            c.write("250 OK\r\n");
        } else {
            c.write("500 unknown command\r\n");
        }
    }
}

} // namespace csms::test
