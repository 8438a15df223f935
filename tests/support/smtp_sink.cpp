#include "support/smtp_sink.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <sstream>

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

std::vector<std::string> words(const std::string& line)
{
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string word; in >> word;) {
        out.push_back(word);
    }
    return out;
}

std::string base64_decoded(const std::string& text)
{
    std::string out(text.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) {
        return "";
    }
    out.resize(static_cast<std::size_t>(n));
    for (auto it = text.rbegin(); it != text.rend() && *it == '=' && !out.empty(); ++it) {
        out.pop_back(); // EVP_DecodeBlock counts the padding as zero bytes
    }
    return out;
}

std::string without_line_end(std::string line)
{
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.pop_back();
    }
    return line;
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

SmtpSink::SmtpSink(std::uint16_t port, SmtpSinkOptions options)
    : options_(std::move(options)), tls_(options_.tls ? tls_server_context(*options_.tls) : nullptr),
      server_(port, [this](ServedConnection& c) { serve(c); })
{
}

std::vector<std::string> SmtpSink::commands() const
{
    std::lock_guard lock(mutex_);
    return commands_;
}

std::size_t SmtpSink::failed_handshakes() const
{
    std::lock_guard lock(mutex_);
    return failed_handshakes_;
}

void SmtpSink::record(const std::string& command)
{
    std::lock_guard lock(mutex_);
    commands_.push_back(command);
}

std::string SmtpSink::authenticate(ServedConnection& c, const std::string& line)
{
    auto w = words(line);
    auto mechanism = w.size() > 1 ? upper(w[1]) : std::string();
    record("AUTH " + mechanism);
    std::string user;
    std::string password;
    if (mechanism == "PLAIN") {
        std::string token = w.size() > 2 ? w[2] : std::string();
        if (token.empty()) {
            c.write("334 \r\n");
            token = without_line_end(c.read_until("\r\n").value_or(""));
        }
        // authzid NUL user NUL password
        auto decoded = base64_decoded(token);
        auto first = decoded.find('\0');
        auto second = first == std::string::npos ? first : decoded.find('\0', first + 1);
        if (second != std::string::npos) {
            user = decoded.substr(first + 1, second - first - 1);
            password = decoded.substr(second + 1);
        }
    } else if (mechanism == "LOGIN") {
        c.write("334 VXNlcm5hbWU6\r\n"); // "Username:"
        user = base64_decoded(without_line_end(c.read_until("\r\n").value_or("")));
        c.write("334 UGFzc3dvcmQ6\r\n"); // "Password:"
        password = base64_decoded(without_line_end(c.read_until("\r\n").value_or("")));
    } else {
        c.write("504 5.5.4 unrecognized authentication type\r\n");
        return "";
    }
    if (options_.user.empty() || user != options_.user || password != options_.password) {
        c.write("535 5.7.8 Authentication credentials invalid\r\n");
        return "";
    }
    c.write("235 2.7.0 Authentication successful\r\n");
    return user;
}

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
    auto handshake = [&] {
        if (c.start_tls(tls_.get())) {
            return true;
        }
        std::lock_guard lock(mutex_);
        ++failed_handshakes_;
        return false;
    };
    if (tls_ && options_.implicit_tls && !handshake()) {
        return;
    }
    c.write("220 sink.test ESMTP test sink\r\n");
    ReceivedMail mail;
    std::string user; // authenticated as
    while (auto line = c.read_until("\r\n")) {
        auto command = upper(line->substr(0, 4));
        if (auto verb = words(*line); command != "AUTH") { // authenticate() records AUTH without its token
            record(upper(verb.empty() ? std::string() : verb[0]));
        }
        bool auth_offered = !options_.user.empty() && (c.encrypted() || !tls_);
        if (command == "EHLO" || command == "HELO") {
            std::string reply = "250-sink.test\r\n";
            if (tls_ && !c.encrypted()) {
                reply += "250-STARTTLS\r\n";
            }
            if (auth_offered) {
                reply += "250-AUTH PLAIN LOGIN\r\n";
            }
            c.write(reply + "250 8BITMIME\r\n");
        } else if (command == "STAR" && tls_ && !c.encrypted()) {
            c.write("220 2.0.0 ready to start TLS\r\n");
            if (!handshake()) {
                return;
            }
            user.clear(); // RFC 3207: everything before the handshake is forgotten
            mail = ReceivedMail{};
        } else if (command == "AUTH" && auth_offered && user.empty()) {
            user = authenticate(c, *line);
        } else if (command == "MAIL" && !options_.user.empty() && user.empty()) {
            c.write("530 5.7.0 Authentication required\r\n");
        } else if (command == "MAIL") {
            mail = ReceivedMail{};
            mail.from = address_of(*line);
            mail.user = user;
            mail.encrypted = c.encrypted();
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
