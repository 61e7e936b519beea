# pvh_xenpeer: Xen's libxenguest as a peer (tests/readers, fuzz_xen_reader),
# when Debian's libxen-dev is installed (tools/setup.sh). Included by
# tests/support and by fuzz/, whichever is configured first defines it.
if(NOT TARGET pvh_xenpeer)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(XENGUEST QUIET IMPORTED_TARGET GLOBAL xenguest xencontrol xentoollog)
  endif()
  if(XENGUEST_FOUND)
    add_library(pvh_xenpeer STATIC ${CMAKE_CURRENT_LIST_DIR}/xenguest_peer.c)
    target_include_directories(pvh_xenpeer PUBLIC ${CMAKE_CURRENT_LIST_DIR})
    target_link_libraries(pvh_xenpeer PUBLIC PkgConfig::XENGUEST)
  endif()
endif()
