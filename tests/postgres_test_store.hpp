#pragma once
// A PostgreSQL store for one test case: a schema of its own (search_path) in the server
// the CTest fixture `postgresql` started (scripts/test-servers start postgresql), whose
// state file RITME_TEST_POSTGRESQL names. Creating a schema costs a few milliseconds;
// nothing is dropped, the server goes with the run.

#include "engine/store/postgres_store.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace ritme::test {

// The server's URL, without a schema. Throws, naming why, when there is none: the
// message says "PostgreSQL is not installed" when the binaries are absent, which CTest
// reports as skipped.
const std::string& postgres_test_url();

// `postgres_test_url()` with an empty schema of its own as search_path.
std::string fresh_postgres_schema_url();

std::unique_ptr<PostgresStore> fresh_postgres_store();

// For TEST_CASE_TEMPLATE over the stores; cases named "…<PostgresFactory>" run in CTest's
// SUITE_postgresql entries.
struct PostgresFactory {
    static std::unique_ptr<Store> make() { return fresh_postgres_store(); }
};

}  // namespace ritme::test

TYPE_TO_STRING(ritme::test::PostgresFactory);
