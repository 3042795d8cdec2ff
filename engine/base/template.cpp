#include "engine/base/template.hpp"

#include <mustache.hpp>

#include <mutex>

namespace ritme {
namespace {

// What kainjow writes to: the rendered text, appended in place.
struct TextSink {
    std::string& text;
};
TextSink& operator<<(TextSink& sink, const std::string& part) {
    sink.text += part;
    return sink;
}

std::string unescaped(const std::string& value) { return value; }

// kainjow's render is not safe on one template from two threads at once: one at a time.
template <typename Parsed, typename Values>
std::string render_locked(Parsed& parsed, Values& values) {
    std::string text;
    text.reserve(256);
    TextSink sink{text};
    const std::lock_guard lock(parsed.mutex);
    parsed.mustache.render(values, sink);
    return text;
}

}  // namespace

struct MustacheTemplate::Parsed {
    explicit Parsed(const std::string& text) : mustache(text) {}

    kainjow::mustache::mustache mustache;
    std::mutex mutex;
};

MustacheTemplate::MustacheTemplate(const std::string& text, Escape escape) : parsed_(std::make_unique<Parsed>(text)) {
    parsed_->mustache.set_custom_escape(escape ? escape : unescaped);
}

MustacheTemplate::~MustacheTemplate() = default;

bool MustacheTemplate::is_valid() const {
    const std::lock_guard lock(parsed_->mutex);
    return parsed_->mustache.is_valid();
}

std::string MustacheTemplate::error_message() const {
    const std::lock_guard lock(parsed_->mutex);
    return parsed_->mustache.error_message();
}

std::string MustacheTemplate::render(const TemplateData& values) const { return render_locked(*parsed_, values); }

std::string MustacheTemplate::render(TemplateContext& values) const { return render_locked(*parsed_, values); }

}  // namespace ritme
