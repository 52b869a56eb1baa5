#pragma once
// The chart library the HTML report inlines (Vega, Vega-Lite, vega-embed; pinned and fetched
// from npm at build time by tool/cmake/FetchVega.cmake), embedded in the binary.
#include <array>
#include <string_view>

namespace podcast {

struct ChartScript {
    std::string_view name;  // "vega 6.4.0"
    std::string_view text;  // the minified script
};

// In load order: vega, vega-lite, vega-embed.
std::array<ChartScript, 3> chart_scripts();

}  // namespace podcast
