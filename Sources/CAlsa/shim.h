// libasound (Debian: libasound2-dev, pkg-config `alsa`): the PCM capture API EdgeVoice uses.
#ifndef EDGE_CALSA_SHIM_H
#define EDGE_CALSA_SHIM_H
#include <alsa/asoundlib.h>

// libasound prints every error to stderr; a daemon that retries an absent device would fill
// its log with them. The capture status carries the error instead. (Variadic: written in C.)
static void edge_alsa_quiet_error(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

/// Routes libasound's error messages to nowhere (process-wide).
static inline void edge_alsa_silence_errors(void) {
    snd_lib_error_set_handler(edge_alsa_quiet_error);
}
#endif
