#!/usr/bin/env python3
"""Read and edit the headers of the mails git format-patch writes.

Usage: mail-headers.py get FILE NAME
       mail-headers.py text FILE NAME
       mail-headers.py addresses FILE NAME
       mail-headers.py unfold FILE...
       mail-headers.py rewrite FILE IDMAP RCPTS

get:     the value of header NAME of FILE, continuation lines joined.
text:    the same, decoded from RFC 2047 (format-patch encodes a subject
         or a name that is not ASCII).
addresses: the addresses of header NAME of FILE, one "Name <addr>" (or
         "<addr>") per line, names decoded from RFC 2047 (format-patch
         encodes a From: name that is not ASCII).
unfold:  FILEs to standard output with every header on one line (b4 0.12
         cannot read a folded From:); bodies as they are.
rewrite: in FILE, each old Message-Id of IDMAP ("OLD NEW" lines) becomes
         its new one in Message-Id, In-Reply-To and References, and the
         recipients of RCPTS ("To<TAB>ADDR" and "Cc<TAB>ADDR" lines) are
         added as To: and Cc: headers at the end of the header.

Headers are parsed with Python's email package; the body, which holds
the patch, is never parsed nor rewritten: its bytes are kept as they are.
"""
import os
import re
import sys
from email import policy
from email.header import decode_header, make_header
from email.errors import HeaderParseError
from email.parser import HeaderParser
from email.utils import getaddresses

ID_HEADERS = ("message-id", "in-reply-to", "references")


def split(path):
    """The mbox From_ line, the parsed header, the line end and the raw
    rest of a mail: the blank line that ends the header, and the body."""
    data = open(path, "rb").read()
    first = b""
    if data.startswith(b"From "):
        first, data = data.split(b"\n", 1)
        first += b"\n"
    end = re.search(rb"\r?\n\r?\n", data)
    if not end:
        sys.exit(f"mail-headers: {path}: no end of header")
    eol = "\r\n" if data[end.start():end.start() + 2] == b"\r\n" else "\n"
    head, rest = data[:end.start()], data[end.start() + len(eol):]
    # As text: compat32 then keeps every value as the string it was,
    # UTF-8 names of the recipients included.
    text = head.decode("utf-8", "surrogateescape")
    msg = HeaderParser(policy=policy.compat32).parsestr(text)
    if msg.defects or msg.get_payload():
        sys.exit(f"mail-headers: {path}: a line of the header is no header: "
                 f"{(msg.get_payload() or str(msg.defects[0])).splitlines()[0]}")
    return first, msg, eol, rest


def unfolded(value):
    return re.sub(r"\r?\n[ \t]+", " ", value).strip()


def decoded(value):
    """VALUE with its RFC 2047 encoded words decoded."""
    try:
        return str(make_header(decode_header(value))) if value else ""
    except (LookupError, UnicodeDecodeError, HeaderParseError) as e:
        sys.exit(f"mail-headers: cannot decode '{value}': {e}")


def raw(text):
    return text.encode("utf-8", "surrogateescape")


def folded(name, addrs, eol):
    """One header of addresses, one per line."""
    return f"{name}: " + f",{eol}    ".join(addrs) + eol


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    cmd, args = argv[1], argv[2:]
    if cmd == "get" and len(args) == 2:
        _, msg, _, _ = split(args[0])
        value = msg.get(args[1])
        print(unfolded(value) if value is not None else "")
        return 0
    if cmd == "text" and len(args) == 2:
        _, msg, _, _ = split(args[0])
        value = msg.get(args[1])
        print(decoded(unfolded(value)) if value is not None else "")
        return 0
    if cmd == "addresses" and len(args) == 2:
        _, msg, _, _ = split(args[0])
        values = [unfolded(v) for v in msg.get_all(args[1], [])]
        for name, addr in getaddresses(values):
            name = decoded(name)
            print(f"{name} <{addr}>" if name else f"<{addr}>")
        return 0
    if cmd == "unfold" and args:
        out = sys.stdout.buffer
        for path in args:
            first, msg, eol, rest = split(path)
            out.write(first + b"".join(raw(f"{k}: {unfolded(v)}{eol}") for k, v in msg.items()) + rest)
        return 0
    if cmd == "rewrite" and len(args) == 3:
        path, idmap, rcpts = args
        ids = dict(line.split()[:2] for line in open(idmap) if len(line.split()) >= 2)
        to, cc = [], []
        for line in open(rcpts):
            kind, _, addr = line.rstrip("\n").partition("\t")
            if addr:
                (to if kind == "To" else cc).append(addr)
        first, msg, eol, rest = split(path)
        lines = []
        for k, v in msg.items():
            if k.lower() in ID_HEADERS:
                for old, new in ids.items():
                    v = v.replace(old, new)
            lines.append(f"{k}: {v}{eol}")
        if to:
            lines.append(folded("To", to, eol))
        if cc:
            lines.append(folded("Cc", cc, eol))
        with open(path + ".new", "wb") as f:
            f.write(first + raw("".join(lines)) + rest)
        os.replace(path + ".new", path)
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
