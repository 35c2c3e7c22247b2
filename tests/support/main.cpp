#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "libreview/git/repository.h"

int main(int argc, char** argv)
{
    review::git::Library git;
    return Catch::Session().run(argc, argv);
}
