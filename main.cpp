// The ritme binary: wires the engine to the real clock, the terminal, the built-in
// adapters and the stores.

#include "adapters/builtin_adapters.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/postgres_store.hpp"

#include <iostream>

int main(int argc, char** argv) {
    ritme::SystemClock clock;
    ritme::ChannelRegistry channels;
    ritme::register_builtin_adapters(channels);
    ritme::StoreRegistry stores;
    ritme::register_sqlite_store(stores);
    ritme::register_postgres_store(stores);
    ritme::CliContext context{std::cout, std::cerr, clock, &channels, &stores};
    return ritme::run_cli(std::vector<std::string>(argv + 1, argv + argc), context);
}
