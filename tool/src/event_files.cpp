#include "podcast/event_files.hpp"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <ranges>
#include <system_error>
#include <thread>

#include <nlohmann/json.hpp>

#include "podcast/checksum.hpp"
#include "podcast/land.hpp"

namespace podcast {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";
// parse_many reads documents in batches at least as large as the largest one; a larger line
// falls to the line-by-line path, which has no such bound.
constexpr std::size_t stream_batch_bytes = std::size_t{4} << 20;

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_blank(std::string_view line) { return std::ranges::all_of(line, is_json_whitespace); }

// The first fault of an object's top-level keys: a duplicate, else a missing event key.
template <class Keys>
std::optional<std::string> key_fault(const Keys& keys) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (keys[i] == keys[j]) {
                return "duplicate key \"" + std::string(keys[i]) + "\"";
            }
        }
    }
    for (const std::string_view key : event_keys) {
        if (std::ranges::find(keys, key) == keys.end()) {
            return "missing key \"" + std::string(key) + "\"";
        }
    }
    return std::nullopt;
}

// Strict RFC 8259 by nlohmann's parser, which reads numbers of any length (simdjson refuses
// integers beyond 64 bits), and names the fault's column. Collects the top-level keys.
class StrictLine final : public nlohmann::json_sax<nlohmann::json> {
public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        object_at_top_ = object_at_top_ || depth_ == 0;
        ++depth_;
        return true;
    }
    bool key(string_t& name) override {
        if (depth_ == 1) {
            keys_.push_back(name);
        }
        return true;
    }
    bool end_object() override {
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        return true;
    }
    bool end_array() override {
        --depth_;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) override {
        fault_ = describe(position, error.what());
        return false;
    }

    // Nothing when the line is one JSON object holding the five keys and no key twice.
    std::optional<std::string> fault_of(std::string_view line) {
        if (!nlohmann::json::sax_parse(line.begin(), line.end(), this,
                                       nlohmann::json::input_format_t::json, true)) {
            return "is not a JSON object: " + fault_.value_or("not valid JSON");
        }
        if (!object_at_top_) {
            return std::string("is not a JSON object");
        }
        return key_fault(keys_);
    }

private:
    // "syntax error while parsing value - invalid literal; last read: 'NaN'" -> the part after
    // the dash, at its byte.
    static std::string describe(std::size_t position, std::string_view what) {
        if (const auto dash = what.find(" - "); dash != std::string_view::npos) {
            what.remove_prefix(dash + 3);
        } else if (const auto bracket = what.find("] "); bracket != std::string_view::npos) {
            what.remove_prefix(bracket + 2);
        }
        return std::string(what) + " (byte " + std::to_string(position) + ")";
    }

    int depth_ = 0;
    bool object_at_top_ = false;
    std::vector<std::string> keys_;
    std::optional<std::string> fault_;
};

// One line's fault, or nothing: simdjson first (fast); where it refuses a number or a depth,
// which RFC 8259 allows, nlohmann's parser decides; any other refusal is described by it.
std::optional<std::string> line_fault(simdjson::dom::parser& parser, std::string_view line) {
    simdjson::dom::element document;
    const auto error = parser.parse(line.data(), line.size(), true).get(document);
    if (error == simdjson::SUCCESS) {
        simdjson::dom::object object;
        if (document.get_object().get(object) != simdjson::SUCCESS) {
            return std::string("is not a JSON object");
        }
        std::vector<std::string_view> keys;
        for (const auto field : object) {
            keys.push_back(field.key);
        }
        return key_fault(keys);
    }
    if (error == simdjson::UTF8_ERROR) {
        return std::string("is not a JSON object: invalid UTF-8");
    }
    StrictLine strict;
    auto fault = strict.fault_of(line);
    if (!fault && error != simdjson::NUMBER_ERROR && error != simdjson::DEPTH_ERROR) {
        return "is not a JSON object: " + std::string(simdjson::error_message(error));
    }
    return fault;
}

Error contract_error(const std::string& name, std::size_t line, const std::string& fault) {
    return Error{
        "load contract violated: file " + name + ", line " + std::to_string(line) + ": " + fault,
        ExitCode::refused};
}

// Line by line: the rows, or the first faulty line with its physical number.
Result<std::int64_t> check_lines(const std::string& name, std::string_view text) {
    simdjson::dom::parser parser;
    std::int64_t rows = 0;
    std::size_t line_number = 0;
    for (std::size_t position = 0; position < text.size();) {
        const std::size_t end = std::min(text.find('\n', position), text.size());
        const std::string_view line = text.substr(position, end - position);
        position = end + 1;
        ++line_number;
        if (line.size() > max_line_bytes) {
            return std::unexpected(contract_error(name, line_number,
                                                  "is longer than the limit of " +
                                                      std::to_string(max_line_bytes) + " bytes (" +
                                                      std::to_string(line.size()) + " bytes)"));
        }
        if (is_blank(line)) {
            continue;
        }
        if (auto fault = line_fault(parser, line)) {
            return std::unexpected(contract_error(name, line_number, *fault));
        }
        ++rows;
    }
    return rows;
}

