// Files compiled into the library, looked up by name.

#include "libreview/core/embedded_file.h"
#include "libreview/gate/config.h"
#include "libreview/rules/profile.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

using namespace review;

TEST_CASE("embedded files are found by exact name only", "[embedded]")
{
    static EmbeddedFile const files[] = {{"a", "text a"}, {"b-c", "text b"}};
    CHECK(embedded_file_names(files) == std::vector<std::string>{"a", "b-c"});
    REQUIRE(embedded_file_text(files, "b-c"));
    CHECK(std::strcmp(embedded_file_text(files, "b-c"), "text b") == 0);
    CHECK(embedded_file_text(files, "b") == nullptr);
    CHECK(embedded_file_text({}, "a") == nullptr);
}

TEST_CASE("builtin profiles and gate configurations are embedded", "[embedded]")
{
    auto profiles = builtin_profile_names();
    CHECK(std::find(profiles.begin(), profiles.end(), "kvm-x86") != profiles.end());
    REQUIRE(builtin_profile_text("kvm-x86"));
    CHECK(std::string(builtin_profile_text("kvm-x86")).find("profile:") != std::string::npos);
    auto gates = gate::builtin_config_names();
    CHECK(std::find(gates.begin(), gates.end(), "kernel-example") != gates.end());
    CHECK(gate::builtin_config_text("xenvmm"));
    // The kvm-x86 gate configuration and the kvm-x86 rule profile share a
    // name, not a table.
    REQUIRE(gate::builtin_config_text("kvm-x86"));
    CHECK(std::string(gate::builtin_config_text("kvm-x86")).find("gate: kvm-x86") != std::string::npos);
    CHECK(std::string(gate::builtin_config_text("kvm-x86")) != builtin_profile_text("kvm-x86"));
}
