#include "libreview/patch/message.h"

#include "libreview/core/text.h"

#include <optional>

namespace review::patch {

bool Trailer::is(std::string_view name) const { return text::iequals(key, name); }

std::vector<Trailer const*> Message::trailers_named(std::string_view key) const
{
    std::vector<Trailer const*> out;
    for (auto const& t : trailers)
        if (t.is(key))
            out.push_back(&t);
    return out;
}

std::string Message::body_text() const
{
    std::string out;
    for (auto const& line : body) {
        out += line.text;
        out += '\n';
    }
    return out;
}

bool Message::has_body() const
{
    for (auto const& line : body)
        if (!text::trim(line.text).empty())
            return true;
    return false;
}

bool looks_like_trailer(std::string_view line)
{
    std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 40)
        return false;
    for (std::size_t i = 0; i < colon; ++i) {
        char c = line[i];
        if (!(text::is_alpha(c) || text::is_digit(c) || c == '-'))
            return false;
    }
    // "Key:" must be followed by a space and a value (URLs "http:" have none).
    return colon + 1 < line.size() && line[colon + 1] == ' ' && !text::trim(line.substr(colon + 1)).empty();
}

static bool is_trailer_note(std::string_view line)
{
    auto t = text::trim(line);
    return t.size() >= 2 && t.front() == '[' && t.back() == ']';
}

// A tag with nothing after the colon ("Acked-by:" left behind by an editor,
// as in kvm-unit-tests 78a4eaa43cce): a trailer line, with an empty value.
static bool is_empty_tag(std::string_view line)
{
    auto t = text::trim_right(line);
    if (t.size() < 4 || t.back() != ':')
        return false;
    std::string_view key = t.substr(0, t.size() - 1);
    if (key.size() > 40 || !(key.ends_with("-by") || key == "Cc" || key == "Link" || key == "Fixes"))
        return false;
    for (char c : key)
        if (!(text::is_alpha(c) || text::is_digit(c) || c == '-'))
            return false;
    return true;
}

static bool is_tag_line(std::string_view line) { return looks_like_trailer(line) || is_empty_tag(line); }

// Maintainers' notes in brackets may span lines:
//   [jmattson:
//     - Added command-line parameter to conditionally run the new tests.
//   ]
// (kvm-unit-tests 20cf91472daa), or never close at all ("[Fix conflicts
// with ... - Paolo", b006d7eb9c64). Mark every line such a note covers.
static std::vector<bool> bracket_note_lines(std::vector<Line> const& lines)
{
    constexpr std::size_t max_note_lines = 12;
    std::vector<bool> note(lines.size(), false);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view t = text::trim(lines[i].text);
        if (t.empty() || t.front() != '[')
            continue;
        note[i] = true;
        if (t.back() == ']')
            continue;
        for (std::size_t k = i + 1; k < lines.size() && k <= i + max_note_lines; ++k) {
            std::string_view u = text::trim(lines[k].text);
            if (u.empty() || is_tag_line(lines[k].text))
                break;
            if (u.back() == ']') {
                for (std::size_t j = i; j <= k; ++j)
                    note[j] = true;
                i = k;
                break;
            }
        }
    }
    return note;
}

// git's "Conflicts:" list, which `git commit` once appended below the
// trailers of a cherry-pick or merge (kvm-unit-tests b006d7eb9c64): the
// "Conflicts:" line, then blank lines and indented paths to the end.
static std::size_t conflicts_start(std::vector<Line> const& lines)
{
    for (std::size_t i = lines.size(); i > 0; --i) {
        std::string_view t = text::trim_right(lines[i - 1].text);
        if (t == "Conflicts:")
            return i - 1;
        if (!t.empty() && t[0] != '\t' && t[0] != ' ')
            break;
    }
    return lines.size();
}

static Trailer make_trailer(Line const& line)
{
    Trailer t;
    std::string_view s = line.text;
    std::size_t colon = s.find(':');
    t.key = std::string(s.substr(0, colon));
    std::string_view value = text::trim(s.substr(colon + 1));
    // A "#" inside a quoted title ('Fixes: 414bd9d5ebd7 ("x86: nVMX: Basic
    // test of #DB intercept in L1")', kvm-unit-tests dbcb11d7f580) is part
    // of the title: comments start after the closing quote.
    std::size_t from = 1;
    if (std::size_t open = value.find("(\""); open != std::string_view::npos)
        if (std::size_t close = value.rfind("\")"); close != std::string_view::npos && close > open)
            from = close + 2;
    std::size_t hash = std::string_view::npos;
    for (std::size_t k = from; k < value.size(); ++k)
        if (value[k] == '#' && (value[k - 1] == ' ' || value[k - 1] == '\t')) {
            hash = k - 1;
            break;
        }
    if (hash != std::string_view::npos) {
        t.comment = std::string(text::trim(value.substr(hash + 2)));
        value = text::trim(value.substr(0, hash));
    }
    t.value = std::string(value);
    t.raw = line.text;
    t.line = line.number;
    return t;
}

