#ifndef RECOMBINE_IMAGE_DECODING_H
#define RECOMBINE_IMAGE_DECODING_H
#include <stddef.h>

/// A decoded image: 8-bit samples, rows top to bottom, channels interleaved (1 = gray, 3 = RGB).
/// `pixels` is malloc'ed by the decoder and released with `recombine_image_free`. When decoding fails,
/// `pixels` is NULL and `message` says why (libpng's or libjpeg's own words).
typedef struct {
    int width, height, channels;
    unsigned char *pixels;
    char message[200];
} recombine_image;

/// Decodes PNG bytes. Palette images become RGB, gray below 8 bits 8-bit gray, 16-bit samples 8-bit
/// (rounded), and alpha is dropped (as PIL's convert("RGB") / convert("L")). Returns 0 on success.
/// Errors are caught here with setjmp/longjmp, so no decoder error ever unwinds through Swift.
int recombine_decode_png(const unsigned char *data, size_t size, recombine_image *out);

/// Decodes baseline or progressive JPEG bytes to gray (for grayscale files) or RGB. Any warning libjpeg
/// gives about the data (a truncated file, corrupt entropy data) is an error: nothing is filled in.
/// CMYK/YCCK files are refused. Returns 0 on success.
int recombine_decode_jpeg(const unsigned char *data, size_t size, recombine_image *out);

/// Frees an image's pixels (and sets them to NULL).
void recombine_image_free(recombine_image *image);

/// The largest pixel count (width × height) the decoders accept: larger files are refused rather than
/// allocated.
#define RECOMBINE_IMAGE_MAX_PIXELS (1L << 26)

#endif
