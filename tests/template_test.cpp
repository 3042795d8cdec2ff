// The Mustache template wrapper (engine/base/template): plain text unless told to
// escape, parse errors with kainjow's offset, one template rendered from many threads.

#include "engine/base/template.hpp"

#include <doctest/doctest.h>
#include <kainjow/mustache.hpp>  // the values are kainjow's

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace ritme;

namespace {

std::string bracketed(const std::string& value) { return "[" + value + "]"; }

TemplateData values(const std::string& name) {
    TemplateData data{TemplateData::type::object};
    data.set("name", name);
    return data;
}

}  // namespace

TEST_SUITE_BEGIN("template");

TEST_CASE("values are plain text unless an escape is given; {{{value}}} is never escaped") {
    const MustacheTemplate plain("Hallo {{name}}!");
    REQUIRE(plain.is_valid());
    CHECK(plain.render(values("Anna & <Bo>")) == "Hallo Anna & <Bo>!");
    const MustacheTemplate escaped("{{name}} {{{name}}}", bracketed);
    CHECK(escaped.render(values("x")) == "[x] x");
}

TEST_CASE("a template that does not parse says why and where") {
    const MustacheTemplate broken("Hallo {{#name}}");
    CHECK_FALSE(broken.is_valid());
    CHECK(broken.error_message().find("Unclosed section") != std::string::npos);
    CHECK(broken.render(values("Anna")).empty());
}

TEST_CASE("one template renders the right text from several threads at once") {
    const MustacheTemplate greeting("{{#name}}Hallo {{name}}, tot dinsdag.{{/name}}");
    std::atomic<int> wrong{0};
    std::vector<std::thread> workers;
    for (int worker = 0; worker < 4; ++worker)
        workers.emplace_back([&, worker] {
            const std::string name = "deelnemer " + std::to_string(worker);
            const TemplateData data = values(name);
            for (int i = 0; i < 500; ++i)
                if (greeting.render(data) != "Hallo " + name + ", tot dinsdag.") ++wrong;
        });
    for (auto& worker : workers) worker.join();
    CHECK(wrong == 0);
}

TEST_SUITE_END();
