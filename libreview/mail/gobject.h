#pragma once
// RAII for GMime's GObject handles, in the style of the libgit2 wrappers:
// one owning pointer type per handle, released with g_object_unref().

#include <gmime/gmime.h>

#include <memory>

namespace review::mail {

struct GObjectDeleter {
    void operator()(void* object) const
    {
        if (object)
            g_object_unref(object);
    }
};

template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectDeleter>;

struct GFreeDeleter {
    void operator()(void* p) const { g_free(p); }
};
using GString = std::unique_ptr<char, GFreeDeleter>;

// Initialise GMime once per process; safe to call from any thread.
void ensure_gmime();

} // namespace review::mail
