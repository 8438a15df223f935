#include "base/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace csms::base {

void name_this_thread(std::string_view name)
{
    constexpr std::size_t kernel_limit = 15;
    std::string cut(name.substr(0, kernel_limit));
    pthread_setname_np(pthread_self(), cut.c_str()); // only fails for a name over the limit
}

} // namespace csms::base
