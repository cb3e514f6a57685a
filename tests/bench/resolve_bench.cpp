// Driver for scripts/bench-resolve and the real-archive check: loads Packages
// files (any compression decompress_index reads), resolves the roots and
// prints the closure, one "NAME VERSION ARCH" line each (or the explanation).
//
//   resolve_bench [--arch A] [--with-recommends] [--explain] [--exclude NAME]...
//                 [--pin PIN]... [--repeat N] FILE[=SUITE]... -- ROOT...
//
// Times (load = read + decompress + parse, resolve) go to stderr.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "repo/decompress.hpp"
#include "repo/packages.hpp"
#include "repo/resolver.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

using namespace acikit;

int main(int argc, char** argv)
{
  try {
    repo::ResolveOptions options;
    bool explain = false;
    int repeat = 1;
    std::vector<std::string> files;
    std::vector<repo::Request> roots;
    bool in_roots = false;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) {
          throw_usage(a + ": needs a value");
        }
        return argv[++i];
      };
      if (in_roots) {
        roots.push_back(repo::Request::parse(a));
      } else if (a == "--") {
        in_roots = true;
      } else if (a == "--arch") {
        options.arch = next();
      } else if (a == "--with-recommends") {
        options.with_recommends = true;
      } else if (a == "--explain") {
        explain = true;
      } else if (a == "--exclude") {
        options.excludes.push_back(next());
      } else if (a == "--pin") {
        options.pins.push_back(repo::Pin::parse(next()));
      } else if (a == "--repeat") {
        repeat = std::stoi(next());
      } else {
        files.push_back(a);
      }
    }
    using clock = std::chrono::steady_clock;
    const auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    repo::Resolution result;
    double load_ms = 0;
    double resolve_ms = 0;
    for (int round = 0; round < repeat; ++round) {
      const auto t0 = clock::now();
      repo::PackageIndex index;
      options.suites.clear();
      for (std::size_t s = 0; s < files.size(); ++s) {
        std::string path = files[s];
        std::string suite;
        if (auto eq = path.rfind('='); eq != std::string::npos) {
          suite = path.substr(eq + 1);
          path = path.substr(0, eq);
        }
        options.suites.push_back(suite);
        index.add(repo::decompress_index(util::read_file(path), path), path, s);
      }
      const auto t1 = clock::now();
      result = repo::resolve(index, options, roots);
      const auto t2 = clock::now();
      load_ms += ms(t1 - t0);
      resolve_ms += ms(t2 - t1);
      if (round + 1 == repeat) {
        if (explain) {
          std::cout << result.explain();
        } else {
          for (const auto& p : result.packages) {
            std::cout << p.package->name << " " << p.package->version << " " << p.package->architecture << "\n";
          }
        }
      }
    }
    std::fprintf(stderr, "packages %zu load_ms %.1f resolve_ms %.2f total_ms %.1f\n", result.packages.size(),
                 load_ms / repeat, resolve_ms / repeat, (load_ms + resolve_ms) / repeat);
    return 0;
  } catch (const Error& e) {
    std::cerr << "resolve_bench: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
}