// A trailer whose value cites a commit, `<hex> ("<title>`, with the closing
// `")` missing from the line: the start of a title a mail client wrapped.
static bool opens_wrapped_citation(std::string_view line)
{
    if (!looks_like_trailer(line))
        return false;
    std::string_view value = text::trim(line.substr(line.find(':') + 1));
    std::size_t i = 0;
    while (i < value.size() && text::is_hex(value.substr(i, 1)))
        ++i;
    if (i < 4 || value.substr(i, 3) != " (\"")
        return false;
    return value.find("\")", i + 3) == std::string_view::npos;
}

// Mail clients wrap a long title onto lines that are not indented:
//   Fixes: 0123456789ab ("KVM: x86: A title long enough that it got
//   wrapped")
// Given the index of a line that ends such a title with `")`, return the index
// of the trailer line that opened it, looking no higher than `first`. Only a
// few lines are looked at: a wrapped title takes one or two.
constexpr std::size_t max_wrapped_citation_lines = 3;

static std::optional<std::size_t> wrapped_citation_opener(std::vector<Line> const& lines, std::size_t last,
                                                          std::size_t first)
{
    std::string_view tail = text::trim_right(lines[last].text);
    if (tail.size() < 2 || tail[0] == ' ' || tail[0] == '\t' || tail.substr(tail.size() - 2) != "\")")
        return std::nullopt;
    for (std::size_t k = 1; k <= max_wrapped_citation_lines && last >= first + k; ++k) {
        std::string_view s = lines[last - k].text;
        if (opens_wrapped_citation(s))
            return last - k;
        // A line between the opener and the tail continues the title too.
        if (text::trim(s).empty() || s[0] == ' ' || s[0] == '\t' || looks_like_trailer(s) ||
            s.find("\")") != std::string_view::npos)
            break;
    }
    return std::nullopt;
}

