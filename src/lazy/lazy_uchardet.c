/* lazy_uchardet.c - uchardet (and the C++ library it needs), loaded on first use (see lazy.h).
 * Generated from the prototypes in <uchardet/uchardet.h>. */
#include "lazy.h"

#include <uchardet/uchardet.h>

static bt_lazy_lib uchardet = {"libuchardet.so.0", NULL, NULL};

BT_LAZY_VOID(uchardet, uchardet_data_end, (uchardet_t a1), (a1))
BT_LAZY_VOID(uchardet, uchardet_delete, (uchardet_t a1), (a1))
BT_LAZY_FN(uchardet, const char *, uchardet_get_charset, (uchardet_t a1), (a1))
BT_LAZY_FN(uchardet, int, uchardet_handle_data, (uchardet_t a1, const char *a2, size_t a3), (a1, a2, a3))
BT_LAZY_FN(uchardet, uchardet_t, uchardet_new, (void), ())
