# Warnings as an INTERFACE target: strict for development and CI (-Werror there),
# harmless for users building a release.
add_library(acikit_warnings INTERFACE)
target_compile_options(acikit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  -Wimplicit-fallthrough -Wmisleading-indentation -Wduplicated-cond -Wlogical-op)
if(ACIKIT_WERROR)
  target_compile_options(acikit_warnings INTERFACE -Werror)
endif()
