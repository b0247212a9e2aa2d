# A campaign against a deliberately broken protocol (a mutation switch) must find it, save a
# run record, and shrink it to a scenario that still violates the same property when run as an
# ordinary scenario file. Variables: ZABSIM, MUTATION, RUNS, WORK.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${ZABSIM} fuzz --runs ${RUNS} --jobs 2 --mutation ${MUTATION} --out ${WORK}/campaign --quiet
                        --shrink-budget 60
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "fuzz with ${MUTATION} exited ${rc}, expected 1 (findings)\n${out}\n${err}")
endif()
file(READ ${WORK}/campaign/summary.json summary)
string(JSON property GET "${summary}" findings 0 property)
string(JSON run GET "${summary}" findings 0 first_runs 0)
string(LENGTH "${run}" digits)
math(EXPR pad "6 - ${digits}")
string(REPEAT "0" ${pad} zeros)
set(dir ${WORK}/campaign/findings/run-${zeros}${run})
foreach(file record.json min.json)
  if(NOT EXISTS ${dir}/${file})
    message(FATAL_ERROR "${dir}/${file} is missing\n${out}")
  endif()
endforeach()
# The shrunk scenario is an ordinary scenario file that fails the same property.
execute_process(COMMAND ${ZABSIM} run ${dir}/min.json WORKING_DIRECTORY ${WORK}
                RESULT_VARIABLE rc OUTPUT_VARIABLE run_out ERROR_VARIABLE run_err)
if(NOT (rc EQUAL 1 OR rc EQUAL 3))
  message(FATAL_ERROR "zabsim run of the shrunk scenario exited ${rc}\n${run_out}\n${run_err}")
endif()
if(NOT run_out MATCHES "VIOLATION ${property} ")
  message(FATAL_ERROR "the shrunk scenario no longer violates ${property}\n${run_out}")
endif()
# And it is no bigger than the generated one.
file(READ ${dir}/record.json record)
file(READ ${dir}/min.json min)
string(JSON before LENGTH "${record}" scenario faults)
string(JSON after LENGTH "${min}" faults)
if(after GREATER before)
  message(FATAL_ERROR "shrinking grew the schedule from ${before} to ${after} faults")
endif()
message(STATUS "${MUTATION}: found ${property} in run ${run}; shrunk from ${before} to ${after} faults")
