#include "support/partner_backend.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

namespace csms::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

std::string text_of(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string quoted(const std::string& text)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    return buffer.GetString();
}

} // namespace

struct PartnerBackend::Impl : std::enable_shared_from_this<Impl> {
    struct Link {
        virtual ~Link() = default;
        virtual void write(std::string frame) = 0;
    };

    template <class Next> struct LinkT final : Link, std::enable_shared_from_this<LinkT<Next>> {
        template <class... Args> LinkT(Impl& impl_, Args&&... args) : impl(impl_), ws(std::forward<Args>(args)...) {}

        void start()
        {
            auto self = this->shared_from_this();
            if constexpr (std::is_same_v<Next, tcp::socket>) {
                upgrade();
            } else {
                ws.next_layer().async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
                    if (!ec) {
                        std::lock_guard lock(self->impl.mutex);
                        X509* peer = SSL_get_peer_certificate(self->ws.next_layer().native_handle());
                        if (peer != nullptr) {
                            char name[256] = {};
                            X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof name);
                            self->impl.client_names.push_back(name);
                            X509_free(peer);
                        }
                    }
                    if (!ec) {
                        self->upgrade();
                    }
                });
            }
        }

        void upgrade()
        {
            auto self = this->shared_from_this();
            http::async_read(ws.next_layer(), buffer, request, [self](beast::error_code ec, std::size_t) {
                if (ec || !websocket::is_upgrade(self->request)) {
                    return;
                }
                std::string target(self->request.target());
                self->charger_id = target.substr(target.rfind('/') + 1);
                self->authorization = std::string(self->request[http::field::authorization]);
                self->ws.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
                    response.set(http::field::sec_websocket_protocol, "ocpp1.6");
                }));
                self->ws.async_accept(self->request, [self](beast::error_code accept_ec) {
                    if (accept_ec) {
                        return;
                    }
                    {
                        std::lock_guard lock(self->impl.mutex);
                        self->impl.links[self->charger_id] = self;
                        self->impl.auths.push_back(self->authorization);
                    }
                    self->ws.text(true);
                    self->read();
                });
            });
        }

        void read()
        {
            auto self = this->shared_from_this();
            buffer.clear();
            ws.async_read(buffer, [self](beast::error_code ec, std::size_t) {
                if (ec) {
                    std::lock_guard lock(self->impl.mutex);
                    if (self->impl.links[self->charger_id] == self) {
                        self->impl.links.erase(self->charger_id);
                    }
                    return;
                }
                self->on_frame(beast::buffers_to_string(self->buffer.data()));
                self->read();
            });
        }

        void on_frame(const std::string& text)
        {
            rapidjson::Document doc;
            if (doc.Parse(text.c_str()).HasParseError() || !doc.IsArray() || doc.Size() < 3) {
                return;
            }
            std::string id = doc[1].GetString();
            if (doc[0].GetInt() != 2) {
                std::lock_guard lock(impl.mutex);
                impl.replies[id] = text;
                impl.changed.notify_all();
                return;
            }
            std::string action = doc[2].GetString();
            std::string answer = "{}";
            {
                std::lock_guard lock(impl.mutex);
                impl.calls.push_back(Received{charger_id, action, text_of(doc[3])});
                if (auto refusal = impl.refusals.find(action); refusal != impl.refusals.end()) {
                    impl.changed.notify_all();
                    write("[4," + quoted(id) + "," + quoted(refusal->second.first) + "," +
                          quoted(refusal->second.second) + ",{}]");
                    return;
                }
                if (action == "StartTransaction") {
                    answer = R"({"transactionId":)" + std::to_string(impl.next_transaction_id++) +
                             R"(,"idTagInfo":{"status":"Accepted"}})";
                } else if (action == "BootNotification") {
                    answer = R"({"status":"Accepted","currentTime":"2026-01-01T00:00:00Z","interval":300})";
                } else if (action == "Heartbeat") {
                    answer = R"({"currentTime":"2026-01-01T00:00:00Z"})";
                } else if (action == "Authorize") {
                    std::string tag = doc[3].IsObject() && doc[3].HasMember("idTag") && doc[3]["idTag"].IsString()
                                          ? doc[3]["idTag"].GetString()
                                          : "";
                    std::optional<std::string> status = "Invalid";
                    if (auto it = impl.authorize_answers.find(tag); it != impl.authorize_answers.end()) {
                        status = it->second;
                    }
                    impl.changed.notify_all();
                    if (!status) {
                        return; // silent: csmsd's timeout must answer the charger
                    }
                    answer = R"({"idTagInfo":{"status":)" + quoted(*status) + "}}";
                }
                impl.changed.notify_all();
            }
            write("[3," + quoted(id) + "," + answer + "]");
        }

        void write(std::string frame) override
        {
            writes.push_back(std::move(frame));
            if (writes.size() == 1) {
                write_next();
            }
        }
        void write_next()
        {
            auto self = this->shared_from_this();
            ws.async_write(asio::buffer(writes.front()), [self](beast::error_code ec, std::size_t) {
                self->writes.pop_front();
                if (!ec && !self->writes.empty()) {
                    self->write_next();
                }
            });
        }

        Impl& impl;
        websocket::stream<Next> ws;
        beast::flat_buffer buffer;
        http::request<http::string_body> request;
        std::string charger_id;
        std::string authorization;
        std::deque<std::string> writes;
    };

    Impl(std::uint16_t port, std::int64_t first, const PartnerBackendTls& tls_options)
        : acceptor(io), next_transaction_id(first)
    {
        if (!tls_options.cert.empty()) {
            tls.emplace(asio::ssl::context::tls_server);
            tls->use_certificate_chain_file(tls_options.cert);
            tls->use_private_key_file(tls_options.key, asio::ssl::context::pem);
            if (!tls_options.client_ca.empty()) {
                tls->load_verify_file(tls_options.client_ca);
                tls->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
            }
        }
        tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen();
    }

    void accept()
    {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (ec) {
                return;
            }
            if (tls) {
                std::make_shared<LinkT<asio::ssl::stream<tcp::socket>>>(*this, std::move(socket), *tls)->start();
            } else {
                std::make_shared<LinkT<tcp::socket>>(*this, std::move(socket))->start();
            }
            accept();
        });
    }

    asio::io_context io;
    std::optional<asio::ssl::context> tls;
    tcp::acceptor acceptor;
    std::thread thread;

    mutable std::mutex mutex;
    std::condition_variable changed;
    std::int64_t next_transaction_id;
    std::vector<Received> calls;
    std::vector<std::string> auths;
    std::vector<std::string> client_names;
    std::map<std::string, std::shared_ptr<Link>> links;
    std::map<std::string, std::string> replies;
    std::map<std::string, std::optional<std::string>> authorize_answers;
    std::map<std::string, std::pair<std::string, std::string>> refusals; // action -> code, description
    int next_call = 1;
};

