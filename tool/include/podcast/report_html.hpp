#pragma once
// The HTML form of `podcast report`: one self-contained page (no network needed to open it).
// The charts are Vega-Lite specs rendered as SVG by the inlined chart library
// (chart_scripts.hpp); the page states the as-of date, the window, the data's time span and
// when it was made.
#include <ostream>
#include <vector>

#include "podcast/report.hpp"

namespace podcast {

// Sections missing from `sections` (a --section choice) are left out of the page.
void write_html_report(const ReportContext& context, const std::vector<ReportSection>& sections,
                       std::ostream& out);

}  // namespace podcast
