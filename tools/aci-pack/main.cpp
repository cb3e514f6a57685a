// placeholder until the tool lands
#include "cli/run.hpp"
#include <iostream>
int main() { return acikit::cli::run("aci-pack", [] { std::cerr << "aci-pack: not implemented yet\n"; return 3; }); }
