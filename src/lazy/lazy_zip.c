/* lazy_zip.c - libzip (and the libcrypto and libbz2 it needs), loaded on first use (see lazy.h).
 * Generated from the prototypes in <zip.h>: one line per function bantin calls. */
#include "lazy.h"

#include <stdarg.h>
#include <zip.h>

static bt_lazy_lib zip = {"libzip.so.4", NULL, NULL};

/* Variadic, so not forwarded: the bitmap of the commands listed (up to a negative one), as
 * libzip documents it; nothing to load. */
zip_int64_t zip_source_make_command_bitmap(zip_source_cmd_t cmd0, ...)
{
    zip_int64_t bits = ZIP_SOURCE_MAKE_COMMAND_BITMASK(cmd0);
    va_list ap;
    va_start(ap, cmd0);
    for (int cmd = va_arg(ap, int); cmd >= 0; cmd = va_arg(ap, int)) bits |= ZIP_SOURCE_MAKE_COMMAND_BITMASK(cmd);
    va_end(ap);
    return bits;
}

BT_LAZY_FN(zip, int, zip_close, (zip_t *a1), (a1))
BT_LAZY_VOID(zip, zip_discard, (zip_t *a1), (a1))
BT_LAZY_VOID(zip, zip_error_fini, (zip_error_t *a1), (a1))
BT_LAZY_VOID(zip, zip_error_init, (zip_error_t *a1), (a1))
BT_LAZY_VOID(zip, zip_error_set, (zip_error_t *a1, int a2, int a3), (a1, a2, a3))
BT_LAZY_FN(zip, const char *, zip_error_strerror, (zip_error_t *a1), (a1))
BT_LAZY_FN(zip, zip_int64_t, zip_error_to_data, (const zip_error_t *a1, void *a2, zip_uint64_t a3), (a1, a2, a3))
BT_LAZY_FN(zip, int, zip_fclose, (zip_file_t *a1), (a1))
BT_LAZY_FN(zip, zip_int64_t, zip_file_add, (zip_t *a1, const char *a2, zip_source_t *a3, zip_flags_t a4), (a1, a2, a3, a4))
BT_LAZY_FN(zip, int, zip_file_set_dostime, (zip_t *a1, zip_uint64_t a2, zip_uint16_t a3, zip_uint16_t a4, zip_flags_t a5), (a1, a2, a3, a4, a5))
BT_LAZY_FN(zip, int, zip_file_set_external_attributes, (zip_t *a1, zip_uint64_t a2, zip_flags_t a3, zip_uint8_t a4, zip_uint32_t a5), (a1, a2, a3, a4, a5))
BT_LAZY_FN(zip, zip_file_t *, zip_fopen_index, (zip_t *a1, zip_uint64_t a2, zip_flags_t a3), (a1, a2, a3))
BT_LAZY_FN(zip, zip_int64_t, zip_fread, (zip_file_t *a1, void *a2, zip_uint64_t a3), (a1, a2, a3))
BT_LAZY_FN(zip, const char *, zip_get_name, (zip_t *a1, zip_uint64_t a2, zip_flags_t a3), (a1, a2, a3))
BT_LAZY_FN(zip, zip_int64_t, zip_get_num_entries, (zip_t *a1, zip_flags_t a2), (a1, a2))
BT_LAZY_FN(zip, zip_int64_t, zip_name_locate, (zip_t *a1, const char *a2, zip_flags_t a3), (a1, a2, a3))
BT_LAZY_FN(zip, zip_t *, zip_open, (const char *a1, int a2, int *a3), (a1, a2, a3))
BT_LAZY_FN(zip, zip_t *, zip_open_from_source, (zip_source_t *a1, int a2, zip_error_t *a3), (a1, a2, a3))
BT_LAZY_FN(zip, int, zip_set_file_compression, (zip_t *a1, zip_uint64_t a2, zip_int32_t a3, zip_uint32_t a4), (a1, a2, a3, a4))
BT_LAZY_FN(zip, zip_source_t *, zip_source_buffer, (zip_t *a1, const void *a2, zip_uint64_t a3, int a4), (a1, a2, a3, a4))
BT_LAZY_FN(zip, zip_source_t *, zip_source_buffer_create, (const void *a1, zip_uint64_t a2, int a3, zip_error_t *a4), (a1, a2, a3, a4))
BT_LAZY_FN(zip, int, zip_source_close, (zip_source_t *a1), (a1))
BT_LAZY_VOID(zip, zip_source_free, (zip_source_t *a1), (a1))
BT_LAZY_FN(zip, zip_source_t *, zip_source_function, (zip_t *a1, zip_source_callback a2, void *a3), (a1, a2, a3))
BT_LAZY_VOID(zip, zip_source_keep, (zip_source_t *a1), (a1))
BT_LAZY_FN(zip, int, zip_source_open, (zip_source_t *a1), (a1))
BT_LAZY_FN(zip, zip_int64_t, zip_source_read, (zip_source_t *a1, void *a2, zip_uint64_t a3), (a1, a2, a3))
BT_LAZY_FN(zip, int, zip_source_stat, (zip_source_t *a1, zip_stat_t *a2), (a1, a2))
BT_LAZY_FN(zip, int, zip_stat_index, (zip_t *a1, zip_uint64_t a2, zip_flags_t a3, zip_stat_t *a4), (a1, a2, a3, a4))
BT_LAZY_VOID(zip, zip_stat_init, (zip_stat_t *a1), (a1))
BT_LAZY_FN(zip, const char *, zip_strerror, (zip_t *a1), (a1))
