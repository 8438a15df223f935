#pragma once
// A blocking call that cannot be cancelled, bounded by a deadline.
//
// getaddrinfo() is the case in point: Asio's async_resolve runs it on a
// private thread, and neither resolver::cancel() nor the io_context's
// destruction interrupts it (cancel() only stops a resolve that has not
// started; shutdown joins the thread). A name server that never answers would
// hold csmsctl for as long as the C library's own retries last. So the call
// runs on a thread of its own; when the deadline passes first, the caller
// goes on without it and the thread, detached, ends whenever the call does
// (or with the process).
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <thread>
#include <utility>

namespace csms::ctl {

// `work()`'s value, or nullopt when `limit` passed first. An exception thrown
// by `work` is rethrown here. `work` must own (or share) everything it uses:
// it may outlive this call.
template <class T> std::optional<T> call_with_deadline(std::function<T()> work, std::chrono::milliseconds limit)
{
    std::promise<T> promise;
    auto future = promise.get_future();
    std::thread([work = std::move(work), promise = std::move(promise)]() mutable {
        try {
            promise.set_value(work());
        } catch (...) {
            promise.set_exception(std::current_exception());
        }
    }).detach();
    if (future.wait_for(limit) != std::future_status::ready) {
        return std::nullopt;
    }
    return future.get();
}

} // namespace csms::ctl
