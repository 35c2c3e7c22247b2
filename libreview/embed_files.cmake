# Turn INPUT_DIR/*.yaml into a C++ source that holds each file as a string and
# defines FUNCTION() in NAMESPACE, returning them as review::EmbeddedFile
# entries in the order of the sorted file paths (see
# libreview/core/embedded_file.h).
# Invoked as: cmake -DOUT=file.cpp -DINPUT_DIR=dir -DNAMESPACE=ns -DFUNCTION=name -P embed_files.cmake
foreach(var OUT INPUT_DIR NAMESPACE FUNCTION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_files.cmake needs -D${var}=...")
  endif()
endforeach()
set(decl "std::span<review::EmbeddedFile const> ${FUNCTION}()")
set(body "// Generated from ${INPUT_DIR}/*.yaml by embed_files.cmake. Do not edit.\n#include \"libreview/core/embedded_file.h\"\n#include <span>\nnamespace ${NAMESPACE} {\n")
set(entries "")
set(index 0)
file(GLOB INPUTS "${INPUT_DIR}/*.yaml")
list(SORT INPUTS)
foreach(input IN LISTS INPUTS)
  get_filename_component(name "${input}" NAME_WE)
  file(READ "${input}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," chars "${hex}")
  string(APPEND body "static char const file_${index}[] = {${chars} 0};\n")
  string(APPEND entries "    {\"${name}\", file_${index}},\n")
  math(EXPR index "${index} + 1")
endforeach()
if(index EQUAL 0)
  # A zero-length array does not compile; an empty directory embeds nothing.
  string(APPEND body "${decl};\n${decl} { return {}; }\n}\n")
else()
  string(APPEND body "static review::EmbeddedFile const files[] = {\n${entries}};\n${decl};\n${decl} { return files; }\n}\n")
endif()
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
