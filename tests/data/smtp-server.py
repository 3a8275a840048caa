#!/usr/bin/python3
"""Usage: smtp-server.py CERT KEY USER PASSWORD MAILDIR

A local SMTP server for the tests: it listens on 127.0.0.1, demands
STARTTLS (CERT, KEY) and then AUTH as USER/PASSWORD, and writes every
message it accepts to MAILDIR/N.eml. It prints the port once it listens,
then serves until its standard input closes.
"""

import socket
import ssl
import sys
from pathlib import Path



class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        (self.maildir / f"{self.count}.eml").write_bytes(envelope.original_content)
        return "250 OK"


def main():
    if len(sys.argv) != 6 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) == 2 else 2)
    cert, key, user, password, maildir = sys.argv[1:]
    # Debian's python3-aiosmtpd, imported once --help is answered.
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login == user.encode()
              and data.password == password.encode())
        return AuthResult(success=ok)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(Path(maildir)), hostname="127.0.0.1", port=port,
                            tls_context=context, require_starttls=True,
                            auth_required=True, auth_require_tls=True,
                            authenticator=authenticate)
    controller.start()
    print(port, flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
