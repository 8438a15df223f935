# CSMS_SANITIZE=address,undefined adds the sanitizers to every target we define.
if(CSMS_SANITIZE)
  add_compile_options(-fsanitize=${CSMS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CSMS_SANITIZE})
endif()
