#pragma once
// The HTML report's page (tools/report/page/report.html), compiled into the binary by
// tools/report/page/embed.cmake so that `zabsim report` needs no files at run time.

#include <string_view>

namespace zab::tools {
std::string_view report_template();
}
