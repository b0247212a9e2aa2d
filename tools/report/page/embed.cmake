# Turns the report page (IN) into a C++ source (OUT) holding it as one raw string literal, so
# the page is edited as an ordinary HTML file and the zabsim binary carries it.
file(READ "${IN}" content)
string(FIND "${content}" ")zabsim_page\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )zabsim_page\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from tools/report/page/report.html by tools/report/page/embed.cmake: edit the HTML, not this.\n"
  "#include \"tools/report/page/report_template.h\"\n\n"
  "namespace zab::tools {\n\n"
  "std::string_view report_template() {\n"
  "  static constexpr char kPage[] = R\"zabsim_page(${content})zabsim_page\";\n"
  "  return {kPage, sizeof(kPage) - 1};\n"
  "}\n\n"
  "}  // namespace zab::tools\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
