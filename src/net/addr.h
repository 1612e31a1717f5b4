/* addr.h - what kind of network an IP address belongs to, for the server-side request forgery
 * rule: resources a page points at (its images, its redirects, a feed's items) are not fetched
 * from loopback, private, link-local, multicast or otherwise non-public addresses unless the page
 * itself came from such an address or the user allowed it (--allow-private).
 *
 * The check is made on the address a connection actually uses (fetch.c asks libcurl for it
 * before the request is sent), so a name that resolves to a public address once and to an
 * internal one later (DNS rebinding) is caught too. */
#ifndef BT_ADDR_H
#define BT_ADDR_H

struct sockaddr;

typedef enum {
    BT_ADDR_PUBLIC = 0,
    BT_ADDR_LOOPBACK,    /* 127/8, ::1 */
    BT_ADDR_PRIVATE,     /* 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10 */
    BT_ADDR_LINKLOCAL,   /* 169.254/16 (cloud metadata lives here), fe80::/10 */
    BT_ADDR_MULTICAST,   /* 224/4, ff00::/8 */
    BT_ADDR_UNSPECIFIED, /* 0/8, :: */
    BT_ADDR_SHARED,      /* 100.64/10: carrier-grade NAT */
    BT_ADDR_RESERVED,    /* documentation, benchmarking, 240/4, broadcast, IETF protocol ranges */
    BT_ADDR_INVALID      /* not an IP address */
} bt_addr_class;

/* Class of a textual IPv4 or IPv6 address ("10.0.0.1", "::ffff:127.0.0.1", "fe80::1%eth0").
 * IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are
 * classified by the IPv4 address inside them. */
bt_addr_class bt_addr_classify(const char *ip);

/* The same for a socket address (AF_INET or AF_INET6; others are BT_ADDR_INVALID). */
bt_addr_class bt_addr_classify_sa(const struct sockaddr *sa);

/* 1 for every class but BT_ADDR_PUBLIC. */
int bt_addr_is_internal(bt_addr_class c);

/* "loopback", "private", "link-local", ... for messages. */
const char *bt_addr_class_name(bt_addr_class c);

#endif
