#include "net/http_upgrade.hpp"

#include "net/charger_path.hpp"

#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/split.hpp>
#include <spdlog/spdlog.h>

namespace csms::net {
namespace {

constexpr std::uint32_t max_header_bytes = 8 * 1024;

bool offers_subprotocol(std::string_view header, std::string_view wanted)
{
    std::vector<std::string> tokens;
    boost::split(tokens, header, boost::is_any_of(","));
    for (auto& token : tokens) {
        auto begin = token.find_first_not_of(" \t");
        auto end = token.find_last_not_of(" \t");
        if (begin != std::string::npos && std::string_view(token).substr(begin, end - begin + 1) == wanted) {
            return true;
        }
    }
    return false;
}

} // namespace

HttpUpgrade::HttpUpgrade(tcp::socket&& socket, std::shared_ptr<ListenerContext> context)
    : stream_(std::move(socket)), context_(std::move(context))
{
}

void HttpUpgrade::run()
{
    parser_.emplace();
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(0);
    stream_.expires_after(context_->options.handshake_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpUpgrade::on_read, shared_from_this()));
}

void HttpUpgrade::on_read(beast::error_code ec, std::size_t)
{
    if (ec) {
        if (ec != http::error::end_of_stream && ec != beast::error::timeout) {
            spdlog::debug("upgrade read failed: {}", ec.message());
        }
        if (ec == http::error::header_limit || ec == http::error::body_limit) {
            return refuse(http::status::request_header_fields_too_large, "request too large\n");
        }
        return;
    }
    auto& request = parser_->get();
    if (!websocket::is_upgrade(request)) {
        return refuse(http::status::upgrade_required, "OCPP chargers connect with a WebSocket upgrade\n");
    }
    auto charger_id = charger_id_from_target(request.target(), context_->options.path_prefix);
    if (!charger_id) {
        return refuse(http::status::not_found,
                      "expected " + context_->options.path_prefix + "{chargePointId}: 1-64 printable characters\n");
    }
    if (!offers_subprotocol(request[http::field::sec_websocket_protocol], context_->options.subprotocol)) {
        return refuse(http::status::bad_request,
                      "Sec-WebSocket-Protocol must offer " + context_->options.subprotocol + "\n");
    }
    stream_.expires_never();
    beast::error_code ignored;
    PeerIdentity peer{*charger_id, stream_.socket().remote_endpoint(ignored).address().to_string()};
    std::make_shared<WsSession>(std::move(stream_), std::move(peer), context_)->run(parser_->release());
}

void HttpUpgrade::refuse(http::status status, std::string body)
{
    context_->refused.inc();
    refusal_ = http::response<http::string_body>{status, 11};
    refusal_.set(http::field::server, "csmsd/" CSMS_VERSION);
    refusal_.set(http::field::content_type, "text/plain");
    refusal_.keep_alive(false);
    refusal_.body() = std::move(body);
    refusal_.prepare_payload();
    http::async_write(stream_, refusal_, [self = shared_from_this()](beast::error_code, std::size_t) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
}

} // namespace csms::net
