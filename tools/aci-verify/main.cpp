// placeholder until the tool lands
#include "cli/run.hpp"
#include <iostream>
int main() { return acikit::cli::run("aci-verify", [] { std::cerr << "aci-verify: not implemented yet\n"; return 3; }); }
