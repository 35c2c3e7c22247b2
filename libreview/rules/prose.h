#pragma once
// Prose scanning shared by changelog and comment rules: which lines are prose,
// word tokens, pronouns, SDM/APM numbers, imperative verbs, C identifiers.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace review::prose {

struct Word {
    std::string_view text;
    std::size_t offset = 0;
};

// Prose, not a quote ("> "), an indented code or log line, a URL, a splat
// or a "Key: value" line.
bool is_prose_line(std::string_view);
// A line with a URL in it.
bool has_url(std::string_view);

// Alphanumeric tokens ([A-Za-z0-9_'] runs) outside "double quotes" and `backticks`.
std::vector<Word> tokens(std::string_view line);

// The first first-person or second-person pronoun in prose text.
std::optional<std::string> find_pronoun(std::string_view line);

// An SDM/APM section, table or figure number ("SDM 26.3.1.1", "Table 24-6").
std::optional<std::string> find_manual_number(std::string_view line, bool require_manual_name);

bool is_imperative_verb(std::string_view word);

// C identifiers with an underscore and no "()" after them: "kvm_foo_bar".
std::vector<Word> bare_identifiers(std::string_view line);

} // namespace review::prose
