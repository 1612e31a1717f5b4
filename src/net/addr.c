/* addr.c - IP address classes (IANA special-purpose address registries, RFC 6890). */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

static bt_addr_class v4(uint32_t a)
{
    static const struct { uint32_t net; int bits; bt_addr_class c; } t[] = {
        {0x00000000u, 8, BT_ADDR_UNSPECIFIED}, /* "this network" */
        {0x0A000000u, 8, BT_ADDR_PRIVATE},
        {0x64400000u, 10, BT_ADDR_SHARED},
        {0x7F000000u, 8, BT_ADDR_LOOPBACK},
        {0xA9FE0000u, 16, BT_ADDR_LINKLOCAL},
        {0xAC100000u, 12, BT_ADDR_PRIVATE},
        {0xC0000000u, 24, BT_ADDR_RESERVED},   /* IETF protocol assignments */
        {0xC0000200u, 24, BT_ADDR_RESERVED},   /* TEST-NET-1 */
        {0xC0586300u, 24, BT_ADDR_RESERVED},   /* 6to4 relay anycast (deprecated) */
        {0xC0A80000u, 16, BT_ADDR_PRIVATE},
        {0xC6120000u, 15, BT_ADDR_RESERVED},   /* benchmarking */
        {0xC6336400u, 24, BT_ADDR_RESERVED},   /* TEST-NET-2 */
        {0xCB007100u, 24, BT_ADDR_RESERVED},   /* TEST-NET-3 */
        {0xE0000000u, 4, BT_ADDR_MULTICAST},
        {0xF0000000u, 4, BT_ADDR_RESERVED},    /* includes 255.255.255.255 */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint32_t mask = t[i].bits ? 0xFFFFFFFFu << (32 - t[i].bits) : 0;
        if ((a & mask) == t[i].net) return t[i].c;
    }
    return BT_ADDR_PUBLIC;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bt_addr_class v6(const unsigned char *b)
{
    static const unsigned char zero[16];
    if (memcmp(b, zero, 16) == 0) return BT_ADDR_UNSPECIFIED;
    if (memcmp(b, zero, 15) == 0 && b[15] == 1) return BT_ADDR_LOOPBACK;
    /* ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the IPv4 address decides;
     * a compatible address is never public (it has no routing any more). */
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (memcmp(b, mapped, 12) == 0) return v4(be32(b + 12));
    if (memcmp(b, zero, 12) == 0) {
        bt_addr_class c = v4(be32(b + 12));
        return c == BT_ADDR_PUBLIC ? BT_ADDR_RESERVED : c;
    }
    /* NAT64 64:ff9b::/96 and 6to4 2002::/16 reach the IPv4 address inside them. */
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    if (memcmp(b, nat64, 12) == 0) return v4(be32(b + 12));
    if (b[0] == 0x20 && b[1] == 0x02) return v4(be32(b + 2));
    if (b[0] == 0xFF) return BT_ADDR_MULTICAST;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return BT_ADDR_LINKLOCAL;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return BT_ADDR_PRIVATE; /* site-local, deprecated */
    if ((b[0] & 0xFE) == 0xFC) return BT_ADDR_PRIVATE;                  /* unique local */
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return BT_ADDR_RESERVED;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return BT_ADDR_RESERVED; /* Teredo */
    if (b[0] == 0x01 && memcmp(b + 1, zero, 7) == 0) return BT_ADDR_RESERVED;          /* discard */
    if ((b[0] & 0xE0) != 0x20) return BT_ADDR_RESERVED; /* outside global unicast 2000::/3 */
    return BT_ADDR_PUBLIC;
}

bt_addr_class bt_addr_classify(const char *ip)
{
    if (!ip || !*ip) return BT_ADDR_INVALID;
    char buf[64];
    size_t n = strlen(ip);
    if (n >= sizeof buf) return BT_ADDR_INVALID;
    memcpy(buf, ip, n + 1);
    if (buf[0] == '[' && n > 2 && buf[n - 1] == ']') {
        memmove(buf, buf + 1, n - 2);
        buf[n - 2] = '\0';
    }
    char *pct = strchr(buf, '%'); /* zone index: fe80::1%eth0 */
    if (pct) *pct = '\0';
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, buf, &a4) == 1) return v4(ntohl(a4.s_addr));
    if (inet_pton(AF_INET6, buf, &a6) == 1) return v6(a6.s6_addr);
    return BT_ADDR_INVALID;
}

bt_addr_class bt_addr_classify_sa(const struct sockaddr *sa)
{
    if (!sa) return BT_ADDR_INVALID;
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;
        memcpy(&in, sa, sizeof in);
        return v4(ntohl(in.sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, sa, sizeof in6);
        return v6(in6.sin6_addr.s6_addr);
    }
    return BT_ADDR_INVALID;
}

int bt_addr_is_internal(bt_addr_class c)
{
    return c != BT_ADDR_PUBLIC;
}

const char *bt_addr_class_name(bt_addr_class c)
{
    static const char *n[] = {"public", "loopback", "private", "link-local", "multicast",
                              "unspecified", "shared (carrier-grade NAT)", "reserved", "not an IP"};
    return (unsigned)c < sizeof n / sizeof n[0] ? n[c] : "unknown";
}
