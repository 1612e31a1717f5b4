#!/usr/bin/env python3
"""httpd.py ROOT PORTFILE LOG [CERT KEY] : the web tests' own news site, on 127.0.0.1 and a free
port; over TLS (HTTPS, HTTP/1.1 only: http.server cannot speak HTTP/2) when given a certificate
and its key (PEM files).

Started and stopped by each test that needs it (tests/web.inc, tests/unit/netsrv.h), and gone by
itself within a second when the process that started it is gone. Serves the
files under ROOT with ETag and Last-Modified and answers conditional requests with 304; HTTP/1.1
with keep-alive. Writes the port to PORTFILE and one tab-separated line per request to LOG:
METHOD PATH STATUS COND USER-AGENT TIME   (COND is 1 when If-None-Match or If-Modified-Since
came; TIME is when the request arrived, seconds since the epoch with milliseconds).

Special paths (PATH below is a file under ROOT, without its leading slash):
  /status/N[?after=S]     an answer with status N (Retry-After: S when given)
  /once429/PATH           429 with Retry-After: 1 the first time, then PATH
  /sleep/MS/PATH          PATH after MS milliseconds (the log has when the request arrived)
  /redirect/N/PATH        a chain of N redirects (302) ending at /PATH
  /loop, /loop2           two redirects pointing at each other
  /to?u=URL               a 302 to URL as given (ftp:, private addresses, ...)
  /gz/PATH /deflate/PATH /br/PATH   PATH with that Content-Encoding (br needs python's brotli
                          module or the brotli command; without either the answer is 501)
  /chunked/PATH           PATH in chunked transfer coding
  /h/CHARSET/PATH         PATH as text/html; charset=CHARSET (and nothing else says it)
  /ct/TYPE/PATH           PATH with Content-Type TYPE (%2F for the slash)
  /slow                   drips one byte every half second
  /reset                  resets the connection without answering
  /cut/PATH               announces PATH's length, sends half of it, closes
  /bomb                   a gzip body of a few KB that decodes to 64 MB of zeros
A file _status/PATH under ROOT holding a number makes /PATH answer with that status (a page that
has gone away, a server in trouble), whatever else is there.
"""
import email.utils
import gzip
import hashlib
import http.server
import os
import shutil
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib

root, portfile, log = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
MTIME = email.utils.formatdate(1685170800, usegmt=True)
lock = threading.Lock()
seen_once = set()
bomb = []

TYPES = {'.html': 'text/html', '.htm': 'text/html', '.rss': 'application/rss+xml',
         '.atom': 'application/atom+xml', '.xml': 'application/xml', '.txt': 'text/plain',
         '.jpg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.pdf': 'application/pdf',
         '.webp': 'image/webp'}


