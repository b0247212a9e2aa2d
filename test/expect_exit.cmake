# Runs CMD with ARGS and fails unless it exits with EXPECT and prints something on stderr.
execute_process(COMMAND ${CMD} ${ARGS} RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT code EQUAL EXPECT)
  message(FATAL_ERROR "expected exit code ${EXPECT}, got ${code}\nstdout: ${out}\nstderr: ${err}")
endif()
if(err STREQUAL "")
  message(FATAL_ERROR "expected an error message on stderr")
endif()
