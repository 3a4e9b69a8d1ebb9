// libjpeg error handling by setjmp/longjmp; see edge_image.h for the contract.
#include "edge_image.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

typedef struct ei_error_mgr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *message;
} ei_error_mgr;

// Records `text` and leaves through the jump buffer: libjpeg's error_exit must not return.
static void ei_fail(j_common_ptr cinfo, const char *text) {
    ei_error_mgr *err = (ei_error_mgr *)cinfo->err;
    snprintf(err->message, EI_MESSAGE_SIZE, "%s", text);
    longjmp(err->jump, 1);
}

static void ei_error_exit(j_common_ptr cinfo) {
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    ei_fail(cinfo, text);
}

// Level -1 is a corrupt-data warning: treated as fatal. Trace messages (level >= 0) are dropped,
// as is all printing: a daemon must never write libjpeg chatter to stderr.
static void ei_emit_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0) ei_error_exit(cinfo);
}

static void ei_output_message(j_common_ptr cinfo) { (void)cinfo; }

typedef struct ei_progress_mgr {
    struct jpeg_progress_mgr pub;
    int max_scans;
} ei_progress_mgr;

// Called between passes: stops progressive files whose scan count is a CPU bomb.
static void ei_progress(j_common_ptr cinfo) {
    ei_progress_mgr *progress = (ei_progress_mgr *)cinfo->progress;
    if (cinfo->is_decompressor && ((j_decompress_ptr)cinfo)->input_scan_number > progress->max_scans) {
        char text[64];
        snprintf(text, sizeof text, "progressive JPEG has more than %d scans", progress->max_scans);
        ei_fail(cinfo, text);
    }
}

// The error manager for a compressor or decompressor: fail by longjmp, never print.
static struct jpeg_error_mgr *ei_errors(ei_error_mgr *err, char *message) {
    jpeg_std_error(&err->pub);
    err->pub.error_exit = ei_error_exit;
    err->pub.emit_message = ei_emit_message;
    err->pub.output_message = ei_output_message;
    err->message = message;
    message[0] = 0;
    return &err->pub;
}

int ei_jpeg_read_info(const uint8_t *data, size_t size, ei_jpeg_info *info, char message[EI_MESSAGE_SIZE]) {
    struct jpeg_decompress_struct cinfo;
    ei_error_mgr err;
    cinfo.err = ei_errors(&err, message);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    info->width = cinfo.image_width;
    info->height = cinfo.image_height;
    info->components = cinfo.num_components;
    info->progressive = cinfo.progressive_mode ? 1 : 0;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int ei_jpeg_decode_rgb(const uint8_t *data, size_t size, uint32_t width, uint32_t height,
                       uint8_t *out, size_t out_size, size_t max_memory, int max_scans,
                       char message[EI_MESSAGE_SIZE]) {
    struct jpeg_decompress_struct cinfo;
    ei_error_mgr err;
    ei_progress_mgr progress;
    cinfo.err = ei_errors(&err, message);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.mem->max_memory_to_use = (long)max_memory;
    progress.pub.progress_monitor = ei_progress;
    progress.max_scans = max_scans;
    cinfo.progress = &progress.pub;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_RGB;
    if (cinfo.image_width != width || cinfo.image_height != height) {
        snprintf(message, EI_MESSAGE_SIZE, "JPEG header changed between reads");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)width * 3;
    if (cinfo.output_components != 3 || cinfo.output_width != width || cinfo.output_height != height ||
        out_size < stride * height) {
        snprintf(message, EI_MESSAGE_SIZE, "JPEG output geometry %ux%ux%d does not match the buffer",
                 cinfo.output_width, cinfo.output_height, cinfo.output_components);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

// Runs the compressor; `*dest` belongs to the caller's frame so that it stays valid after a
// longjmp (locals of the frame that called setjmp would be indeterminate).
static int ei_jpeg_encode_into(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                               unsigned char **dest, unsigned long *length, char message[EI_MESSAGE_SIZE]) {
    struct jpeg_compress_struct cinfo;
    ei_error_mgr err;
    cinfo.err = ei_errors(&err, message);
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, dest, length);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}

int ei_jpeg_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                       uint8_t **out, size_t *out_size, char message[EI_MESSAGE_SIZE]) {
    // libjpeg (re)allocates the output buffer and writes it through &dest.
    unsigned char *dest = NULL;
    unsigned long length = 0;
    *out = NULL;
    *out_size = 0;
    if (ei_jpeg_encode_into(rgb, width, height, quality, &dest, &length, message) != 0) {
        free(dest);
        return 1;
    }
    *out = dest;
    *out_size = (size_t)length;
    return 0;
}

void ei_free(void *buffer) { free(buffer); }
