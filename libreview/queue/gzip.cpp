#include "libreview/queue/gzip.h"

#include <zlib.h>

namespace review::queue {

Result<std::string> gunzip_strict(std::string_view data, std::string const& name, std::size_t limit)
{
    if (data.size() < 2 || static_cast<unsigned char>(data[0]) != 0x1f || static_cast<unsigned char>(data[1]) != 0x8b)
        return make_error("not gzip data (no gzip magic)", name);
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return make_error("cannot start zlib", name);
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    char buf[65536];
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        int rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
        if (out.size() > limit) {
            inflateEnd(&z);
            return make_error("uncompressed data is larger than the " + std::to_string(limit >> 20) + " MiB limit",
                              name);
        }
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0)
                break;
            // Another member follows (or trailing garbage).
            if (z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (rc == Z_BUF_ERROR && z.avail_in == 0) {
            inflateEnd(&z);
            return make_error("truncated gzip data", name);
        }
        if (rc != Z_OK) {
            inflateEnd(&z);
            return make_error(std::string("corrupt gzip data (") + (z.msg ? z.msg : "zlib error") + ")", name);
        }
    }
    inflateEnd(&z);
    return out;
}

} // namespace review::queue
