// placeholder until the tool lands
#include "cli/run.hpp"
#include <iostream>
int main() { return acikit::cli::run("aci-fetch", [] { std::cerr << "aci-fetch: not implemented yet\n"; return 3; }); }