PartnerBackend::PartnerBackend(std::uint16_t port, std::int64_t first_transaction_id, PartnerBackendTls tls)
    : impl_(std::make_shared<Impl>(port, first_transaction_id, tls))
{
    impl_->accept();
    impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

PartnerBackend::~PartnerBackend()
{
    impl_->io.stop();
    impl_->thread.join();
}

std::uint16_t PartnerBackend::port() const
{
    return impl_->acceptor.local_endpoint().port();
}

std::vector<PartnerBackend::Received> PartnerBackend::received() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->calls;
}

std::vector<std::string> PartnerBackend::authorizations() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->auths;
}

std::vector<std::string> PartnerBackend::client_names() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->client_names;
}

bool PartnerBackend::connected(const std::string& charger_id) const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->links.count(charger_id) != 0;
}

void PartnerBackend::refuse(const std::string& action, const std::string& code, const std::string& description)
{
    std::lock_guard lock(impl_->mutex);
    impl_->refusals[action] = {code, description};
}

void PartnerBackend::answer_authorize(const std::string& id_tag, std::optional<std::string> status)
{
    std::lock_guard lock(impl_->mutex);
    impl_->authorize_answers[id_tag] = std::move(status);
}

std::optional<std::string> PartnerBackend::call(const std::string& charger_id, const std::string& action,
                                                const std::string& payload, std::chrono::milliseconds limit)
{
    std::shared_ptr<Impl::Link> link;
    std::string id;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->links.find(charger_id);
        if (it == impl_->links.end()) {
            return std::nullopt;
        }
        link = it->second;
        id = "partner-" + std::to_string(impl_->next_call++);
    }
    std::string frame = "[2," + quoted(id) + "," + quoted(action) + "," + payload + "]";
    asio::post(impl_->io, [link, frame] { link->write(frame); });
    std::unique_lock lock(impl_->mutex);
    if (!impl_->changed.wait_for(lock, limit, [&] { return impl_->replies.count(id) != 0; })) {
        return std::nullopt;
    }
    return impl_->replies[id];
}

std::vector<std::string> actions_of(const std::vector<PartnerBackend::Received>& calls)
{
    std::vector<std::string> out;
    for (const auto& call : calls) {
        out.push_back(call.action);
    }
    return out;
}

std::int64_t transaction_id_of(const std::string& payload)
{
    rapidjson::Document doc;
    doc.Parse(payload.c_str());
    return doc.IsObject() && doc.HasMember("transactionId") && doc["transactionId"].IsInt64()
               ? doc["transactionId"].GetInt64()
               : -1;
}

} // namespace csms::test
