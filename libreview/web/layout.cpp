#include "libreview/web/layout.h"

#include "libreview/web/html.h"


namespace review::web {

std::string page(std::string_view title, std::string_view body)
{
    std::string out;
    out.reserve(body.size() + 1024);
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<link rel=\"stylesheet\" href=\"/style.css\"><title>";
    append_escaped(out, title);
    out += " - kvmx</title></head><body><a class=\"skip\" href=\"#main\">Skip to content</a>"
           "<header><a href=\"/\">kvmx queue</a> <span class=\"muted\">kvm-x86 triage</span></header>"
           "<main id=\"main\">";
    out += body;
    out += "</main></body></html>\n";
    return out;
}

std::string_view style_sheet()
{
    return R"CSS(body{font:15px/1.45 "DejaVu Sans",system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
header{background:#24385b;color:#fff;padding:.5em 1em}header a{color:#fff;font-weight:bold}
main{padding:.5em 1em;max-width:1400px}a{color:#0645ad}.muted{color:#667;font-size:90%}
header .muted{color:#cdd}
.skip{position:absolute;left:-999px}.skip:focus{left:1em;top:.3em;background:#ff0;padding:.2em}
:focus-visible{outline:3px solid #e69500;outline-offset:1px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}
th,td{padding:.25em .5em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th a{color:inherit}td.subject{overflow-wrap:anywhere;min-width:16em}
pre,code{font:13px/1.35 "DejaVu Sans Mono",monospace}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f4;padding:.5em;margin:.3em 0}
.tag{display:inline-block;border-radius:3px;padding:0 .35em;font-size:85%;background:#eee}
.fix{background:#fde2c8}.newer{background:#d9e8ff}.soon{background:#ffd6d6}
.pass,.success{background:#d4f4d4}.fail{background:#ffd6d6}.warning{background:#fff1c2}
.error{color:#a00000}.finding{background:#fff4d6;border-left:4px solid #e0a000;margin:.1em 0;padding:.1em .5em}
.finding.error{border-color:#c00000;background:#ffe9e9;color:#1b1b1b}
.patch{border:1px solid #ccd;margin:.6em 0;padding:.3em .6em}
.patch pre .ln{color:#889;user-select:none}.add{color:#065f06}.del{color:#a00000}.hunk{color:#5a3d99}
.timeline{list-style:none;padding:0}.timeline li{margin:.2em 0}
form.inline{display:inline}fieldset{border:1px solid #ccd;margin:.5em 0}
label{margin-right:.6em}input,select,button{font:inherit;max-width:100%}
@media (max-width:700px){body{font-size:14px}main{padding:.4em}.wide{display:none}td.subject{min-width:8em}}
)CSS";
}

std::string interval(std::int64_t d)
{
    if (d < 0)
        d = -d;
    if (d < 3600)
        return std::to_string(d / 60) + "m";
    if (d < 2 * 86400)
        return std::to_string(d / 3600) + "h";
    return std::to_string(d / 86400) + "d";
}

std::string lore_url(std::string_view message_id)
{
    return "https://lore.kernel.org/r/" + url_encode(message_id);
}

} // namespace review::web
