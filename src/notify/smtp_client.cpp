#include "notify/smtp_client.hpp"

#include "notify/tcp_connection.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

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
    std::string encoded(4 * ((text.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    encoded.resize(static_cast<std::size_t>(std::max(n, 0)));
    return "=?UTF-8?B?" + encoded + "?=";
}

// Reads one reply (all its lines) and checks its code is expected/100.
int read_reply(TcpConnection& connection, int expected_class, const char* step)
{
    for (;;) {
        auto line = connection.read_until("\r\n");
        int code = 0;
        if (line.size() < 5 || std::from_chars(line.data(), line.data() + 3, code).ec != std::errc{}) {
            throw NetworkError(std::string("SMTP ") + step + ": not an SMTP reply");
        }
        if (line[3] == '-') {
            continue; // more lines of the same reply
        }
        if (code / 100 != expected_class) {
            auto text = line.substr(0, line.size() - 2);
            throw SmtpError(code, std::string("SMTP ") + step + " refused: " + text);
        }
        return code;
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

// The dialogue itself; throws SmtpError for a refusal, NetworkError for the wire.
void converse(const std::string& host, const std::string& port, const MailMessage& message,
              std::chrono::milliseconds timeout)
{
    TcpConnection c(host, port, std::chrono::steady_clock::now() + timeout);
    read_reply(c, 2, "greeting");
    c.write("EHLO csmsd\r\n");
    read_reply(c, 2, "EHLO");
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

} // namespace

void send_mail(const std::string& host, const std::string& port, const MailMessage& message,
               std::chrono::milliseconds timeout)
{
    try {
        converse(host, port, message, timeout);
    } catch (const SmtpError& e) {
        // Relays quote the address back ("550 <tess@example.com> unknown"); the
        // text goes to the log and last_error, where personal data does not.
        std::string text = e.what();
        for (auto at = text.find(message.to); !message.to.empty() && at != std::string::npos;
             at = text.find(message.to, at)) {
            text.replace(at, message.to.size(), "(recipient)");
        }
        throw SmtpError(e.code(), text);
    }
}

} // namespace csms::notify
