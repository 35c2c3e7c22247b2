#include "libreview/rules/shortlog/correction.h"

#include "libreview/core/text.h"
#include "libreview/rules/prose.h"

#include <algorithm>

namespace review {

bool is_identifier_like(std::string_view word)
{
    for (std::size_t i = 0; i < word.size(); ++i) {
        char c = word[i];
        if (c == '_' || c == '(' || c == '.' || c == '/' || c == '-' || c == '=' || c == '[' || c == '<' ||
            c == '`' || c == '\'' || c == '"' || text::is_digit(c))
            return true;
        if (i > 0 && text::is_upper(c))
            return true;
    }
    return false;
}

static bool looks_like_file(std::string_view seg)
{
    return seg.find(".c") != std::string_view::npos || seg.find(".h") != std::string_view::npos ||
           seg.substr(0, 5) == "arch/" || seg.substr(0, 5) == "virt/" || seg.substr(0, 4) == "kvm/";
}

std::string corrected_shortlog(PatchContext const& ctx)
{
    std::string const& title = ctx.patch.message.title;
    Shortlog s = split_shortlog(title);
    if (s.is_revert || s.is_merge)
        return title;
    Profile const& profile = ctx.topics.profile();
    std::vector<std::string> names = profile.topics;
    if (!profile.subsystem.empty())
        names.push_back(profile.subsystem);
    std::optional<std::string> suggested;
    bool all_subsystem = false;
    bool any_subsystem = false;
    if (ctx.patch.diff_known) {
        auto paths = ctx.patch.diff.paths();
        if (auto t = ctx.topics.suggest(paths); t && !t->empty())
            suggested = *t;
        all_subsystem = !paths.empty();
        for (auto const& p : paths) {
            bool kvm = ctx.topics.is_subsystem_path(p);
            all_subsystem = all_subsystem && kvm;
            any_subsystem = any_subsystem || kvm;
        }
    }

    // Prefixes: spelling, then the subsystem word, then the topic.
    std::vector<std::string> prefixes = s.prefixes;
    for (auto& seg : prefixes)
        for (auto const& name : names)
            if (seg != name && text::iequals(seg, name) &&
                std::find(names.begin(), names.end(), seg) == names.end())
                seg = name;
    std::string const& subsystem = profile.subsystem;
    if (!subsystem.empty()) {
        bool guest_prefix = !prefixes.empty() && text::iequals(prefixes[0], "x86/kvm");
        bool has_word = !prefixes.empty() && prefixes[0] == subsystem;
        if ((guest_prefix && any_subsystem) || (!has_word && !guest_prefix && all_subsystem)) {
            prefixes.clear();
            prefixes.push_back(subsystem);
            if (suggested)
                prefixes.push_back(*suggested);
        }
        if (!prefixes.empty() && prefixes[0] == subsystem) {
            if (prefixes.size() >= 2) {
                bool known = std::find(names.begin(), names.end(), prefixes[1]) != names.end();
                if ((!known || looks_like_file(prefixes[1])) && suggested)
                    prefixes[1] = *suggested;
            }
        }
    } else if (prefixes.empty() && suggested) {
        prefixes.push_back(*suggested);
    }

    // Description: capital first word, no ending punctuation, "()" on functions.
    std::string description = s.description;
    if (!description.empty() && text::is_lower(description[0])) {
        auto words = text::words(description);
        if (!words.empty() && !is_identifier_like(words[0]))
            description[0] = static_cast<char>(description[0] - 'a' + 'A');
    }
    while (!description.empty() && (description.back() == '.' || description.back() == ',' ||
                                    description.back() == ';' || description.back() == ':' ||
                                    description.back() == '!' || description.back() == ' '))
        description.pop_back();
    if (ctx.patch.diff_known) {
        auto functions = functions_in_diff(ctx.patch.diff);
        auto idents = prose::bare_identifiers(description);
        for (auto it = idents.rbegin(); it != idents.rend(); ++it)
            if (std::binary_search(functions.begin(), functions.end(), std::string(it->text)))
                description.insert(it->offset + it->text.size(), "()");
    }
    std::string out;
    for (auto const& p : prefixes)
        out += p + ": ";
    return out + description;
}

} // namespace review
