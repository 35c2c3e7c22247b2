// kvmx am: one version of a series as an mbox ready for git am.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/queue_common.h"
#include "libreview/queue/am.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>

namespace kvmx {
namespace {

namespace q = review::queue;

struct AmOptions {
    std::string db, ref, output, cover, link_prefix = "https://lore.kernel.org/r/";
    bool no_link = false, keep_mismatched = false;
    std::string format = "text";
};

bool write_to(std::string const& path, std::string const& text)
{
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            return false;
        out << text;
        if (!out.flush())
            return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

int run(AmOptions const& o)
{
    if (o.format != "text" && o.format != "json")
        return fail("--format must be text or json, not '" + o.format + "'");
    auto loaded = load_version(o.db, o.ref);
    if (!loaded)
        return fail(loaded.error().describe());
    auto& queue = loaded->queue;
    auto& mails = loaded->mails;
    // A partial reroll ([PATCH v3 2/2] alone) takes the patches it did not
    // resend from the newest earlier version with the same count, as b4 does.
    auto const& chosen = mails.series.versions[mails.version];
    if (chosen.received < chosen.patches) {
        for (std::size_t k = mails.version; k-- > 0 && mails.patches.size() < static_cast<std::size_t>(chosen.patches);) {
            auto const& older = mails.series.versions[k];
            if (older.patches != chosen.patches)
                continue;
            auto earlier = queue.version_mails(loaded->id, k);
            if (!earlier)
                return fail(earlier.error().describe());
            for (auto& p : earlier->patches) {
                bool have = std::any_of(mails.patches.begin(), mails.patches.end(),
                                        [&](q::VersionMail const& m) { return m.patch.index == p.patch.index; });
                if (have)
                    continue;
                std::cerr << "kvmx: note: patch " << p.patch.index << "/" << chosen.patches << " taken from v"
                          << older.version << " (not resent in v" << chosen.version << ")\n";
                mails.patches.push_back(std::move(p));
            }
        }
        std::stable_sort(mails.patches.begin(), mails.patches.end(),
                         [](auto const& a, auto const& b) { return a.patch.index < b.patch.index; });
        mails.series.versions[mails.version].received = static_cast<int>(mails.patches.size());
    }
    q::AmOptions opts;
    opts.link_prefix = o.no_link ? "" : o.link_prefix;
    opts.keep_mismatched = o.keep_mismatched;
    auto am = q::make_am(mails, opts);
    if (o.format == "json") {
        // The mbox and the cover letter as strings, for tools; nothing is written to files.
        nlohmann::json patches = nlohmann::json::array();
        for (auto const& p : mails.patches)
            patches.push_back({{"index", p.patch.index}, {"message_id", p.patch.message_id}});
        std::cout << nlohmann::json{{"id", loaded->id},
                                    {"version", mails.series.versions[mails.version].version},
                                    {"patches", patches},
                                    {"mbox", am.mbox},
                                    {"cover", am.cover},
                                    {"notes", am.notes}}
                         .dump(2)
                  << "\n";
        return ExitClean;
    }
    for (auto const& n : am.notes)
        std::cerr << "kvmx: note: " << n << "\n";
    if (o.output.empty() || o.output == "-") {
        std::cout << am.mbox;
    } else if (!write_to(o.output, am.mbox)) {
        return fail(o.output + ": cannot write");
    }
    std::string cover = o.cover.empty() && !o.output.empty() && o.output != "-" ? o.output + ".cover" : o.cover;
    if (!am.cover.empty() && !cover.empty()) {
        if (!write_to(cover, am.cover))
            return fail(cover + ": cannot write");
        std::cerr << "kvmx: cover letter written to " << cover << "\n";
    }
    auto const& v = mails.series.versions[mails.version];
    std::cerr << "kvmx: " << mails.patches.size() << " patches of v" << v.version << " (" << v.title << ")"
              << (o.output.empty() || o.output == "-" ? "" : " written to " + o.output) << "\n";
    return ExitClean;
}

} // namespace

void add_am_command(CLI::App& app, int& status)
{
    auto o = std::make_shared<AmOptions>();
    auto* cmd = app.add_subcommand("am", "a version of a series as an mbox for git am, with collected trailers");
    add_db_option(*cmd, o->db);
    cmd->add_option("series", o->ref, "queue id (latest version), ID:vN, or a Message-ID")->required();
    cmd->add_option("-o,--output", o->output, "mbox to write (default: standard output)");
    cmd->add_option("--cover", o->cover, "where the cover letter goes (default: OUTPUT.cover)");
    cmd->add_option("--link-prefix", o->link_prefix, "Link: URL before the Message-ID");
    cmd->add_flag("--no-link", o->no_link, "add no Link: trailer");
    cmd->add_flag("--keep-mismatched", o->keep_mismatched,
                  "keep trailers whose address differs from the address they were sent from");
    cmd->add_option("--format", o->format, "text (the mbox) or json (mbox, cover letter and notes as strings)");
    cmd->callback([o, &status] { status = run(*o); });
}

} // namespace kvmx