def brotli_compress(data):
    try:
        import brotli
        return brotli.compress(data)
    except ImportError:
        pass
    if shutil.which('brotli'):
        return subprocess.run(['brotli', '-c'], input=data, capture_output=True, check=True).stdout
    return None


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold every keep-alive answer back by ~40 ms
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def parse_request(self):
        self.arrived = time.time()
        return super().parse_request()

    def note(self, status):
        cond = int(bool(self.headers.get('If-None-Match') or self.headers.get('If-Modified-Since')))
        ua = self.headers.get('User-Agent', '')
        with lock, open(log, 'a') as f:
            f.write(f'{self.command}\t{self.path}\t{status}\t{cond}\t{ua}\t{self.arrived:.3f}\n')

    def send(self, status, body=b'', ctype='text/plain', extra=()):
        self.note(status)
        self.send_response(status)
        if status != 304:
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if status != 304 and self.command != 'HEAD':
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def file(self, rel):
        fp = os.path.normpath(os.path.join(root, rel.lstrip('/')))
        if not fp.startswith(os.path.abspath(root)) or not os.path.isfile(fp):
            return None, None
        ext = os.path.splitext(fp)[1].lower()
        return open(fp, 'rb').read(), TYPES.get(ext, 'application/octet-stream')

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        p, q = u.path, urllib.parse.parse_qs(u.query)
        if p.startswith('/status/'):
            n = int(p.split('/')[2])
            extra = [('Retry-After', q['after'][0])] if 'after' in q else []
            return self.send(n, f'status {n}\n'.encode(), extra=extra)
        if p.startswith('/once429/'):
            with lock:
                first = p not in seen_once
                seen_once.add(p)
            if first:
                return self.send(429, b'slow down\n', extra=[('Retry-After', '1')])
            p = p[len('/once429'):]
        if p.startswith('/sleep/'):
            _, _, ms, rest = p.split('/', 3)
            time.sleep(int(ms) / 1000)
            p = '/' + rest
        if p.startswith('/redirect/'):
            _, _, n, rest = p.split('/', 3)
            n = int(n)
            loc = f'/redirect/{n - 1}/{rest}' if n > 1 else '/' + rest
            return self.send(302, b'', extra=[('Location', loc)])
        if p == '/loop':
            return self.send(302, b'', extra=[('Location', '/loop2')])
        if p == '/loop2':
            return self.send(301, b'', extra=[('Location', '/loop')])
        if p == '/to':
            return self.send(302, b'', extra=[('Location', q['u'][0])])
        if p == '/slow':
            self.note(200)
            self.send_response(200)
            self.send_header('Content-Type', 'text/html')
            self.send_header('Content-Length', '1000')
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b' ')
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            return
        if p == '/reset':
            self.note(0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if p == '/bomb':
            with lock:
                if not bomb:
                    bomb.append(gzip.compress(b'\0' * (64 << 20), compresslevel=9, mtime=0))
            return self.send(200, bomb[0], 'text/html', [('Content-Encoding', 'gzip')])
        forced = self.file('/_status' + p)[0]
        if forced is not None and p.startswith('/') and not p.startswith('/_status/'):
            n = int(forced.strip() or b'500')
            return self.send(n, f'status {n}\n'.encode())
        mode, arg = '', None
        for pre in ('/gz/', '/deflate/', '/br/', '/chunked/', '/cut/'):
            if p.startswith(pre):
                mode, p = pre.strip('/'), p[len(pre) - 1:]
                break
        else:
            if p.startswith('/h/') or p.startswith('/ct/'):
                _, mode, arg, rest = p.split('/', 3)
                arg, p = urllib.parse.unquote(arg), '/' + rest
        body, ctype = self.file(p)
        if body is None:
            return self.send(404, b'not found\n')
        if mode == 'h':
            ctype = f'text/html; charset={arg}'
        elif mode == 'ct':
            ctype = arg
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        extra = [('ETag', etag), ('Last-Modified', MTIME)]
        inm, ims = self.headers.get('If-None-Match'), self.headers.get('If-Modified-Since')
        if (inm and inm == etag) or (not inm and ims == MTIME):
            return self.send(304, b'', extra=extra)
        if mode == 'gz':
            body = gzip.compress(body, mtime=0)
            extra.append(('Content-Encoding', 'gzip'))
        elif mode == 'deflate':
            body = zlib.compress(body)
            extra.append(('Content-Encoding', 'deflate'))
        elif mode == 'br':
            body = brotli_compress(body)
            if body is None:
                return self.send(501, b'no brotli encoder here\n')
            extra.append(('Content-Encoding', 'br'))
        elif mode == 'cut':
            self.note(200)
            self.send_response(200)
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        elif mode == 'chunked':
            self.note(200)
            self.send_response(200)
            self.send_header('Content-Type', ctype)
            self.send_header('Transfer-Encoding', 'chunked')
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            for i in range(0, len(body), 1000):
                c = body[i:i + 1000]
                self.wfile.write(b'%x\r\n' % len(c) + c + b'\r\n')
            self.wfile.write(b'0\r\n\r\n')
            return
        return self.send(200, body, ctype, extra)


class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # a client refusing our certificate, or hanging up: what the tests provoke on purpose
        if isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError)):
            return
        super().handle_error(request, client_address)


def orphan_watch(parent):
    # the test that started us may die without stopping us (a signal, SIGKILL, a crash): when we
    # are handed to another parent, nobody needs us any more
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=orphan_watch, args=(os.getppid(),), daemon=True).start()
srv = S(('127.0.0.1', 0), H)
if len(sys.argv) > 5:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[4], sys.argv[5])
    tls.set_alpn_protocols(['http/1.1'])
    # the handshake happens in the request's thread: a client that never finishes it (or a
    # plain-HTTP one) does not hold up the others
    srv.socket = tls.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
with open(portfile + '.tmp', 'w') as f:
    f.write(str(srv.server_address[1]))
os.replace(portfile + '.tmp', portfile)
srv.serve_forever()
