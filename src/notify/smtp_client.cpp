#include "notify/smtp_client.hpp"

#include "base/concat.hpp"
#include "notify/tcp_connection.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <sstream>
#include <vector>

namespace csms::notify {
namespace {

// "Thu, 01 Jan 2026 00:00:00 +0000"
std::string rfc5322_date(base::SysTime t)
{
    using namespace std::chrono;
    static constexpr std::array<const char*, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto day = floor<days>(t);
    year_month_day ymd{day};
    weekday wd{day};
    hh_mm_ss time{floor<seconds>(t - day)};
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02u %s %04d %02lld:%02lld:%02lld +0000", weekdays[wd.c_encoding()],
                  static_cast<unsigned>(ymd.day()), months[static_cast<unsigned>(ymd.month()) - 1],
                  static_cast<int>(ymd.year()), static_cast<long long>(time.hours().count()),
                  static_cast<long long>(time.minutes().count()), static_cast<long long>(time.seconds().count()));
    return text;
}

std::string base64(std::string_view bytes)
{
    std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    encoded.resize(static_cast<std::size_t>(std::max(n, 0)));
    return encoded;
}

// A header value in plain ASCII, or RFC 2047 base64 when it is not.
std::string header_text(const std::string& text)
{
    bool ascii = std::all_of(text.begin(), text.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f;
    });
    if (ascii) {
        return text;
    }
    return base::concat("=?UTF-8?B?", base64(text), "?=");
}

struct Reply {
    int code = 0;
    std::vector<std::string> lines; // without their CRLF
};

// Reads one reply (all its lines) and checks its code is expected/100.
Reply read_reply(TcpConnection& connection, int expected_class, const char* step)
{
    Reply reply;
    for (;;) {
        auto line = connection.read_until("\r\n");
        int code = 0;
        if (line.size() < 5 || std::from_chars(line.data(), line.data() + 3, code).ec != std::errc{}) {
            throw NetworkError(std::string("SMTP ") + step + ": not an SMTP reply");
        }
        line.resize(line.size() - 2);
        bool more = line.size() > 3 && line[3] == '-';
        reply.lines.push_back(std::move(line));
        if (more) {
            continue; // more lines of the same reply
        }
        reply.code = code;
        if (code / 100 != expected_class) {
            throw SmtpError(code, base::concat("SMTP ", step, " refused: ", reply.lines.back()));
        }
        return reply;
    }
}

} // namespace

