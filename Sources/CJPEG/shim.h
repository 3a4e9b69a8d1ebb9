// Debian's libjpeg-turbo (libjpeg62-turbo-dev). jpeglib.h needs stdio.h/stddef.h first.
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>