// The fast path: one parse_many stream over the file. The number of event lines when every
// document is an object with the five keys, alone on its own line and within the line limit;
// nothing when anything is amiss (the line-by-line path then finds and names it).
std::optional<std::int64_t> stream_rows(simdjson::dom::parser& parser, std::string_view text) {
    for (std::size_t position = 0; position < text.size();) {
        const std::size_t end = std::min(text.find('\n', position), text.size());
        if (end - position > max_line_bytes) {
            return std::nullopt;
        }
        position = end + 1;
    }
    simdjson::dom::document_stream stream;
    if (parser
            .parse_many(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(),
                        stream_batch_bytes)
            .get(stream) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    std::int64_t rows = 0;
    std::size_t previous_end = 0;
    std::vector<std::string_view> keys;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
        simdjson::dom::element document;
        simdjson::dom::object object;
        if ((*it).get(document) != simdjson::SUCCESS ||
            document.get_object().get(object) != simdjson::SUCCESS) {
            return std::nullopt;
        }
        const std::size_t start = it.current_index();
        const std::string_view source = it.source();
        const std::string_view gap = text.substr(previous_end, start - previous_end);
        if ((rows > 0 && gap.find('\n') == std::string_view::npos) ||
            source.find('\n') != std::string_view::npos) {
            return std::nullopt;  // two objects on one line, or one over several
        }
        keys.clear();
        for (const auto field : object) {
            keys.push_back(field.key);
        }
        if (key_fault(keys)) {
            return std::nullopt;
        }
        previous_end = start + source.size();
        ++rows;
    }
    if (stream.truncated_bytes() != 0 || !is_blank(text.substr(previous_end))) {
        return std::nullopt;
    }
    return rows;
}

}  // namespace

bool has_glob_characters(std::string_view text) {
    return text.find_first_of("*?[]{}") != std::string_view::npos;
}

Result<LoadingDirectoryListing> list_loading_directory(const fs::path& data_dir) {
    const fs::path absolute = fs::absolute(data_dir).lexically_normal();
    if (has_glob_characters(absolute.string())) {
        return fail("the loading directory " + absolute.string() +
                        " holds a glob character (* ? [ ] { }), which DuckDB's file reader would "
                        "expand: choose a path without them (--data-dir)",
                    ExitCode::refused);
    }
    LoadingDirectoryListing listing;
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(data_dir, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        const fs::path& path = it->path();
        const std::string name = path.lexically_relative(data_dir).generic_string();
        if (path.filename().string().starts_with('.')) {
            it.disable_recursion_pending();  // land's temporary files, and other hidden entries
            continue;
        }
        std::error_code status_error;
        const fs::file_status status = it->symlink_status(status_error);
        if (fs::is_symlink(status)) {
            return fail("the loading directory holds a symlink, " + name +
                            ": the load reads regular files only (podcast land copies files in)",
                        ExitCode::refused);
        }
        if (fs::is_directory(status)) {
            continue;
        }
        if (!fs::is_regular_file(status)) {
            return fail("the loading directory holds " + name +
                            ", which is neither a regular file nor a directory",
                        ExitCode::refused);
        }
        if (!is_complete_name(name)) {
            listing.ignored.push_back(name);
            continue;
        }
        if (!is_safe_name(name)) {
            return fail(
                "the loading directory holds an event file whose name is unsafe to glob "
                "or quote, '" +
                    name + "' (allowed: A-Z a-z 0-9 . _ - and /): rename it",
                ExitCode::refused);
        }
        listing.event_files.push_back(
            ListedFile{name, it->file_size(status_error), it->last_write_time(status_error)});
    }
    if (error) {
        return fail("could not list the loading directory " + data_dir.string() + ": " +
                    error.message());
    }
    std::ranges::sort(listing.event_files, {}, &ListedFile::name);
    std::ranges::sort(listing.ignored);
    return listing;
}

Result<CheckedFile> check_event_file(const fs::path& data_dir, const std::string& name) {
    const fs::path path = data_dir / name;
    simdjson::padded_string content;
    if (simdjson::padded_string::load(path.string()).get(content) != simdjson::SUCCESS) {
        return fail("could not read event file " + path.string(), ExitCode::not_found);
    }
    CheckedFile checked{name, 0, content.size(), sha256_hex({content.data(), content.size()})};
    std::string_view text(content.data(), content.size());
    if (text.starts_with(byte_order_mark)) {
        text.remove_prefix(byte_order_mark.size());  // tolerated once, at the very start
        checked.byte_order_mark = true;
    }
    simdjson::dom::parser parser;
    if (auto rows = stream_rows(parser, text)) {
        checked.rows = *rows;
        return checked;
    }
    auto rows = check_lines(name, text);
    if (!rows) {
        return std::unexpected(rows.error());
    }
    checked.rows = *rows;
    return checked;
}

Result<std::vector<CheckedFile>> check_event_files(const fs::path& data_dir,
                                                   const std::vector<std::string>& names,
                                                   unsigned threads) {
    std::vector<Result<CheckedFile>> results(names.size(), fail("not checked"));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < names.size(); i = next++) {
            results[i] = check_event_file(data_dir, names[i]);
        }
    };
    {
        std::vector<std::jthread> workers;
        const unsigned count = std::clamp(threads, 1U, static_cast<unsigned>(names.size()) + 1U);
        for (unsigned i = 1; i < count; ++i) {
            workers.emplace_back(work);
        }
        work();
    }
    std::vector<CheckedFile> checked;
    checked.reserve(names.size());
    for (auto& result : results) {
        if (!result) {
            return std::unexpected(result.error());
        }
        checked.push_back(std::move(*result));
    }
    return checked;
}

}  // namespace podcast
