#include "base/metrics.hpp"

#include <stdexcept>

namespace csms::base {
namespace {

std::string render_labels(const Labels& labels)
{
    if (labels.empty()) {
        return {};
    }
    std::string out = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += labels[i].first;
        out += "=\"";
        for (char c : labels[i].second) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (c == '\n') {
                out += "\\n";
            } else {
                out += c;
            }
        }
        out += '"';
    }
    out += '}';
    return out;
}

} // namespace

Metrics::Family& Metrics::family(const std::string& name, const std::string& help, Kind kind)
{
    auto [it, inserted] = families_.try_emplace(name);
    if (inserted) {
        it->second.kind = kind;
        it->second.help = help;
    } else if (it->second.kind != kind) {
        throw std::logic_error("metric " + name + " registered with two kinds");
    }
    return it->second;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, Kind::counter).counters[render_labels(labels)];
    if (!slot) {
        slot = std::make_unique<Counter>();
    }
    return *slot;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, Kind::gauge).gauges[render_labels(labels)];
    if (!slot) {
        slot = std::make_unique<Gauge>();
    }
    return *slot;
}

void Metrics::remove_gauge(const std::string& name, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    if (auto it = families_.find(name); it != families_.end()) {
        it->second.gauges.erase(render_labels(labels));
    }
}

std::string Metrics::render_prometheus() const
{
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, fam] : families_) {
        out += "# HELP " + name + ' ' + fam.help + '\n';
        out += "# TYPE " + name + (fam.kind == Kind::counter ? " counter\n" : " gauge\n");
        for (const auto& [labels, c] : fam.counters) {
            out += name + labels + ' ' + std::to_string(c->value()) + '\n';
        }
        for (const auto& [labels, g] : fam.gauges) {
            out += name + labels + ' ' + std::to_string(g->value()) + '\n';
        }
    }
    return out;
}

} // namespace csms::base
