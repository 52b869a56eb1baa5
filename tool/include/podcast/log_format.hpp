#pragma once
// `podcast run --log-format json`: every line podcast prints becomes one JSON object shaped like
// dbt's structured log events (info.name, info.level, info.msg, info.ts; data), and dbt's own
// event lines pass through as they are, so a reader of dbt's JSON log (dagster-dbt) takes the
// whole output as one stream of events.
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace podcast {

enum class LogFormat { text, json };

// {"info": {"name": NAME, "level": LEVEL, "msg": MESSAGE, "ts": now, "code": "",
// "invocation_id": ""}, "data": DATA}, on one line.
std::string json_log_line(std::string_view name, std::string_view level, std::string_view message,
                          const nlohmann::json& data = nlohmann::json::object());

// True for one of dbt's structured log events: a JSON object with an "info" object.
bool is_json_log_event(std::string_view line);

// Writes each complete line given to it on `target` as json_log_line("PodcastOutput", level,
// line), or as it is when the line already is a JSON log event. A last line without a newline is
// written when the stream is destroyed.
class JsonLogStream : public std::ostream {
public:
    JsonLogStream(std::ostream& target, std::string level);
    JsonLogStream(const JsonLogStream&) = delete;
    JsonLogStream& operator=(const JsonLogStream&) = delete;
    ~JsonLogStream() override;

private:
    class LineBuffer;
    std::unique_ptr<LineBuffer> buffer_;
};

}  // namespace podcast
