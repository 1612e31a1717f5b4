/* lazy_image.c - the GIF, WebP and JPEG libraries of image.c, loaded on first use (see lazy.h).
 * Generated from the prototypes in their headers: one line per function bantin calls. */
#include "lazy.h"

#include <stddef.h>
#include <stdio.h>

#include <gif_lib.h>
#include <jpeglib.h>
#include <webp/decode.h>

static bt_lazy_lib gif = {"libgif.so.7", NULL, NULL};
static bt_lazy_lib webp = {"libwebp.so.7", NULL, NULL};
static bt_lazy_lib jpeg = {"libjpeg.so.62", NULL, NULL};

BT_LAZY_FN(gif, int, DGifCloseFile, (GifFileType *a1, int *a2), (a1, a2))
BT_LAZY_FN(gif, int, DGifGetExtension, (GifFileType *a1, int *a2, GifByteType **a3), (a1, a2, a3))
BT_LAZY_FN(gif, int, DGifGetExtensionNext, (GifFileType *a1, GifByteType **a2), (a1, a2))
BT_LAZY_FN(gif, int, DGifGetImageDesc, (GifFileType *a1), (a1))
BT_LAZY_FN(gif, int, DGifGetLine, (GifFileType *a1, GifPixelType *a2, int a3), (a1, a2, a3))
BT_LAZY_FN(gif, int, DGifGetRecordType, (GifFileType *a1, GifRecordType *a2), (a1, a2))
BT_LAZY_FN(gif, GifFileType *, DGifOpen, (void *a1, InputFunc a2, int *a3), (a1, a2, a3))

BT_LAZY_FN(webp, uint8_t *, WebPDecodeRGBA, (const uint8_t *a1, size_t a2, int *a3, int *a4), (a1, a2, a3, a4))
BT_LAZY_VOID(webp, WebPFree, (void *a1), (a1))
BT_LAZY_FN(webp, int, WebPGetInfo, (const uint8_t *a1, size_t a2, int *a3, int *a4), (a1, a2, a3, a4))

BT_LAZY_VOID(jpeg, jpeg_CreateCompress, (j_compress_ptr a1, int a2, size_t a3), (a1, a2, a3))
BT_LAZY_VOID(jpeg, jpeg_CreateDecompress, (j_decompress_ptr a1, int a2, size_t a3), (a1, a2, a3))
BT_LAZY_VOID(jpeg, jpeg_destroy_compress, (j_compress_ptr a1), (a1))
BT_LAZY_VOID(jpeg, jpeg_destroy_decompress, (j_decompress_ptr a1), (a1))
BT_LAZY_VOID(jpeg, jpeg_finish_compress, (j_compress_ptr a1), (a1))
BT_LAZY_FN(jpeg, boolean, jpeg_finish_decompress, (j_decompress_ptr a1), (a1))
BT_LAZY_VOID(jpeg, jpeg_mem_dest, (j_compress_ptr a1, unsigned char **a2, unsigned long *a3), (a1, a2, a3))
BT_LAZY_VOID(jpeg, jpeg_mem_src, (j_decompress_ptr a1, const unsigned char *a2, unsigned long a3), (a1, a2, a3))
BT_LAZY_FN(jpeg, int, jpeg_read_header, (j_decompress_ptr a1, boolean a2), (a1, a2))
BT_LAZY_FN(jpeg, JDIMENSION, jpeg_read_scanlines, (j_decompress_ptr a1, JSAMPARRAY a2, JDIMENSION a3), (a1, a2, a3))
BT_LAZY_VOID(jpeg, jpeg_set_defaults, (j_compress_ptr a1), (a1))
BT_LAZY_VOID(jpeg, jpeg_set_quality, (j_compress_ptr a1, int a2, boolean a3), (a1, a2, a3))
BT_LAZY_VOID(jpeg, jpeg_start_compress, (j_compress_ptr a1, boolean a2), (a1, a2))
BT_LAZY_FN(jpeg, boolean, jpeg_start_decompress, (j_decompress_ptr a1), (a1))
BT_LAZY_FN(jpeg, struct jpeg_error_mgr *, jpeg_std_error, (struct jpeg_error_mgr *a1), (a1))
BT_LAZY_FN(jpeg, JDIMENSION, jpeg_write_scanlines, (j_compress_ptr a1, JSAMPARRAY a2, JDIMENSION a3), (a1, a2, a3))
