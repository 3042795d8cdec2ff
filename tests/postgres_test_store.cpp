#include "postgres_test_store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace ritme::test {

const std::string& postgres_test_url() {
    static const std::string url = [] {
        const char* state_path = std::getenv("RITME_TEST_POSTGRESQL");
        if (!state_path || !*state_path)
            throw std::runtime_error(
                "RITME_TEST_POSTGRESQL is not set: run these cases through ctest, whose fixture starts PostgreSQL, "
                "or start one with scripts/test-servers start postgresql DIR and set it to DIR/postgresql.json");
        std::ifstream in(state_path);
        if (!in) throw std::runtime_error(std::string("no PostgreSQL test server: cannot read ") + state_path);
        const auto state = nlohmann::json::parse(in);
        if (state.contains("absent")) throw std::runtime_error("skipped: " + state["absent"].get<std::string>());
        return state.at("url").get<std::string>();
    }();
    return url;
}

std::string fresh_postgres_schema_url() {
    static pqxx::connection admin(postgres_test_url());
    // Unique in the server whatever ran before: a pid may come again.
    static const std::string run = std::to_string(::getpid()) + "_" + std::to_string(std::random_device()() % 1000000);
    static int counter = 0;
    const std::string schema = "test_" + run + "_" + std::to_string(++counter);
    pqxx::nontransaction(admin).exec("CREATE SCHEMA " + schema);
    return postgres_test_url() + "&options=-csearch_path%3D" + schema;
}

std::unique_ptr<PostgresStore> fresh_postgres_store() { return PostgresStore::open({fresh_postgres_schema_url(), ""}); }

}  // namespace ritme::test
