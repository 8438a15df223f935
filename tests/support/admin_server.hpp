#pragma once
// csmsd with a bootstrapped admin "root", and the admin API calls the
// end-to-end tests make with it.
#include "support/admin_bootstrap.hpp"
#include "support/http_get.hpp"

#include <rapidjson/document.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace csms::test {

struct AdminServer {
    // extra_args go to csmsd, e.g. {"--config", path}.
    explicit AdminServer(const TempDir& dir, bool dev = true, std::vector<std::string> extra_args = {})
        : token_file(dir.file("root.token"))
    {
        auto db = dir.file("csms.db");
        root_token = bootstrap_admin(dir, db, token_file);
        CsmsdOptions options;
        options.db_path = db;
        options.dev = dev;
        options.extra_args = std::move(extra_args);
        csmsd = std::make_unique<CsmsdProcess>(dir, options);
    }

    const std::string& root_token_file() const { return token_file; }

    HttpResult call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = "")
    {
        return http_request(csmsd->admin_port(), method, target, body, token);
    }

    // Adds an operator with this role and returns its token.
    std::string add_operator(const std::string& name, const std::string& role)
    {
        auto answer =
            call("POST", "/api/v1/operators", root_token, R"({"name":")" + name + R"(","role":")" + role + R"("})");
        if (answer.status != 201) {
            throw std::runtime_error("adding " + name + " failed: " + answer.body);
        }
        return parse(answer.body)["token"].GetString();
    }

    static rapidjson::Document parse(const std::string& body)
    {
        rapidjson::Document doc;
        doc.Parse(body.c_str());
        if (doc.HasParseError()) {
            throw std::runtime_error("not JSON: " + body);
        }
        return doc;
    }

    std::string token_file;
    std::string root_token;
    std::unique_ptr<CsmsdProcess> csmsd;
};

// The stable code of an API error answer.
inline std::string error_code_of(const HttpResult& r)
{
    auto doc = AdminServer::parse(r.body);
    return doc["error"]["code"].GetString();
}

} // namespace csms::test
