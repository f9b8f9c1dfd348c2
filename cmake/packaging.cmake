# packaging.cmake — `cpack -G DEB` builds a Debian package of the plugin for
# the Wireshark release it was built against.
#
#   cmake -S . -B build-deb -DWEBRTC_INSTALL_SYSTEM=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
#
# -> wireshark-webrtc-plugin_<version>+ws<major.minor>_<arch>.deb, which installs
# webrtc.so into <Wireshark_PLUGIN_INSTALL_DIR>/epan (e.g.
# /usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/epan) and depends on the
# libwireshark/libwsutil packages (by soname: libwireshark16 for 4.0) that hold
# the libraries it was linked against. An epan plugin only loads into the
# Wireshark major.minor it was built for, so build one .deb per release.
#
# Included from the top-level CMakeLists.txt after add_subdirectory(plugin).

if(NOT WEBRTC_INSTALL_SYSTEM)
  message(STATUS "Packaging: configure with -DWEBRTC_INSTALL_SYSTEM=ON to enable `cpack -G DEB`")
  return()
endif()

# The Debian package that ships an imported Wireshark library (epan, wsutil):
# ask dpkg which package owns the file; fall back to lib<name><soversion>.
function(_webrtc_deb_of_target target out)
  set(_pkg "")
  set(_loc "")
  foreach(_cfg NONE RELWITHDEBINFO RELEASE DEBUG "")
    if(_cfg STREQUAL "")
      get_target_property(_l ${target} IMPORTED_LOCATION)
      get_target_property(_s ${target} IMPORTED_SONAME)
    else()
      get_target_property(_l ${target} IMPORTED_LOCATION_${_cfg})
      get_target_property(_s ${target} IMPORTED_SONAME_${_cfg})
    endif()
    if(_l)
      set(_loc "${_l}")
      set(_soname "${_s}")
      break()
    endif()
  endforeach()
  if(_loc)
    get_filename_component(_real "${_loc}" REALPATH)
    find_program(_dpkg_query dpkg-query)
    if(_dpkg_query)
      foreach(_f "${_loc}" "${_real}")
        execute_process(COMMAND ${_dpkg_query} -S "${_f}"
          OUTPUT_VARIABLE _o RESULT_VARIABLE _r ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(_r EQUAL 0 AND _o MATCHES "^([^:, ]+)")
          set(_pkg "${CMAKE_MATCH_1}")
          break()
        endif()
      endforeach()
    endif()
    if(NOT _pkg AND _soname MATCHES "^(lib[^.]+)\\.so\\.([0-9]+)$")
      set(_pkg "${CMAKE_MATCH_1}${CMAKE_MATCH_2}")
    endif()
  endif()
  set(${out} "${_pkg}" PARENT_SCOPE)
endfunction()

_webrtc_deb_of_target(epan _webrtc_libwireshark_pkg)
_webrtc_deb_of_target(wsutil _webrtc_libwsutil_pkg)
if(NOT _webrtc_libwireshark_pkg)
  message(WARNING "Packaging: cannot tell which Debian package ships libwireshark")
endif()

set(_ws_mm "${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}")
math(EXPR _ws_next_minor "${Wireshark_MINOR_VERSION} + 1")
set(_ws_next "${Wireshark_MAJOR_VERSION}.${_ws_next_minor}")
set(_deps "")
foreach(_p ${_webrtc_libwireshark_pkg} ${_webrtc_libwsutil_pkg})
  # Any Debian revision of the same upstream major.minor.
  list(APPEND _deps "${_p} (>= ${_ws_mm}), ${_p} (<< ${_ws_next}~)")
endforeach()
list(JOIN _deps ", " _deps)

find_program(_webrtc_dpkg dpkg)
if(_webrtc_dpkg)
  execute_process(COMMAND ${_webrtc_dpkg} --print-architecture
    OUTPUT_VARIABLE _deb_arch OUTPUT_STRIP_TRAILING_WHITESPACE)
else()
  set(_deb_arch amd64)
endif()

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "wireshark-webrtc-plugin")
set(CPACK_PACKAGE_VENDOR "wireshark-webrtc")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}+ws${_ws_mm}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Wireshark ${_ws_mm} plugin: find, group and explain WebRTC/RTP calls")
set(CPACK_PACKAGE_DESCRIPTION
  "Epan plugin for Wireshark/tshark ${_ws_mm} (built against ${Wireshark_VERSION}) that \
demultiplexes STUN/DTLS/TURN/RTP/RTCP sharing one port (RFC 7983/9443), finds RTP \
without signaling and groups the flows of a call. Installs webrtc.so into \
${WEBRTC_PLUGIN_INSTALL_DIR}.")
set(CPACK_PACKAGE_CONTACT "wireshark-webrtc maintainers <root@localhost>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${_deb_arch}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_deps}")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "tshark, wireshark")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT") # <name>_<version>_<arch>.deb
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_GENERATOR "")
message(STATUS "Packaging: ${CPACK_PACKAGE_NAME}_${CPACK_PACKAGE_VERSION}_${_deb_arch}.deb "
  "-> ${WEBRTC_PLUGIN_INSTALL_DIR}; Depends: ${_deps}")
include(CPack)
