# The layer check (cmake/check_layers.cmake) refuses an include of an undeclared folder and accepts a
# declared one. Inputs: CHECK (the script), WORK (a scratch directory).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/src/low ${WORK}/src/high)
file(WRITE ${WORK}/src/low/low.hpp "#pragma once\n#include \"low/other.hpp\"\n")
file(WRITE ${WORK}/src/high/high.cpp "#include \"high/high.hpp\"\n#include \"low/low.hpp\"\n#include <vector>\n")

function(run_check manifest expect_success refusal)
  file(WRITE ${WORK}/layers.txt "${manifest}")
  file(REMOVE ${WORK}/stamp)
  execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${WORK}/src -DMANIFEST=${WORK}/layers.txt
                          -DSTAMP=${WORK}/stamp -P ${CHECK}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(expect_success AND NOT result EQUAL 0)
    message(FATAL_ERROR "a declared dependency was refused:\n${err}")
  endif()
  if(NOT expect_success)
    if(result EQUAL 0)
      message(FATAL_ERROR "an undeclared include passed the layer check")
    endif()
    string(FIND "${err}" "${refusal}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "the refusal does not name the file and include:\n${err}")
    endif()
    if(EXISTS ${WORK}/stamp)
      message(FATAL_ERROR "a failed check wrote its stamp")
    endif()
  endif()
endfunction()

# high includes low without declaring it; then declared; then low includes high (an upward edge).
run_check("low=\nhigh=\n" FALSE "src/high/high.cpp: #include \"low/low.hpp\"")
run_check("low=\nhigh=low\n" TRUE "")
file(APPEND ${WORK}/src/low/low.hpp "#include \"high/high.hpp\"\n")
run_check("low=\nhigh=low\n" FALSE "src/low/low.hpp: #include \"high/high.hpp\"")
