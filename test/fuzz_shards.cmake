# Shards 1/4..4/4 of a random campaign, merged, give exactly the unsharded campaign's summary,
# protocol-state coverage included (run through GNU parallel when PARALLEL is set, as the
# README shows). Steered shards follow their own corpora, so only random campaigns (--random)
# have this identity. Variables: ZABSIM, RUNS, WORK, optional PARALLEL.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${ZABSIM} fuzz --runs ${RUNS} --random --jobs 2 --out ${WORK}/all --quiet --no-shrink
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the unsharded campaign exited ${rc}\n${out}\n${err}")
endif()
if(PARALLEL)
  execute_process(COMMAND ${PARALLEL} --halt now,fail=1 ${ZABSIM} fuzz --runs ${RUNS} --random --jobs 1 --shard {}/4
                          --out ${WORK}/shard{} --quiet --no-shrink ::: 1 2 3 4
                  WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "GNU parallel exited ${rc}\n${out}\n${err}")
  endif()
else()
  foreach(k 1 2 3 4)
    execute_process(COMMAND ${ZABSIM} fuzz --runs ${RUNS} --random --jobs 1 --shard ${k}/4 --out ${WORK}/shard${k} --quiet --no-shrink
                    WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "shard ${k}/4 exited ${rc}\n${out}\n${err}")
    endif()
  endforeach()
endif()
execute_process(COMMAND ${ZABSIM} merge ${WORK}/shard1 ${WORK}/shard2 ${WORK}/shard3 ${WORK}/shard4 -o ${WORK}/merged
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "merge exited ${rc}\n${out}\n${err}")
endif()
file(READ ${WORK}/all/coverage.json unsharded_coverage)
file(READ ${WORK}/merged/coverage.json merged_coverage)
if(NOT unsharded_coverage STREQUAL merged_coverage)
  message(FATAL_ERROR "the union of the shards' coverage differs from the unsharded campaign's")
endif()
file(READ ${WORK}/all/summary.json unsharded)
file(READ ${WORK}/merged/summary.json merged)
if(NOT unsharded STREQUAL merged)
  message(FATAL_ERROR "merged shards differ from the unsharded campaign\n--- unsharded\n${unsharded}\n--- merged\n${merged}")
endif()
# A shard's runs.jsonl lines are the unsharded campaign's (but for wall time and memory).
message(STATUS "shards merged == unsharded (${RUNS} runs)")
