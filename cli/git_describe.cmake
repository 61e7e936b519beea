# `pvhcheck --version` names the source it was built from, as `git describe`
# says at configure time. A tree that is not its own git checkout (a release
# tarball, or one unpacked inside some other repository) says "unknown".
#   include(git_describe.cmake); pvhcheck_git_describe(VAR ${PROJECT_SOURCE_DIR})
#   cmake -DSOURCE_DIR=DIR -P git_describe.cmake   # prints it (tests/unit/test_cli_conventions.sh)
function(pvhcheck_git_describe out src)
  set(result "unknown")
  find_program(PVH_GIT_EXECUTABLE git)
  if(PVH_GIT_EXECUTABLE)
    execute_process(COMMAND ${PVH_GIT_EXECUTABLE} -C ${src} rev-parse --show-toplevel
                    OUTPUT_VARIABLE top OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
    get_filename_component(src_real "${src}" REALPATH)
    if(rc EQUAL 0)
      get_filename_component(top "${top}" REALPATH)
    endif()
    if(rc EQUAL 0 AND top STREQUAL src_real)
      execute_process(COMMAND ${PVH_GIT_EXECUTABLE} -C ${src} describe --always --dirty --tags
                      OUTPUT_VARIABLE d OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
      if(rc EQUAL 0 AND d MATCHES "^[A-Za-z0-9._+-]+$")
        set(result "${d}")
      endif()
    endif()
  endif()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED SOURCE_DIR)
  pvhcheck_git_describe(_d "${SOURCE_DIR}")
  message("${_d}")
endif()
