// PNG decoding through libpng. libpng reports errors by longjmp, so every call that can fail runs
// under setjmp here, in C; Swift only ever sees a return code and a message.
#include "image_decoding.h"
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// The file's bytes and how far libpng has read them.
struct png_source {
    const unsigned char *data;
    size_t size, offset;
};

static void read_from_memory(png_structp png, png_bytep destination, png_size_t count) {
    struct png_source *source = png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "the file ends early (truncated)");
    memcpy(destination, source->data + source->offset, count);
    source->offset += count;
}

static void keep_error_and_jump(png_structp png, png_const_charp message) {
    recombine_image *out = png_get_error_ptr(png);
    snprintf(out->message, sizeof out->message, "%s", message);
    png_longjmp(png, 1);
}

/// Warnings (an ancillary chunk libpng ignores, an unusual colour profile) do not change the pixels.
static void ignore_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

int recombine_decode_png(const unsigned char *data, size_t size, recombine_image *out) {
    memset(out, 0, sizeof *out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(out->message, sizeof out->message, "not a PNG file (no PNG signature)");
        return 1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, out, keep_error_and_jump, ignore_warning);
    if (png == NULL) {
        snprintf(out->message, sizeof out->message, "libpng could not start (out of memory)");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(out->message, sizeof out->message, "libpng could not start (out of memory)");
        return 1;
    }
    struct png_source source = {data, size, 0};
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        out->pixels = NULL;
        return 1;
    }
    png_set_read_fn(png, &source, read_from_memory);
    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int depth = 0, color = 0;
    png_get_IHDR(png, info, &width, &height, &depth, &color, NULL, NULL, NULL);
    if ((unsigned long long)width * height > (unsigned long long)RECOMBINE_IMAGE_MAX_PIXELS)
        png_error(png, "the image is too large");
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16) png_set_scale_16(png);
    if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if ((channels != 1 && channels != 3) || row_bytes != (size_t)width * channels)
        png_error(png, "unsupported pixel layout");
    pixels = malloc(row_bytes * height + 1);
    rows = malloc(sizeof(png_bytep) * height + 1);
    if (pixels == NULL || rows == NULL) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->width = (int)width;
    out->height = (int)height;
    out->channels = channels;
    out->pixels = pixels;
    return 0;
}

void recombine_image_free(recombine_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}
