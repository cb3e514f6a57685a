// placeholder until the tool lands
#include "cli/run.hpp"
#include <iostream>
int main() { return acikit::cli::run("aci-manifest", [] { std::cerr << "aci-manifest: not implemented yet\n"; return 3; }); }
