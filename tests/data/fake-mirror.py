#!/usr/bin/python3
"""A Debian mirror on loopback for the tests: serves DIR over HTTP, or,
with --stall, accepts connections and never answers. Writes the port it
listens on to PORTFILE once it listens; runs until killed."""
import argparse
import functools
import http.server
import os
import socket


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("portfile")
    ap.add_argument("dir", nargs="?", default=".")
    ap.add_argument("--stall", action="store_true",
                    help="accept and send nothing")
    args = ap.parse_args()
    if args.stall:
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        port = srv.getsockname()[1]
        held = []
    else:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                    directory=args.dir)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        port = httpd.server_address[1]
    with open(args.portfile + ".tmp", "w") as f:
        f.write(f"{port}\n")
    os.rename(args.portfile + ".tmp", args.portfile)
    if args.stall:
        while True:
            conn, _ = srv.accept()
            held.append(conn)
    else:
        httpd.serve_forever()


if __name__ == "__main__":
    main()
