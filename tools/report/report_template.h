#pragma once
// The HTML report's page (tools/report/report.html), compiled into the binary by
// tools/report/embed.cmake so that `zabsim report` needs no files at run time.

#include <string_view>

namespace zab::tools {
std::string_view report_template();
}
