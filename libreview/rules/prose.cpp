#include "libreview/rules/prose.h"

#include "libreview/core/text.h"

#include <algorithm>
#include <array>

namespace review::prose {

bool has_url(std::string_view line)
{
    return line.find("://") != std::string_view::npos || line.find("www.") != std::string_view::npos;
}

bool is_prose_line(std::string_view line)
{
    if (line.empty())
        return false;
    if (line[0] == '>' || line[0] == '\t' || line[0] == '|')
        return false;
    if (line.size() >= 2 && line[0] == ' ' && line[1] == ' ')
        return false;
    std::string_view t = text::trim(line);
    if (t.empty() || t[0] == '[' || t[0] == '#' || t[0] == '$' || t[0] == '{' || t[0] == '}')
        return false;
    if (t.find(" | ") != std::string_view::npos) // diffstat
        return false;
    // Test and kernel log output pasted flush left: "SKIP: test_foo : ...",
    // "FAIL: ...", "WARNING: ..." (kvm-unit-tests 88b1f6cf23df).
    std::size_t colon = t.find(": ");
    if (colon != std::string_view::npos && colon >= 3 && colon <= 8 &&
        std::all_of(t.begin(), t.begin() + static_cast<long>(colon), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return false;
    return true;
}

static bool is_token_char(char c) { return text::is_ident_char(c) || c == '\''; }

std::vector<Word> tokens(std::string_view line)
{
    std::vector<Word> out;
    bool in_quote = false;
    bool in_tick = false;
    std::size_t i = 0;
    while (i < line.size()) {
        char c = line[i];
        if (c == '"') {
            in_quote = !in_quote;
            ++i;
            continue;
        }
        if (c == '`') {
            in_tick = !in_tick;
            ++i;
            continue;
        }
        if (!is_token_char(c) || c == '\'') {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < line.size() && is_token_char(line[i]))
            ++i;
        std::string_view w = line.substr(start, i - start);
        while (!w.empty() && w.back() == '\'')
            w.remove_suffix(1);
        if (!in_quote && !in_tick && !w.empty())
            out.push_back({w, start});
    }
    return out;
}

std::optional<std::string> find_pronoun(std::string_view line)
{
    static constexpr std::array<std::string_view, 22> lower_forms = {
        "we", "we're", "we've", "we'd", "we'll", "us", "our", "ours", "ourselves", "my", "mine",
        "you", "you're", "you've", "you'd", "you'll", "your", "yours", "yourself", "me", "myself", "let's"};
    static constexpr std::array<std::string_view, 5> i_forms = {"I", "I'm", "I've", "I'd", "I'll"};
    auto words = tokens(line);
    for (std::size_t k = 0; k < words.size(); ++k) {
        std::string_view w = words[k].text;
        std::size_t at = words[k].offset;
        char before = at > 0 ? line[at - 1] : ' ';
        char after = at + w.size() < line.size() ? line[at + w.size()] : ' ';
        // "I/O", "R/W", "-I", "x86_64/us": not words of prose.
        if (before == '/' || after == '/' || before == '-' || after == '-' || before == '.' || before == '_' ||
            before == '%' || before == '$' || (before == '(' && after == ')'))
            continue;
        // "I.e." (Sean's changelogs, 42adf7929eda upstream) and "I." as a
        // numeral are abbreviations, not the pronoun.
        if (w == "I" && after == '.')
            continue;
        if (std::find(i_forms.begin(), i_forms.end(), w) != i_forms.end())
            return std::string(w);
        // All-caps "US", "OUR", "MY" are acronyms or shouting, not pronouns.
        bool all_caps = std::all_of(w.begin(), w.end(), [](char c) { return !text::is_lower(c); });
        if (all_caps)
            continue;
        std::string lower = text::to_lower(w);
        if (std::find(lower_forms.begin(), lower_forms.end(), lower) == lower_forms.end())
            continue;
        // "10 us" is microseconds.
        if (lower == "us" && k > 0 && text::is_digit(words[k - 1].text.back()))
            continue;
        // Only lowercase or Capitalized forms are pronouns ("My" yes, "mY" no).
        if (w.size() > 1 && std::any_of(w.begin() + 1, w.end(), [](char c) { return text::is_upper(c); }))
            continue;
        return std::string(w);
    }
    return std::nullopt;
}

static bool number_pattern_at(std::string_view s, std::size_t i, std::size_t& end)
{
    // digits [A-Z]? ( [.-] digits )+ : "26.3.1.1", "24-6", "3A"
    std::size_t j = i;
    while (j < s.size() && text::is_digit(s[j]))
        ++j;
    if (j == i)
        return false;
    int groups = 0;
    while (j + 1 < s.size() && (s[j] == '.' || s[j] == '-') && text::is_digit(s[j + 1])) {
        ++j;
        while (j < s.size() && text::is_digit(s[j]))
            ++j;
        ++groups;
    }
    end = j;
    return groups >= 1;
}

std::optional<std::string> find_manual_number(std::string_view line, bool require_manual_name)
{
    static constexpr std::array<std::string_view, 7> keys = {"sdm", "apm", "section", "table", "figure",
                                                             "chapter", "vol"};
    bool names_manual = text::icontains(line, "SDM") || text::icontains(line, "APM") ||
                        text::icontains(line, "Intel") || text::icontains(line, "AMD") ||
                        text::icontains(line, "manual");
    if (require_manual_name && !names_manual)
        return std::nullopt;
    auto words = tokens(line);
    for (std::size_t k = 0; k < words.size(); ++k) {
        std::string lower = text::to_lower(words[k].text);
        if (std::find(keys.begin(), keys.end(), lower) == keys.end() && lower != "sections" && lower != "tables")
            continue;
        // The number follows within a few characters: "Table 24-6", "SDM, 26.3".
        std::size_t start = words[k].offset + words[k].text.size();
        std::size_t limit = std::min(line.size(), start + 12);
        for (std::size_t i = start; i < limit; ++i) {
            if (!text::is_digit(line[i]))
                continue;
            std::size_t end = 0;
            if (number_pattern_at(line, i, end))
                return std::string(line.substr(words[k].offset, end - words[k].offset));
            break;
        }
    }
    return std::nullopt;
}

bool is_imperative_verb(std::string_view word)
{
    static constexpr std::string_view verbs[] = {
        "Add", "Adjust", "Advertise", "Allow", "Always", "Annotate", "Apply", "Assert", "Avoid", "Bail",
        "Block", "Bump", "Cache", "Call", "Check", "Clarify", "Clean", "Clear", "Collapse", "Combine",
        "Consolidate", "Convert", "Copy", "Create", "Declare", "Defer", "Define", "Delay", "Delete", "Deny",
        "Deprecate", "Detect", "Disable", "Disallow", "Do", "Document", "Don't", "Drop", "Dump", "Emulate",
        "Enable", "Enforce", "Ensure", "Enumerate", "Explicitly", "Export", "Expose", "Extend", "Extract",
        "Factor", "Fix", "Flush", "Fold", "Force", "Free", "Gate", "Get", "Grab", "Guard", "Handle", "Hide",
        "Hoist", "Honor", "Ignore", "Implement", "Include", "Initialize", "Inject", "Inline", "Introduce",
        "Invalidate", "Invoke", "Keep", "Let", "Limit", "Load", "Lock", "Make", "Mark", "Mask", "Merge",
        "Move", "Never", "Only", "Open", "Opportunistically", "Pass", "Plumb", "Prevent", "Print", "Process",
        "Propagate", "Protect", "Provide", "Query", "Read", "Rebuild", "Record", "Refactor", "Refresh",
        "Reject", "Remove", "Rename", "Reorder", "Replace", "Report", "Require", "Reset", "Restore",
        "Restrict", "Retry", "Return", "Reuse", "Revert", "Rework", "Run", "Save", "Set", "Simplify", "Skip"};
    static constexpr std::string_view more[] = {
        "Snapshot", "Sort", "Split", "Squash", "Start", "Stop", "Store", "Stuff", "Support", "Suppress",
        "Swap", "Switch", "Sync", "Take", "Teach", "Test", "Track", "Treat", "Trigger", "Truncate", "Tweak",
        "Unconditionally", "Unexport", "Unify", "Update", "Use", "Validate", "Verify", "Wait", "Walk",
        "Warn", "Wire", "Wrap", "Write", "Zap", "Zero"};
    std::string capitalized(word);
    if (!capitalized.empty() && text::is_lower(capitalized[0]))
        capitalized[0] = static_cast<char>(capitalized[0] - 'a' + 'A');
    return std::find(std::begin(verbs), std::end(verbs), capitalized) != std::end(verbs) ||
           std::find(std::begin(more), std::end(more), capitalized) != std::end(more);
}

std::vector<Word> bare_identifiers(std::string_view line)
{
    std::vector<Word> out;
    std::size_t i = 0;
    bool quoted = false;
    while (i < line.size()) {
        if (line[i] == '"') {
            quoted = !quoted;
            ++i;
            continue;
        }
        if (quoted || !(text::is_alpha(line[i]) || line[i] == '_')) {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < line.size() && text::is_ident_char(line[i]))
            ++i;
        std::string_view w = line.substr(start, i - start);
        bool preceded = start > 0 && (line[start - 1] == '-' || line[start - 1] == '.' || line[start - 1] == '/' ||
                                      line[start - 1] == '>' || line[start - 1] == '$' || line[start - 1] == '%');
        bool followed_by_paren = i < line.size() && line[i] == '(';
        bool followed_by_path = i < line.size() && (line[i] == '/' || (line[i] == '.' && i + 1 < line.size() &&
                                                                       text::is_alpha(line[i + 1])));
        // 'ip_after_iret' and `foo_bar` name labels, options and strings
        // (kvm-unit-tests 31e92cadaecc); MSR_PEBS_DATA_CFG is a register or
        // a constant, not a function (2cb2af7f53db).
        bool single_quoted = start > 0 && (line[start - 1] == '\'' || line[start - 1] == '`') && i < line.size() &&
                             (line[i] == '\'' || line[i] == '`');
        bool upper = std::none_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (!preceded && !followed_by_paren && !followed_by_path && !single_quoted && !upper &&
            w.find('_') != std::string_view::npos && w.front() != '_' && w.back() != '_')
            out.push_back({w, start});
    }
    return out;
}

} // namespace review::prose
