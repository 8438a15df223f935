#include "app/bootstrap_admin.hpp"

#include "base/api_token.hpp"
#include "base/clock.hpp"
#include "store/migrations.hpp"
#include "store/operator_store.hpp"
#include "store/transaction.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace csms::app {
namespace {

void write_secret_file(const std::string& path, const std::string& content)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
    }
    std::string line = content + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        throw std::runtime_error("cannot write " + path);
    }
}

} // namespace

void bootstrap_admin(const std::string& db_path, const std::string& name, const std::string& token_file)
{
    if (auto parent = std::filesystem::path(db_path).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent);
    }
    store::Database db(db_path);
    store::migrate(db);
    store::Transaction transaction(db);
    if (store::count_operators(db) != 0) {
        throw std::runtime_error("operators exist already; an admin adds more with 'csmsctl operators add'");
    }
    auto token = base::generate_api_token();
    base::SystemClock clock;
    auto id = store::create_operator(db, name, "admin", std::nullopt, clock.now_utc());
    store::add_api_token(db, id, base::api_token_hash(token), clock.now_utc());
    // The file first: a committed account whose token was lost would lock
    // the bootstrap out for good.
    write_secret_file(token_file, token);
    try {
        transaction.commit();
    } catch (...) {
        ::unlink(token_file.c_str());
        throw;
    }
}

} // namespace csms::app
