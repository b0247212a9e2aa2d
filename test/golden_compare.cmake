# Runs `zabsim run SCENARIO` from the source directory and compares its output with GOLDEN.
# A difference means the protocol's behaviour changed: if that is intended, regenerate the
# goldens with `bash tools/scripts/update_goldens.sh` and review the diff.
execute_process(COMMAND ${ZABSIM} run ${SCENARIO} WORKING_DIRECTORY ${SOURCE_DIR}
                RESULT_VARIABLE code OUTPUT_VARIABLE actual ERROR_VARIABLE err)
file(READ ${GOLDEN} expected)
if(NOT actual STREQUAL expected)
  file(WRITE ${GOLDEN}.actual "${actual}")
  execute_process(COMMAND diff -u ${GOLDEN} ${GOLDEN}.actual OUTPUT_VARIABLE d)
  message(FATAL_ERROR "the summary of ${SCENARIO} drifted from ${GOLDEN} (exit ${code}):\n${d}")
endif()
