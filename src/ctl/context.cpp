#include "ctl/context.hpp"

#include "ctl/token.hpp"

#include <cstdlib>

namespace csms::ctl {

ApiClient& Context::api()
{
    if (!api_) {
        std::string server = options.server;
        if (server.empty()) {
            const char* env = std::getenv("CSMS_SERVER");
            server = env != nullptr && *env != '\0' ? env : "http://127.0.0.1:8181";
        }
        auto url = parse_server_url(server);
        TlsOptions tls;
        tls.ca_file = options.ca_file;
        if (tls.ca_file.empty()) {
            const char* env = std::getenv("CSMS_CA_FILE");
            tls.ca_file = env != nullptr ? env : "";
        }
        auto token = load_token(token_sources_from_environment(options.token_file));
        api_ = std::make_unique<ApiClient>(std::move(url), std::move(token), std::move(tls));
    }
    return *api_;
}

void Context::print(const ApiAnswer& answer, const std::function<void(const rapidjson::Value&)>& human)
{
    if (json()) {
        out_ << answer.body;
        if (answer.body.empty() || answer.body.back() != '\n') {
            out_ << "\n";
        }
        return;
    }
    human(answer.json);
}

void Context::print_list(const ApiAnswer& answer, const std::vector<Column>& columns)
{
    print(answer, [&](const rapidjson::Value& json) {
        static const rapidjson::Value no_items(rapidjson::kArrayType);
        const auto* items = member(json, "items");
        print_items(out_, items != nullptr ? *items : no_items, columns);
        if (const auto* next = member(json, "next"); next != nullptr && next->IsString()) {
            out_ << "(more: --cursor " << next->GetString() << ")\n";
        }
    });
}

void Context::print_object(const ApiAnswer& answer)
{
    print(answer, [&](const rapidjson::Value& json) { ctl::print_object(out_, json); });
}

} // namespace csms::ctl
