// `podcast generate`: listening sessions, their spelling variants, defects and duplicates,
// written as NDJSON day files; expected.json from the reference implementation of the contract.
// The steps live in generate/: random numbers (random), the reference data (catalog), sessions,
// spelling and defects (spelling), duplicates and writing (output); this file checks the
// options and puts each day's file together.
#include "podcast/generate.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <future>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "generate/calendar.hpp"
#include "generate/catalog.hpp"
#include "generate/duplicates.hpp"
#include "generate/output.hpp"
#include "generate/random.hpp"
#include "generate/rows.hpp"
#include "generate/sessions.hpp"
#include "generate/spelling.hpp"
#include "podcast/reference_validator.hpp"

namespace podcast {
namespace {

namespace fs = std::filesystem;
using namespace generator;

std::string rate_text(double rate) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", rate);
    return text.data();
}

// ---------------------------------------------------------------------------------------------
// Options and the output directory.

Result<void> check_options(const GenerateOptions& options) {
    const auto usage = [](std::string message) {
        return fail(std::move(message), ExitCode::usage);
    };
    if (options.out.empty()) return usage("--out is required");
    if (options.days < 1 || options.days > 3650) {
        return usage("--days must be from 1 to 3650, got " + std::to_string(options.days));
    }
    if (!options.start.ok()) return usage("--start is not a calendar date");
    const std::chrono::sys_days first{options.start};
    const std::chrono::sys_days last = first + std::chrono::days{options.days - 1};
    if (first < std::chrono::sys_days{earliest_start} || last > std::chrono::sys_days{latest_day}) {
        return usage(
            "--start and --days must keep the generated days from 2000-01-01 to 2098-12-30, got " +
            date_text(first) + " to " + date_text(last));
    }
    if (options.events_per_day < 1 || options.events_per_day > 10'000'000) {
        return usage("--events-per-day must be from 1 to 10000000, got " +
                     std::to_string(options.events_per_day));
    }
    if (options.users < 1 || options.users > 10'000'000) {
        return usage("--users must be from 1 to 10000000, got " + std::to_string(options.users));
    }
    if (options.episodes < 1 || options.episodes > 1'000'000) {
        return usage("--episodes must be from 1 to 1000000, got " +
                     std::to_string(options.episodes));
    }
    if (!(options.defect_rate >= 0 && options.defect_rate <= 1)) {
        return usage("--defect-rate must be from 0 to 1, got " + rate_text(options.defect_rate));
    }
    if (!(options.duplicate_rate >= 0 && options.duplicate_rate <= 1)) {
        return usage("--duplicate-rate must be from 0 to 1, got " +
                     rate_text(options.duplicate_rate));
    }
    return {};
}

// Creates OUT/reference and OUT/events. OUT may be missing, empty, or an earlier dataset (it
// holds expected.json), which is replaced; anything else is refused rather than mixed in.
Result<void> prepare_output(const fs::path& out) {
    std::error_code error;
    const auto status = fs::status(out, error);
    if (fs::exists(status)) {
        if (!fs::is_directory(status))
            return fail(out.string() + " is not a directory", ExitCode::usage);
        if (!fs::is_empty(out, error)) {
            if (!fs::exists(out / "expected.json", error)) {
                return fail(
                    "refusing to write into " + out.string() +
                        ": it is not empty and holds no generated dataset (no expected.json)",
                    ExitCode::usage);
            }
            for (const char* part : {"expected.json", "events", "reference"}) {
                fs::remove_all(out / part, error);
                if (error)
                    return fail("cannot remove " + (out / part).string() + ": " + error.message());
            }
        }
    }
    for (const char* part : {"reference", "events"}) {
        fs::create_directories(out / part, error);
        if (error) return fail("cannot create " + (out / part).string() + ": " + error.message());
    }
    return {};
}

// One day's file: the day's lines, fresh events in time order with repeats mixed in.
class DayWriter {
public:
    DayWriter(const GenerateOptions& options, SessionModel& sessions, Speller& speller,
              reference::GroundTruth& truth)
        : options_(options),
          sessions_(sessions),
          speller_(speller),
          duplicator_(speller),
          truth_(truth) {}