void parse_body(Message& message, std::vector<Line> lines)
{
    // Split off the notes below "---".
    std::vector<Line> above;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (text::trim_right(lines[i].text) == "---") {
            message.has_notes_separator = true;
            message.notes.assign(lines.begin() + static_cast<long>(i) + 1, lines.end());
            break;
        }
        above.push_back(std::move(lines[i]));
    }
    while (!above.empty() && text::trim(above.back().text).empty())
        above.pop_back();
    while (!above.empty() && text::trim(above.front().text).empty())
        above.erase(above.begin());
    std::vector<Line> conflicts;
    if (std::size_t c = conflicts_start(above); c < above.size() && c > 0) {
        conflicts.assign(above.begin() + static_cast<long>(c), above.end());
        above.resize(c);
        while (!above.empty() && text::trim(above.back().text).empty())
            above.pop_back();
    }
    std::vector<bool> bracketed = bracket_note_lines(above);

    // The trailer block is the longest run of trailer-like lines at the end of
    // the last paragraph: "Key: value", indented continuations, "[ notes ]"
    // and "#" comments.
    std::size_t para_start = above.size();
    while (para_start > 0 && !text::trim(above[para_start - 1].text).empty())
        --para_start;
    std::size_t start = above.size();
    bool any_key = false;
    std::vector<bool> wrapped(above.size(), false); // lines that continue a wrapped citation
    for (std::size_t i = above.size(); i > para_start; --i) {
        std::string_view s = above[i - 1].text;
        bool ok = is_tag_line(s) || is_trailer_note(s) || bracketed[i - 1] || (!s.empty() && s[0] == '#') ||
                  (!s.empty() && (s[0] == ' ' || s[0] == '\t') && i - 1 > para_start);
        if (!ok) {
            auto opener = wrapped_citation_opener(above, i - 1, para_start);
            if (!opener)
                break;
            for (std::size_t k = *opener + 1; k < i; ++k)
                wrapped[k] = true;
            any_key = true;
            start = *opener;
            i = *opener + 1; // the loop's --i moves on to the line above the opener
            continue;
        }
        if (is_tag_line(s))
            any_key = true;
        start = i - 1;
    }
    // A blank line inside the block (kvm-unit-tests 7414b433d6eb: the
    // author's sign-off, a blank line, then the maintainer's tags): a
    // paragraph of sign-offs and tags only, right above, belongs to it.
    if (any_key && start == para_start)
        for (;;) {
            std::size_t end = start;
            while (end > 0 && text::trim(above[end - 1].text).empty())
                --end;
            std::size_t first = end;
            while (first > 0 && !text::trim(above[first - 1].text).empty() &&
                   (is_tag_line(above[first - 1].text) || bracketed[first - 1]))
                --first;
            bool whole = first < end && (first == 0 || text::trim(above[first - 1].text).empty());
            bool signs = false;
            for (std::size_t k = first; k < end; ++k)
                signs = signs || text::istarts_with(above[k].text, "Signed-off-by:");
            if (!whole || !signs)
                break;
            start = first;
            para_start = first;
            if (first == 0)
                break;
        }
    // A continuation line cannot open the block.
    while (start < above.size() && !above[start].text.empty() &&
           (above[start].text[0] == ' ' || above[start].text[0] == '\t'))
        ++start;
    if (!any_key)
        start = above.size();
    // A block that does not fill its paragraph must carry a sign-off, so that a
    // prose line ending in "Note: foo" is not taken for a trailer.
    if (start > para_start && start < above.size()) {
        bool signoff = false;
        for (std::size_t i = start; i < above.size(); ++i)
            if (text::istarts_with(above[i].text, "Signed-off-by:"))
                signoff = true;
        if (!signoff)
            start = above.size();
    }

    for (std::size_t i = start; i < above.size(); ++i) {
        Line const& line = above[i];
        std::string_view s = line.text;
        bool indented = !s.empty() && (s[0] == ' ' || s[0] == '\t');
        if (text::trim(s).empty())
            continue; // the blank line inside a merged block
        if (bracketed[i]) {
            message.trailer_notes.push_back(line);
        } else if ((wrapped[i] || indented) && !message.trailers.empty()) {
            // An indented line, or the rest of a wrapped citation (whose opener
            // is a trailer above), continues the trailer above.
            Trailer& last = message.trailers.back();
            last.value += " ";
            last.value += std::string(text::trim(s));
            last.raw += "\n" + line.text;
            last.continued = true;
        } else if (is_tag_line(s)) {
            message.trailers.push_back(make_trailer(line));
        } else {
            message.trailer_notes.push_back(line);
        }
    }
    message.trailer_notes.insert(message.trailer_notes.end(), conflicts.begin(), conflicts.end());
    above.resize(start);
    while (!above.empty() && text::trim(above.back().text).empty())
        above.pop_back();
    message.body = std::move(above);
}

Message parse_message(std::string_view input, int first_line)
{
    Message message;
    auto raw = text::split_lines(input);
    std::size_t i = 0;
    // Skip leading blank lines; the title is the first paragraph, unfolded.
    while (i < raw.size() && text::trim(raw[i]).empty())
        ++i;
    message.title_line = first_line + static_cast<int>(i);
    std::string title;
    while (i < raw.size() && !text::trim(raw[i]).empty()) {
        if (!title.empty())
            title += ' ';
        title += std::string(text::trim(raw[i]));
        ++i;
    }
    message.title = std::move(title);
    std::vector<Line> lines;
    for (; i < raw.size(); ++i)
        lines.push_back(Line{std::string(raw[i]), first_line + static_cast<int>(i)});
    parse_body(message, std::move(lines));
    return message;
}

std::string strip_subject_tags(std::string_view subject, std::string* tags)
{
    std::string_view s = text::trim(subject);
    std::string collected;
    for (;;) {
        if (text::istarts_with(s, "Re:") || text::istarts_with(s, "Fwd:")) {
            s = text::trim_left(s.substr(s.find(':') + 1));
            continue;
        }
        if (!s.empty() && s.front() == '[') {
            std::size_t close = s.find(']');
            if (close == std::string_view::npos)
                break;
            if (!collected.empty())
                collected += ' ';
            collected += std::string(text::trim(s.substr(1, close - 1)));
            s = text::trim_left(s.substr(close + 1));
            continue;
        }
        break;
    }
    if (tags)
        *tags = collected;
    return std::string(s);
}

} // namespace review::patch
