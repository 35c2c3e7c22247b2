// Checked YAML node reads: every error names the file and the node's line, in
// the words the profile and gate configuration errors have always used.

#include "libreview/core/yaml_node.h"
#include "libreview/rules/profile.h"

#include <catch2/catch.hpp>

using namespace review;

TEST_CASE("yaml string_list reports the entry at fault with its line", "[yaml]")
{
    auto root = YAML::Load("a: [x, y]\nb: x\nc:\n  - x\n  - [y]\n");
    auto a = yaml::string_list("f.yaml", root["a"], "a");
    REQUIRE(a);
    CHECK(*a == std::vector<std::string>{"x", "y"});
    auto b = yaml::string_list("f.yaml", root["b"], "b");
    REQUIRE(!b);
    CHECK(b.error().describe() == "f.yaml:2: b must be a list");
    auto c = yaml::string_list("f.yaml", root["c"], "c");
    REQUIRE(!c);
    CHECK(c.error().describe() == "f.yaml:5: c entries must be strings");
}

TEST_CASE("yaml check_keys suggests the closest known key", "[yaml]")
{
    std::vector<std::string> const keys = {"name", "commands"};
    auto root = YAML::Load("ok: {name: a}\ntypo:\n  name: a\n  comands: b\nlist: [a]\n");
    CHECK(yaml::check_keys("f.yaml", root["ok"], keys, "build"));
    auto typo = yaml::check_keys("f.yaml", root["typo"], keys, "build");
    REQUIRE(!typo);
    CHECK(typo.error().describe() == "f.yaml:4: unknown build key 'comands'; did you mean 'commands'?");
    auto list = yaml::check_keys("f.yaml", root["list"], keys, "build");
    REQUIRE(!list);
    CHECK(list.error().describe() == "f.yaml:5: build must be a mapping");
}

TEST_CASE("profile errors keep their file:line and wording", "[yaml][profile]")
{
    ProfileLoadOptions opts;
    auto key = parse_profile("profile: p\ntopcs: [x86]\n", "p.yaml", opts);
    REQUIRE(!key);
    CHECK(key.error().describe() == "p.yaml:2: unknown profile key 'topcs'; did you mean 'topics'?");
    auto list = parse_profile("topics:\n  - x86\n  - [mmu]\n", "p.yaml", opts);
    REQUIRE(!list);
    CHECK(list.error().describe() == "p.yaml:3: topics entries must be strings");
    auto malformed = parse_profile("topics: [x86\n", "p.yaml", opts);
    REQUIRE(!malformed);
    CHECK(malformed.error().message.rfind("malformed YAML: ", 0) == 0);
    CHECK(malformed.error().file == "p.yaml");
    CHECK(malformed.error().line > 0);
}