    Result<void> write_day(const fs::path& events_dir, std::chrono::sys_days date,
                           std::size_t lines, Rng& rng) {
        const std::string day = date_text(date);
        const std::int64_t day_start = date.time_since_epoch().count() * seconds_per_day;

        // Which lines repeat an earlier row; the first line of a file is always fresh.
        repeats_.assign(lines, 0);
        std::size_t fresh_count = 0;
        for (std::size_t i = 0; i < lines; ++i) {
            repeats_[i] = i > 0 && rng.chance(options_.duplicate_rate) ? 1 : 0;
            fresh_count += repeats_[i] == 0 ? 1 : 0;
        }
        fresh_.clear();
        sessions_.add_day(day_start, fresh_count, rng, fresh_);
        sort_by_time(fresh_, day_start, scratch_, counts_);

        std::error_code error;
        fs::create_directories(events_dir / day, error);
        if (error)
            return fail("cannot create " + (events_dir / day).string() + ": " + error.message());
        auto file = AtomicFile::create(events_dir / day / "events.json");
        if (!file) return std::unexpected(file.error());

        // Full buffers are written on another thread while the next one fills, so that the
        // kernel's copying and the disk's throttling overlap with generation. `writing` is
        // declared after `file`, so it is destroyed (waited for) first on every path.
        LineBuffer* filling = &buffers_[0];
        filling->clear();
        std::future<Result<void>> writing;
        const auto hand_over = [&]() -> Result<void> {
            if (writing.valid()) {
                if (auto written = writing.get(); !written) return written;
            }
            const LineBuffer* full = filling;
            filling = filling == &buffers_[0] ? &buffers_[1] : &buffers_[0];
            filling->clear();
            writing =
                std::async(std::launch::async, [&file, full] { return file->write(full->view()); });
            return {};
        };

        truth_.begin_file(day + "/events.json");
        duplicator_.start_day();
        std::size_t next_fresh = 0;
        for (std::size_t i = 0; i < lines; ++i) {
            const bool fresh = repeats_[i] == 0;
            if (fresh) {
                emitted_.event = fresh_[next_fresh++];
                speller_.spell(emitted_.event, speller_.maybe_unusual(rng), rng, emitted_.row);
                speller_.maybe_damage(emitted_.event, rng, emitted_.row);
            } else {
                emitted_ = duplicator_.repeat(rng);
            }
            duplicator_.remember(emitted_, rng, fresh);
            append_line(*filling, emitted_.row);
            truth_.add_row(raw_event(emitted_.row));
            if (filling->size() >= flush_size) {
                if (auto handed = hand_over(); !handed) return handed;
            }
        }
        if (auto handed = hand_over(); !handed) return handed;
        if (auto written = writing.get(); !written) return written;
        duplicator_.end_day();
        return file->commit();
    }

private:
    static constexpr std::size_t flush_size = 4 << 20;

    const GenerateOptions& options_;
    SessionModel& sessions_;
    Speller& speller_;
    Duplicator duplicator_;
    reference::GroundTruth& truth_;
    std::vector<std::uint8_t> repeats_;
    std::vector<Event> fresh_;
    std::vector<Event> scratch_;
    std::vector<std::uint32_t> counts_;
    std::array<LineBuffer, 2> buffers_;
    Emitted emitted_;
};

// Lines per day: a weekly rhythm (weekdays' commutes above weekends) and 1.5% growth a day,
// scaled so that the days hold events_per_day on average (largest remainders round the total
// to exactly days * events_per_day); every day has at least one line.
std::vector<std::size_t> daily_lines(const GenerateOptions& options) {
    constexpr std::array<double, 7> weekly{1.04, 1.06, 1.05, 1.02, 0.97, 0.86, 0.9};  // Mon..Sun
    const std::chrono::sys_days start{options.start};
    const auto days = static_cast<std::size_t>(options.days);
    std::vector<double> factors(days);
    double sum = 0;
    for (std::size_t d = 0; d < days; ++d) {
        const unsigned weekday =
            std::chrono::weekday{start + std::chrono::days{d}}.iso_encoding() - 1;
        factors[d] = weekly[weekday] * (1.0 + 0.015 * static_cast<double>(d));
        sum += factors[d];
    }
    const auto total = static_cast<std::size_t>(options.events_per_day) * days;
    std::vector<std::size_t> lines(days);
    std::vector<std::pair<double, std::size_t>> remainders(days);
    std::size_t assigned = 0;
    for (std::size_t d = 0; d < days; ++d) {
        const double exact = factors[d] / sum * static_cast<double>(total);
        lines[d] = static_cast<std::size_t>(exact);
        remainders[d] = {lines[d] - exact, d};  // most negative first: the largest remainder
        assigned += lines[d];
    }
    std::sort(remainders.begin(), remainders.end());
    for (std::size_t i = 0; assigned < total; ++i, ++assigned) ++lines[remainders[i % days].second];
    for (std::size_t d = 0; d < days; ++d) {
        if (lines[d] > 0) continue;
        ++lines[d];  // taken from the fullest day
        --*std::max_element(lines.begin(), lines.end());
    }
    return lines;
}

}  // namespace

Result<GenerateSummary> generate(const GenerateOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    if (auto checked = check_options(options); !checked) return std::unexpected(checked.error());
    if (auto prepared = prepare_output(options.out); !prepared)
        return std::unexpected(prepared.error());

    Rng rng(options.seed);
    const Catalog catalog = make_catalog(options, rng);
    if (auto written = write_file(options.out / "reference" / "users.csv", users_csv(catalog));
        !written) {
        return std::unexpected(written.error());
    }
    if (auto written =
            write_file(options.out / "reference" / "episodes.csv", episodes_csv(catalog));
        !written) {
        return std::unexpected(written.error());
    }

    SessionModel sessions(catalog, rng);
    Speller speller(catalog, options.defect_rate);
    reference::GroundTruth truth(catalog.users, catalog.episodes, assumed_now);
    DayWriter writer(options, sessions, speller, truth);
    const std::chrono::sys_days start{options.start};
    const std::vector<std::size_t> lines = daily_lines(options);
    for (int day = 0; day < options.days; ++day) {
        if (auto written = writer.write_day(options.out / "events", start + std::chrono::days{day},
                                            lines[static_cast<std::size_t>(day)], rng);
            !written) {
            return std::unexpected(written.error());
        }
    }

    // Last, so that a complete expected.json marks a complete dataset.
    if (auto written =
            write_file(options.out / "expected.json", truth.expected_json().dump(2) + "\n");
        !written) {
        return std::unexpected(written.error());
    }

    GenerateSummary summary;
    for (const std::size_t day_lines : lines)
        summary.events += static_cast<std::int64_t>(day_lines);
    summary.files = options.days;
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace podcast
