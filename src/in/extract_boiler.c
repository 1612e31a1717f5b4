/* extract_boiler.c - the words of boilerplate that sits inside an article's body without a class
 * name that says so: ad slot labels, share/print/font-size bars, "read more" and "related"
 * labels over links, paywall and newsletter promos, readers' comment boxes and their moderation
 * notices. Texts are compared folded to ASCII (no marks, lower case), so "QUẢNG CÁO",
 * "Quảng cáo" and "quang cao" are one label. The lists are Vietnamese first, then the languages
 * of the international pages bantin is measured on. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "text.h"

/* A whole short block that is only a label: ads, "read more"/"related" headings over links,
 * buttons of promos and comment forms. */
static const char *const labels[] = {
    /* ad slots */
    "quang cao", "noi dung quang cao", "tai tro", "noi dung tai tro", "advertisement",
    "advertising", "advert", "sponsored", "sponsored content", "paid content", "promoted",
    "anzeige", "werbung", "publicidad", "publicite", "pubblicita", "reklama", "publicidade",
    "scroll to continue with content", "continue reading below", "article continues below",
    "story continues below", "content continues below", "advertisement scroll to continue",
    "ponizej dalsza czesc artykulu", "lesen sie nach der anzeige weiter",
    /* "read more" and "related" over a list of links (the links are gone) */
    "tin lien quan", "bai lien quan", "tin cung chuyen muc", "xem them", "doc them",
    "co the ban quan tam", "ban co the quan tam", "tin khac", "bai viet lien quan", "cung chu de",
    "tin moi", "tin moi nhat", "tin noi bat", "doc nhieu", "xem nhieu", "related",
    "related articles", "related stories", "related news", "related content", "related coverage",
    "read more", "read also", "also read", "see also", "more on this", "more on this story",
    "more stories", "more from", "recommended", "recommended for you", "you may also like",
    "you might also like", "most read", "most popular", "lesen sie auch", "mehr zum thema",
    "das konnte sie auch interessieren", "a lire aussi", "lire aussi", "sur le meme sujet",
    "leia tambem", "veja tambem", "lee tambien", "te puede interesar", "czytaj tez",
    "czytaj takze", "zobacz tez", "leggi anche", "lue myos",
    /* buttons of promos and comment forms */
    "dang ky", "dang ky ngay", "dang nhap", "gui", "gui y kien", "gui binh luan", "binh luan",
    "y kien", "subscribe", "subscribe now", "sign up", "sign in", "log in", "login", "register",
    "post comment", "submit", "comments", "comment", "leave a comment", "join the conversation",
    "y kien ban doc", "binh luan ban doc", "newsletter", "kommentare", "commentaires", "comentarios",
    "komentarze", "commenti", "in bai", "in bai viet", NULL};

/* The beginning of a promo, a sign-up or a comment box (the whole box goes) and of a moderation
 * notice. */
static const char *const openers[] = {
    /* paywall */
    "bai viet danh cho", "noi dung danh cho", "noi dung nay danh cho", "dang ky goi",
    "dang ky de doc", "dang ky tai khoan de doc", "ban can dang nhap", "vui long dang nhap de",
    "this article is for subscribers", "this content is for subscribers", "subscribe to continue",
    "subscribe to read", "already a subscriber", "to continue reading", "continue reading with",
    "become a member to", "you have reached your", "unlock this article", "get unlimited access",
    "jetzt abonnieren", "abonnez-vous", "reservado para suscriptores", "conteudo exclusivo para assinantes",
    /* newsletters */
    "dang ky nhan ban tin", "dang ky nhan tin", "dang ky nhan thong bao", "nhan ban tin",
    "sign up for our", "sign up for the", "subscribe to our newsletter", "subscribe to the newsletter",
    "get our newsletter", "get the latest news", "get the best of", "enter your email",
    "abonnieren sie unseren newsletter", "inscrivez-vous a notre newsletter",
    /* readers' comments */
    "y kien ban doc", "y kien cua ban", "binh luan cua ban", "viet binh luan", "gui binh luan",
    "gui y kien", "moi ban doc gui", "ban doc gui y kien", "leave a reply", "leave a comment",
    "comments are moderated", "comments are closed", "your comment is awaiting", "your email address will not be published",
    "post a comment", "join the discussion", "kommentar schreiben",
    /* invitations to readers closing a body ("Độc giả có thể gửi câu hỏi ... tại đây") */
    "doc gia co the gui", "ban doc co the gui", "quy doc gia co the gui", "doc gia gui cau hoi",
    "ban doc gui cau hoi",
    /* a video box's title over its player ("Xem video: ...", "Mời độc giả xem video ...") */
    "xem video", "moi xem video", "moi doc gia xem video", "moi quy doc gia xem video",
    "moi ban doc xem video", "watch the video", "watch video",
    /* feedback and rating widgets ("Bài viết có hữu ích với bạn không?" Có / Không) */
    "bai viet co huu ich", "ban thay bai viet", "ban thay noi dung", "danh gia bai viet",
    "thong tin co huu ich", "noi dung co huu ich", "was this article helpful", "was this helpful",
    "did you find this", "how would you rate", "rate this article", NULL};

