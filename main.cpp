// The ritme binary: wires the engine to the real clock and the terminal.

#include "engine/cli/cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
    ritme::SystemClock clock;
    ritme::CliContext context{std::cout, std::cerr, clock};
    return ritme::run_cli(std::vector<std::string>(argv + 1, argv + argc), context);
}
