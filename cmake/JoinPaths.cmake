# join_paths(<out> <base> <path>): <path> if it is absolute, else <base>/<path>.
# Keeps libl7.pc right when GNUInstallDirs hands out absolute directories.
function(join_paths out base path)
  if(IS_ABSOLUTE "${path}")
    set(${out} "${path}" PARENT_SCOPE)
  else()
    set(${out} "${base}/${path}" PARENT_SCOPE)
  endif()
endfunction()
