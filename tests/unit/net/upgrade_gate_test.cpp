// The gate in front of the upgrades: places, the waiting line in arrival
// order, and shutdown. Sockets need not be connected to be queued.
#include "net/upgrade_gate.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace csms;

namespace {

struct Started {
    std::vector<net::tcp::socket> sockets;
    std::vector<std::unique_ptr<net::UpgradeGate::Ticket>> tickets;
};

std::shared_ptr<net::UpgradeGate> make_gate(std::size_t places, Started& started)
{
    return std::make_shared<net::UpgradeGate>(
        places, [&started](net::tcp::socket&& socket, net::UpgradeGate::Ticket ticket) {
            started.sockets.push_back(std::move(socket));
            started.tickets.push_back(std::make_unique<net::UpgradeGate::Ticket>(std::move(ticket)));
        });
}

net::tcp::socket open_socket(boost::asio::io_context& ioc)
{
    net::tcp::socket socket(ioc);
    socket.open(net::tcp::v4());
    return socket;
}

} // namespace

TEST_CASE("upgrade gate: connections past the places wait and start in arrival order as places free up", "[net][gate]")
{
    boost::asio::io_context ioc;
    Started started;
    auto gate = make_gate(2, started);
    std::vector<int> handles;
    for (int i = 0; i < 4; ++i) {
        auto socket = open_socket(ioc);
        handles.push_back(socket.native_handle());
        gate->enter(std::move(socket));
    }
    REQUIRE(started.sockets.size() == 2);
    CHECK(gate->waiting() == 2);

    started.tickets[0].reset(); // the first upgrade ends
    REQUIRE(started.sockets.size() == 3);
    CHECK(started.sockets[2].native_handle() == handles[2]);
    CHECK(gate->waiting() == 1);

    started.tickets[1].reset();
    REQUIRE(started.sockets.size() == 4);
    CHECK(started.sockets[3].native_handle() == handles[3]);
    CHECK(gate->waiting() == 0);

    // Every place free again: the next connection starts at once.
    started.tickets[2].reset();
    started.tickets[3].reset();
    gate->enter(open_socket(ioc));
    CHECK(started.sockets.size() == 5);
}

TEST_CASE("upgrade gate: close drops the waiting connections and admits no more", "[net][gate]")
{
    boost::asio::io_context ioc;
    Started started;
    auto gate = make_gate(1, started);
    gate->enter(open_socket(ioc));
    gate->enter(open_socket(ioc));
    REQUIRE(gate->waiting() == 1);

    gate->close();
    CHECK(gate->waiting() == 0);
    started.tickets[0].reset(); // the running one ends: nothing follows
    gate->enter(open_socket(ioc));
    CHECK(started.sockets.size() == 1);
}
