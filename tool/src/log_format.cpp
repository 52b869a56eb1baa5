#include "podcast/log_format.hpp"

#include <chrono>
#include <streambuf>

#include "podcast/dbt.hpp"

namespace podcast {

class JsonLogStream::LineBuffer : public std::streambuf {
public:
    LineBuffer(std::ostream& target, std::string level)
        : target_(target), level_(std::move(level)) {}
    LineBuffer(const LineBuffer&) = delete;
    LineBuffer& operator=(const LineBuffer&) = delete;
    ~LineBuffer() override {
        if (!line_.empty()) {
            write_line();
        }
        target_.flush();
    }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) {
            return traits_type::not_eof(c);
        }
        if (traits_type::to_char_type(c) == '\n') {
            write_line();
        } else {
            line_ += traits_type::to_char_type(c);
        }
        return c;
    }

    int sync() override {
        target_.flush();
        return 0;
    }

private:
    void write_line() {
        if (is_json_log_event(line_)) {
            target_ << line_ << '\n';
        } else {
            target_ << json_log_line("PodcastOutput", level_, line_) << '\n';
        }
        line_.clear();
    }

    std::ostream& target_;
    std::string level_;
    std::string line_;
};

std::string json_log_line(std::string_view name, std::string_view level, std::string_view message,
                          const nlohmann::json& data) {
    std::string ts = format_load_at(std::chrono::system_clock::now());
    ts[10] = 'T';
    const nlohmann::ordered_json event = {{"info",
                                           {{"name", name},
                                            {"level", level},
                                            {"msg", message},
                                            {"ts", ts + "Z"},
                                            {"code", ""},
                                            {"invocation_id", ""}}},
                                          {"data", data}};
    // Invalid UTF-8 in a message (a file name, say) is replaced rather than thrown on.
    return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_json_log_event(std::string_view line) {
    if (!line.starts_with('{')) {
        return false;
    }
    const auto event = nlohmann::json::parse(line, nullptr, false);
    return !event.is_discarded() && event.is_object() && event.contains("info") &&
           event["info"].is_object();
}

JsonLogStream::JsonLogStream(std::ostream& target, std::string level)
    : std::ostream(nullptr), buffer_(std::make_unique<LineBuffer>(target, std::move(level))) {
    rdbuf(buffer_.get());
}

JsonLogStream::~JsonLogStream() { rdbuf(nullptr); }

}  // namespace podcast
