#pragma once
// The study's charts as SVG text (written by hand: no plotting dependency). Both read without
// the table beside them: a title saying what is shown, axis labels with units, a legend.
//
//  - distribution_svg: one row per (setting, phase): every run as a dot on a log time axis,
//    a box from the median to p90, a tick at p99. Shows how the phases stack up after a fault
//    and where the tail is.
//  - sweep_svg: one phase against one swept numeric parameter (servers, tickTime, latency...):
//    the median as a solid line, p90 dashed, the band between them shaded; one series per
//    combination of the other swept parameters.

#include <string>
#include <vector>

#include "tools/study/study.h"

namespace zab::study {

std::string distribution_svg(const StudyResult& result);
// `axis` indexes result.spec.axes and must be numeric; `phase` indexes kPhases.
std::string sweep_svg(const StudyResult& result, std::size_t axis, std::size_t phase);
// The readable name of a swept parameter, with its unit ("tickTime (ms)").
std::string axis_title(const std::string& axis_name);

}  // namespace zab::study
