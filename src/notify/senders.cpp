#include "notify/senders.hpp"

#include "notify/http_post.hpp"
#include "notify/message.hpp"
#include "notify/signature.hpp"
#include "notify/smtp_client.hpp"
#include "notify/tcp_connection.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace csms::notify {
namespace {

// The inside of a JSON string literal.
std::string json_escaped(const std::string& text)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    std::string quoted = buffer.GetString();
    return quoted.substr(1, quoted.size() - 2);
}

std::string percent_encoded(const std::string& text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0f];
        }
    }
    return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to)
{
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

SendResult from_http_status(int status)
{
    if (status >= 200 && status < 300) {
        return {true, false, ""};
    }
    bool permanent = status >= 400 && status < 500 && status != 408 && status != 429;
    return {false, permanent, "HTTP " + std::to_string(status)};
}

} // namespace

std::string sms_body(const Channel& channel, const std::string& to, const std::string& text)
{
    auto escape = [&channel](const std::string& value) {
        if (channel.content_type.rfind("application/json", 0) == 0) {
            return json_escaped(value);
        }
        if (channel.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
            return percent_encoded(value);
        }
        return value;
    };
    // {text} last: a message that contains "{to}" stays as written.
    auto body = replace_all(channel.body_template, "{to}", escape(to));
    return replace_all(body, "{text}", escape(text));
}

SendResult send_delivery(const Channel& channel, const store::DueDelivery& delivery, const store::AlertEvent& event,
                         base::SysTime now)
{
    try {
        switch (channel.type) {
        case ChannelType::webhook: {
            auto body = webhook_body(event, delivery.delivery_id);
            Headers headers{{"X-CSMS-Signature", signature_header_value(channel.secret, body)},
                            {"X-CSMS-Event", event.event},
                            {"X-CSMS-Delivery", std::to_string(delivery.delivery_id)}};
            return from_http_status(http_post(channel.target, "application/json", headers, body, channel.timeout));
        }
        case ChannelType::sms: {
            Headers headers;
            if (!channel.api_key_header.empty()) {
                headers.emplace_back(channel.api_key_header, channel.api_key);
            }
            auto body = sms_body(channel, delivery.recipient, short_text(event));
            return from_http_status(http_post(channel.target, channel.content_type, headers, body, channel.timeout));
        }
        case ChannelType::email: {
            MailMessage mail{channel.from,
                             delivery.recipient,
                             email_subject(event),
                             email_body(event),
                             "<delivery-" + std::to_string(delivery.delivery_id) + ".alert-" +
                                 std::to_string(event.alert.id) + "@csmsd>",
                             now};
            send_mail(channel.smtp, mail, channel.timeout);
            return {true, false, ""};
        }
        case ChannelType::inbox:
            return {true, false, ""}; // stored when routed: nothing leaves the system
        }
    } catch (const SmtpError& e) {
        return {false, e.permanent(), e.what()};
    } catch (const std::exception& e) {
        return {false, false, e.what()};
    }
    return {false, true, "unknown channel type"};
}

} // namespace csms::notify
