#include "notify/config.hpp"

namespace csms::notify {

std::string_view to_string(ChannelType type)
{
    switch (type) {
    case ChannelType::webhook:
        return "webhook";
    case ChannelType::email:
        return "email";
    case ChannelType::sms:
        return "sms";
    case ChannelType::inbox:
        return "inbox";
    }
    return "inbox";
}

std::optional<SmtpTls> parse_smtp_tls(std::string_view text)
{
    if (text == "none") return SmtpTls::none;
    if (text == "starttls") return SmtpTls::starttls;
    if (text == "implicit") return SmtpTls::implicit;
    return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view text)
{
    if (text == "info") return Severity::info;
    if (text == "warning") return Severity::warning;
    if (text == "critical") return Severity::critical;
    return std::nullopt;
}

const Channel* NotificationConfig::channel(std::string_view name) const
{
    for (const auto& c : channels) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

} // namespace csms::notify