std::string format_mail(const MailMessage& m)
{
    std::string out;
    out += "From: <" + m.from + ">\r\n";
    out += "To: <" + m.to + ">\r\n";
    out += "Subject: " + header_text(m.subject) + "\r\n";
    out += "Date: " + rfc5322_date(m.date) + "\r\n";
    out += "Message-ID: " + m.message_id + "\r\n";
    out += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    std::size_t start = 0;
    while (start < m.body.size()) {
        auto end = m.body.find('\n', start);
        auto line = m.body.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (!line.empty() && line.front() == '.') {
            out += '.'; // dot-stuffing: a lone "." would end the message
        }
        out += line + "\r\n";
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

namespace {

std::string upper(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    return text;
}

// EHLO, and the extensions the relay offers in upper case ("STARTTLS",
// "AUTH PLAIN LOGIN", ...).
std::vector<std::string> hello(TcpConnection& c)
{
    c.write("EHLO csmsd\r\n");
    auto reply = read_reply(c, 2, "EHLO");
    std::vector<std::string> extensions;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) { // the first line greets
        const auto& line = reply.lines[i];
        extensions.push_back(upper(line.size() > 4 ? line.substr(4) : std::string()));
    }
    return extensions;
}

// The SASL mechanisms in "AUTH PLAIN LOGIN" (or the older "AUTH=PLAIN LOGIN").
std::vector<std::string> auth_mechanisms(const std::vector<std::string>& extensions)
{
    std::vector<std::string> out;
    for (const auto& extension : extensions) {
        if (extension.rfind("AUTH ", 0) == 0 || extension.rfind("AUTH=", 0) == 0) {
            std::istringstream words(extension.substr(5));
            for (std::string word; words >> word;) {
                out.push_back(word);
            }
        }
    }
    return out;
}

std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (const auto& word : words) {
        out += out.empty() ? "" : " ";
        out += word;
    }
    return out;
}

// The encodings of the password that go on the wire, to keep out of messages.
std::vector<std::string> password_forms(const SmtpRelay& relay)
{
    if (relay.username.empty() || relay.password.empty()) {
        return {};
    }
    std::string plain_token =
        base::concat(std::string_view("\0", 1), relay.username, std::string_view("\0", 1), relay.password);
    return {base64(plain_token), base64(relay.password), relay.password};
}

void authenticate(TcpConnection& c, const SmtpRelay& relay, const std::vector<std::string>& extensions)
{
    if (!c.encrypted() && !relay.allow_auth_without_tls) {
        throw NetworkError("SMTP AUTH: the password is not sent over an unencrypted connection (tls = \"none\")");
    }
    auto offered = auth_mechanisms(extensions);
    auto offers = [&](const std::string& m) { return std::find(offered.begin(), offered.end(), m) != offered.end(); };
    std::string mechanism = relay.auth_mechanism;
    if (mechanism.empty()) {
        mechanism = offers("PLAIN") ? "PLAIN" : offers("LOGIN") ? "LOGIN" : "";
    }
    if (mechanism.empty() || !offers(mechanism)) {
        throw NetworkError(base::concat("SMTP AUTH: the relay does not offer ",
                                        mechanism.empty() ? "PLAIN or LOGIN" : mechanism,
                                        offered.empty() ? std::string(" (it offers no AUTH)")
                                                        : base::concat(" (it offers ", joined(offered), ")")));
    }
    if (mechanism == "PLAIN") {
        c.write(base::concat("AUTH PLAIN ", password_forms(relay).at(0), "\r\n"));
        read_reply(c, 2, "AUTH PLAIN");
        return;
    }
    c.write("AUTH LOGIN\r\n");
    read_reply(c, 3, "AUTH LOGIN");
    c.write(base::concat(base64(relay.username), "\r\n"));
    read_reply(c, 3, "AUTH LOGIN");
    c.write(base::concat(base64(relay.password), "\r\n"));
    read_reply(c, 2, "AUTH LOGIN");
}

// The dialogue itself; throws SmtpError for a refusal, NetworkError for the wire.
void converse(const SmtpRelay& relay, const MailMessage& message, std::chrono::milliseconds timeout)
{
    TcpConnection c(relay.host, relay.port, std::chrono::steady_clock::now() + timeout);
    if (relay.tls == SmtpTls::implicit) {
        c.start_tls(relay.host, relay.ca_file);
    }
    read_reply(c, 2, "greeting");
    auto extensions = hello(c);
    if (relay.tls == SmtpTls::starttls) {
        if (std::find(extensions.begin(), extensions.end(), "STARTTLS") == extensions.end()) {
            throw NetworkError("SMTP: the relay does not offer STARTTLS (tls = \"starttls\"): nothing is sent in "
                               "plain text");
        }
        c.write("STARTTLS\r\n");
        read_reply(c, 2, "STARTTLS");
        c.start_tls(relay.host, relay.ca_file);
        extensions = hello(c); // what the relay said in plain text no longer counts (RFC 3207)
    }
    if (!relay.username.empty()) {
        authenticate(c, relay, extensions);
    }
    c.write("MAIL FROM:<" + message.from + ">\r\n");
    read_reply(c, 2, "MAIL FROM");
    c.write("RCPT TO:<" + message.to + ">\r\n");
    read_reply(c, 2, "RCPT TO");
    c.write("DATA\r\n");
    read_reply(c, 3, "DATA");
    c.write(format_mail(message) + ".\r\n");
    read_reply(c, 2, "message");
    c.write("QUIT\r\n");
    try {
        read_reply(c, 2, "QUIT");
    } catch (const std::exception&) {
        // The message is accepted; how the relay says goodbye does not matter.
    }
}

void replace_all(std::string& text, const std::string& from, std::string_view to)
{
    for (auto at = text.find(from); !from.empty() && at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

} // namespace

void send_mail(const SmtpRelay& relay, const MailMessage& message, std::chrono::milliseconds timeout)
{
    try {
        converse(relay, message, timeout);
    } catch (const SmtpError& e) {
        // Relays quote what they were sent ("550 <tess@example.com> unknown");
        // the text goes to the log and last_error, where personal data and
        // secrets do not.
        std::string text = e.what();
        for (const auto& secret : password_forms(relay)) {
            replace_all(text, secret, "(secret)");
        }
        replace_all(text, message.to, "(recipient)");
        throw SmtpError(e.code(), text);
    }
}

} // namespace csms::notify
