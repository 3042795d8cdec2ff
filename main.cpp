// The ritme binary: wires the engine to the real clock, the terminal and the built-in
// adapters.

#include "adapters/builtin_adapters.hpp"
#include "engine/cli/cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
    ritme::SystemClock clock;
    ritme::ChannelRegistry channels;
    ritme::register_builtin_adapters(channels);
    ritme::CliContext context{std::cout, std::cerr, clock, &channels};
    return ritme::run_cli(std::vector<std::string>(argv + 1, argv + argc), context);
}
