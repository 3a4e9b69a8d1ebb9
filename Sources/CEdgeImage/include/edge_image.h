// Safe wrappers around libjpeg(-turbo) for untrusted bytes.
//
// libjpeg reports fatal errors through error_exit, which must not return: the default one calls
// exit(). These wrappers install an error manager that longjmps back into the wrapper, which
// destroys the codec object and returns a message, so a corrupt image is an error, never a crash.
// Corrupt-data warnings (truncated file, bad Huffman code, ...) are fatal too: libjpeg would
// otherwise silently return grey pixels for the missing part.
#ifndef EDGE_IMAGE_H
#define EDGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Size of the message buffers the functions below fill (libjpeg's JMSG_LENGTH_MAX is 200).
#define EI_MESSAGE_SIZE 256

/// What the JPEG header says.
typedef struct ei_jpeg_info {
    uint32_t width;
    uint32_t height;
    /// Colour components in the file (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK).
    int32_t components;
    /// 1 when the file is progressive (many scans, whole-image coefficient buffer).
    int32_t progressive;
} ei_jpeg_info;

/// Reads only the JPEG header. Returns 0 on success; otherwise 1 and `message` says why.
int ei_jpeg_read_info(const uint8_t *data, size_t size, ei_jpeg_info *info, char message[EI_MESSAGE_SIZE]);

/// Decodes a JPEG into packed RGB8 rows (`width * 3` bytes each). `width`/`height` must be the
/// values `ei_jpeg_read_info` returned and `out_size` at least `width * height * 3`.
/// `max_memory` bounds libjpeg's working memory (progressive coefficient buffers) and
/// `max_scans` the number of progressive scans (a many-scan file is a CPU bomb).
/// Returns 0 on success; otherwise 1 and `message` says why.
int ei_jpeg_decode_rgb(const uint8_t *data, size_t size, uint32_t width, uint32_t height,
                       uint8_t *out, size_t out_size, size_t max_memory, int max_scans,
                       char message[EI_MESSAGE_SIZE]);

/// Encodes packed RGB8 rows as a baseline JPEG (quality 1...100, 4:2:0). On success returns 0 and
/// `*out`/`*out_size` hold a malloc'd buffer the caller releases with `ei_free`.
int ei_jpeg_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                       uint8_t **out, size_t *out_size, char message[EI_MESSAGE_SIZE]);

/// Releases a buffer returned by this library.
void ei_free(void *buffer);

#ifdef __cplusplus
}
#endif

#endif
