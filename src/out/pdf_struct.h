/* pdf_struct.h - the logical structure of a tagged PDF, built while the pages are written:
 *   Document -> (H1 and TOC of a contents page) -> [Art per article when there are several] ->
 *   P (category, date), H1 (title), Link (source URL), P (lead, paragraphs, author),
 *   H2..H6, Figure (with Alt), Caption, BlockQuote, L -> LI -> Lbl + LBody.
 * Running headers, footers and rules are artifacts, outside the tree. Plain data: out_pdf.c
 * numbers the objects and asks for their dictionaries as text.
 *
 * Use: bt_pdfstruct_article() before the pages of each article, bt_pdfstruct_mark() for the
 * first item of every marked-content sequence (pdf_content.h's mark hook), bt_pdfstruct_objr()
 * for a link annotation; then bt_pdfstruct_elem_dict() for each element and
 * bt_pdfstruct_parent_tree() once. */
#ifndef BT_PDF_STRUCT_H
#define BT_PDF_STRUCT_H

#include <stddef.h>

#include "article.h"
#include "layout.h"
#include "util.h"

typedef struct bt_pdfstruct bt_pdfstruct;

/* doclang: the catalogue's /Lang (elements in another language get their own);
 * articles: 1 puts each article's elements straight under Document, more adds an Art each;
 * pages: the document's page count (annotation keys follow the pages' in the parent tree). */
bt_pdfstruct *bt_pdfstruct_new(const char *doclang, size_t articles, size_t pages);
void bt_pdfstruct_free(bt_pdfstruct *s);

/* The following pages are the contents: its heading is an H1 under the Document, its entries
 * a TOC of TOCI -> Reference -> Link (the link annotation's OBJR joins the Link); a category
 * line is a TOCI holding a P and the TOC of the entries under it. */
void bt_pdfstruct_contents(bt_pdfstruct *s);
/* The following pages belong to article a (its blocks give the element types). */
void bt_pdfstruct_article(bt_pdfstruct *s, const bt_article *a);

/* For the item starting a marked-content sequence on page (0-based over the document): the
 * MCID, with *tag the structure type; or -1 for an artifact, with *tag its property list. */
int bt_pdfstruct_mark(bt_pdfstruct *s, size_t page, const bt_item *it, const char **tag);

/* An annotation (object number annot) on page belongs to the Link element of the items with
 * tag and block (marked before; for BT_TAG_TOC_ENTRY at any time since): returns its
 * /StructParent key, or -1 when there is none. */
int bt_pdfstruct_objr(bt_pdfstruct *s, size_t page, unsigned annot, bt_tag tag, size_t block);

/* Number of elements; element 0 is the Document. */
size_t bt_pdfstruct_count(const bt_pdfstruct *s);

/* The entries of element i's dictionary. elemobj[k] is the object number of element k,
 * pageobj[p] that of page p. */
void bt_pdfstruct_elem_dict(const bt_pdfstruct *s, size_t i, const unsigned *elemobj, const unsigned *pageobj,
                            bt_buf *out);

/* The parent tree's number-tree entries "key value" for keys [from, to) (pages, then
 * annotations), and the number of keys. */
size_t bt_pdfstruct_parent_keys(const bt_pdfstruct *s);
void bt_pdfstruct_parent_tree(const bt_pdfstruct *s, size_t from, size_t to, const unsigned *elemobj,
                              bt_buf *out);

#endif
