#pragma once
// Shared test support: paths into the source tree, temp directories, and
// running the kvmx binary.

#include <filesystem>
#include <string>
#include <vector>

namespace testsupport {

std::filesystem::path source_dir();
std::filesystem::path fixtures_dir();

// A temporary directory removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;
    std::filesystem::path const& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
};

// Run kvmx with `args` (no shell), capturing stdout and stderr.
RunResult run_kvmx(std::vector<std::string> const& args, std::filesystem::path const& cwd = {},
                   std::filesystem::path const& stdin_file = {});

void write_file(std::filesystem::path const&, std::string const&);

// `in` gzipped, as lore serves t.mbox.gz and POSTed queries.
std::string gzip(std::string const& in);
std::string read_file(std::filesystem::path const&);

} // namespace testsupport
