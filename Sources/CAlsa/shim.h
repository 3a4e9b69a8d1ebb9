// libasound (Debian: libasound2-dev, pkg-config `alsa`): the PCM capture API EdgeVoice uses.
#ifndef EDGE_CALSA_SHIM_H
#define EDGE_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#endif
