#include "vmm/ioport.h"

namespace xenvmm {

Result<void> PortTable::add(uint16_t port, std::string owner, PortHandler handler)
{
    for (const auto& e : m_entries)
        if (e.port == port)
            return make_error("port " + std::to_string(port) + " is owned by " + e.owner + ", not " + owner);
    m_entries.push_back({port, std::move(owner), std::move(handler)});
    return {};
}

const PortHandler* PortTable::find(uint16_t port) const
{
    for (const auto& e : m_entries)
        if (e.port == port)
            return &e.handler;
    return nullptr;
}

}  // namespace xenvmm