/* Words of a share/print/font-size bar: a block made only of them, one of the first kind among
 * them, is the bar. */
static const char *const tools[] = {
    "chia", "share", "tweet", "email", "e-mail", "print", "luu", "copy", "font", "a-", "a+",
    "facebook", "twitter", "zalo", "linkedin", "whatsapp", "telegram", "pinterest", "reddit",
    "messenger", "bookmark", "teilen", "drucken", "partager", "imprimer", "compartir",
    "imprimir", "condividi", "stampa", "udostepnij", NULL};
static const char *const tool_words[] = {"se", "mail", "in", "bai", "save", "link", "sao", "chep",
                                         "co", "chu", "size", "a", "x", "gop", "y", "bao", "loi",
                                         "nghe", "listen", "this", "article", "on", "via", NULL};

static int in_list(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list, s, n) == 0) return 1;
    return 0;
}

/* The text folded to ASCII with its marks and cases gone, the punctuation around a label
 * (">>", "»", ":", "▸", a count "(12)") stripped and white space single: NULL when too long to
 * be one of these. */
static char *fold_label(const char *text)
{
    size_t tl = strlen(text);
    if (tl > 600) return NULL;
    char pre[601]; /* letters without a decomposition that folding would lose: ł */
    size_t k0 = 0;
    for (size_t i = 0; i < tl; i++) {
        uint32_t cp = 0;
        size_t cl = (unsigned char)text[i] >= 0xC2 ? bt_utf8_decode(text + i, tl - i, &cp) : 0;
        if ((unsigned char)text[i] == 0xC5 && ((unsigned char)text[i + 1] == 0x82 || (unsigned char)text[i + 1] == 0x81)) {
            pre[k0++] = 'l';
            i++;
        } else if (cl > 1 && ((cp >= 0x2000 && cp <= 0x2BFF) || cp == 0xAB || cp == 0xBB)) {
            pre[k0++] = ' '; /* a symbol (★, ▸, », a dash) parts words as a space does */
            i += cl - 1;
        } else {
            pre[k0++] = text[i];
        }
    }
    pre[k0] = '\0';
    char *f = bt_fold_ascii(pre);
    size_t k = 0;
    int space = 0;
    for (const char *p = f; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c == '+' || (c == '-' && k && f[k - 1] != ' ')) {
            if (space && k) f[k++] = ' ';
            space = 0;
            f[k++] = (char)c;
        } else {
            space = 1;
        }
    }
    f[k] = '\0';
    return f;
}

int ex_boiler_label(const char *text)
{
    char *f = fold_label(text);
    if (!f) return 0;
    size_t n = strlen(f);
    /* a count after a label: "Bình luận (12)" */
    while (n && isdigit((unsigned char)f[n - 1])) n--;
    while (n && f[n - 1] == ' ') n--;
    int r = n > 0 && in_list(f, n, labels);
    if (!r && n > 0 && n <= 80) { /* a bar of share and print words */
        int all = 1, strong = 0;
        for (const char *p = f; *p && all;) {
            const char *b = p;
            while (*p && *p != ' ') p++;
            int t = in_list(b, (size_t)(p - b), tools);
            strong += t;
            all = t || in_list(b, (size_t)(p - b), tool_words);
            while (*p == ' ') p++;
        }
        r = all && strong > 0;
    }
    free(f);
    return r;
}

int ex_boiler_opener(const char *text)
{
    char *f = fold_label(text);
    if (!f) return 0;
    int r = 0;
    for (const char *const *o = openers; *o && !r; o++) {
        size_t l = strlen(*o);
        r = strncmp(f, *o, l) == 0 && (f[l] == '\0' || f[l] == ' ');
    }
    free(f);
    return r;
}
