// JPEG decoding through libjpeg(-turbo). libjpeg's default error handler exits the process; here
// errors and data warnings longjmp back under setjmp, in C, and become a return code and a message.
#include "image_decoding.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/// libjpeg's error manager, with where to jump back to and where the message goes.
struct jump_on_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    size_t capacity;
};

static void keep_error_and_jump(j_common_ptr info) {
    struct jump_on_error *error = (struct jump_on_error *)info->err;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    snprintf(error->message, error->capacity, "%s", text);
    longjmp(error->jump, 1);
}

/// Level −1 is a warning about the data (premature end of file, corrupt data): nothing trustworthy to
/// return, so it is an error. Trace messages (level ≥ 0) are ignored.
static void fail_on_warning(j_common_ptr info, int level) {
    if (level < 0) keep_error_and_jump(info);
}

int recombine_decode_jpeg(const unsigned char *data, size_t size, recombine_image *out) {
    memset(out, 0, sizeof *out);
    struct jpeg_decompress_struct info;
    struct jump_on_error error;
    unsigned char *volatile pixels = NULL;
    info.err = jpeg_std_error(&error.base);
    error.base.error_exit = keep_error_and_jump;
    error.base.emit_message = fail_on_warning;
    error.message = out->message;
    error.capacity = sizeof out->message;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        out->pixels = NULL;
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&info);
        snprintf(out->message, sizeof out->message, "CMYK JPEG files are not supported (convert to RGB)");
        return 1;
    }
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    int channels = info.output_components;
    if ((unsigned long long)info.output_width * info.output_height > (unsigned long long)RECOMBINE_IMAGE_MAX_PIXELS || (channels != 1 && channels != 3)) {
        jpeg_destroy_decompress(&info);
        snprintf(out->message, sizeof out->message, channels != 1 && channels != 3 ? "unsupported colour layout" : "the image is too large");
        return 1;
    }
    size_t row_bytes = (size_t)info.output_width * channels;
    pixels = malloc(row_bytes * info.output_height + 1);
    if (pixels == NULL) {
        jpeg_destroy_decompress(&info);
        snprintf(out->message, sizeof out->message, "out of memory");
        return 1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * row_bytes;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    out->width = (int)info.output_width;
    out->height = (int)info.output_height;
    out->channels = channels;
    out->pixels = pixels;
    jpeg_destroy_decompress(&info);
    return 0;
}
