#pragma once
// A Mustache template (kainjow's mustache.hpp), parsed once and rendered from any
// thread: kainjow's render is not const (it may note an error in the template object),
// so each template renders under its own lock.
//
// The values are kainjow's own types; a caller that builds them includes <mustache.hpp>
// itself. This header only names them, so the rest of ritme does not compile kainjow.

#include <memory>
#include <string>

namespace kainjow::mustache {
template <typename string_type>
class basic_data;
template <typename string_type>
class basic_context;
}  // namespace kainjow::mustache

namespace ritme {

using TemplateData = kainjow::mustache::basic_data<std::string>;
using TemplateContext = kainjow::mustache::basic_context<std::string>;

class MustacheTemplate {
public:
    // Applied to each {{value}}, never to {{{value}}}; none: the value as it is (plain
    // text, where kainjow's default would be HTML).
    using Escape = std::string (*)(const std::string&);

    explicit MustacheTemplate(const std::string& text, Escape escape = nullptr);
    ~MustacheTemplate();
    MustacheTemplate(const MustacheTemplate&) = delete;
    MustacheTemplate& operator=(const MustacheTemplate&) = delete;

    bool is_valid() const;
    // kainjow's words, with the byte offset at the end: "Unclosed section \"x\" at 57".
    std::string error_message() const;

    std::string render(const TemplateData& values) const;
    // Values the caller looks up as the template asks for them, without building data.
    std::string render(TemplateContext& values) const;

private:
    struct Parsed;
    std::unique_ptr<Parsed> parsed_;
};

}  // namespace ritme
