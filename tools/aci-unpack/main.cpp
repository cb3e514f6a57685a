// placeholder until the tool lands
#include "cli/run.hpp"
#include <iostream>
int main() { return acikit::cli::run("aci-unpack", [] { std::cerr << "aci-unpack: not implemented yet\n"; return 3; }); }
