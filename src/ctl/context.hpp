#pragma once
// What every csmsctl verb shares: the global options, the output streams,
// and the API client, made on first use so that `--help` and usage errors
// need neither a token nor a server.
#include "ctl/api_client.hpp"
#include "ctl/table.hpp"

#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace csms::ctl {

struct GlobalOptions {
    std::string server;     // "" until resolved: --server, $CSMS_SERVER, http://127.0.0.1:8181
    std::string token_file; // --token-file
    std::string ca_file;    // --ca-file, else $CSMS_CA_FILE; "" = the system's trust store
    bool json = false;
};

class Context {
public:
    Context(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

    GlobalOptions options;

    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }
    bool json() const { return options.json; }

    // Resolves the server and the token on first call (may throw).
    ApiClient& api();

    // --json: the server's answer as it came; else `human(answer.json)`.
    void print(const ApiAnswer& answer, const std::function<void(const rapidjson::Value&)>& human);
    // A list answer: the items as a table, then how to get the next page.
    void print_list(const ApiAnswer& answer, const std::vector<Column>& columns);
    // One object as "key: value" lines.
    void print_object(const ApiAnswer& answer);

private:
    std::ostream& out_;
    std::ostream& err_;
    std::unique_ptr<ApiClient> api_;
};

// The verb to run once the command line is parsed.
using Action = std::function<void(Context&)>;

} // namespace csms::ctl
