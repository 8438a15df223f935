# csms_set_warnings(target): strict warnings on our own targets only.
function(csms_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Woverloaded-virtual -Wimplicit-fallthrough -Werror=switch-enum)
  if(CSMS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
