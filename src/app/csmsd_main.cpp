// csmsd: flags -> Settings -> Server; prints the ready line; SIGINT/SIGTERM
// stop it gracefully. Exit 0 after a clean stop, 1 with a one-line error.
#include "app/bootstrap_admin.hpp"
#include "app/server.hpp"
#include "app/settings.hpp"
#include "base/log.hpp"

#include <csignal>
#include <iostream>

int main(int argc, char** argv)
{
    try {
        auto settings = csms::app::load_settings(argc, argv);
        if (!settings) {
            return 0;
        }
        if (!settings->bootstrap_admin.empty()) {
            csms::app::bootstrap_admin(settings->db_path, settings->bootstrap_admin, settings->token_file);
            std::cout << "admin '" << settings->bootstrap_admin << "' created; token written to "
                      << settings->token_file << std::endl;
            return 0;
        }
        csms::base::init_logging(csms::base::parse_log_level(settings->log_level));
        // A charger that vanishes mid-write must not take the process down.
        std::signal(SIGPIPE, SIG_IGN);
        csms::app::Server server(std::move(*settings));
        server.start();
        std::cout << server.ready_line() << std::endl;
        server.run_until_signal();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "csmsd: " << e.what() << "\n";
        return 1;
    }
}
