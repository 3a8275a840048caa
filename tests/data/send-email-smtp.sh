#!/usr/bin/env bash
# Usage: send-email-smtp.sh
#
# Send one small mail with git send-email, for real, to a local SMTP
# server (smtp-server.py) that demands STARTTLS, then AUTH: proves that
# the Perl modules git send-email loads for TLS and authentication are
# there. Then checks that the server refuses a mail sent without TLS and
# one sent without AUTH, so that the success means something.
# Needs openssl and Debian's python3-aiosmtpd.
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
	sed -n '2,/^[^#]/{/^#/{s/^# \{0,1\}//;p}}' "$0"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "send-email-smtp: $*" >&2; exit 1; }

mkdir maildir
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' -keyout key.pem -out cert.pem 2>/dev/null
# The server serves until its standard input, a pipe held here, closes.
mkfifo ctl
/usr/bin/python3 "$here/smtp-server.py" cert.pem key.pem xe-user xe-secret maildir <ctl >port 2>server.log &
server=$!
exec 4>ctl
trap 'exec 4>&-; wait "$server" || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	[[ -s port ]] && break
	sleep 0.1
done
[[ -s port ]] || fail "the SMTP server did not start: $(cat server.log)"
port=$(cat port)

printf 'From: Xe Test <xe-test@example.invalid>\nSubject: [PATCH] smoke\nMessage-Id: <smtp-smoke@example.invalid>\n\nsmoke\n' >smoke.patch
# send [OPTION...]: git send-email to the local server, a minute at most.
send() {
	timeout 60 git send-email --confirm=never --no-validate --quiet \
		--from='Xe Test <xe-test@example.invalid>' --to=list@example.invalid \
		--smtp-server=localhost --smtp-server-port="$port" \
		--smtp-ssl-cert-path="$tmp/cert.pem" "$@" smoke.patch </dev/null
}
send --smtp-encryption=tls --smtp-user=xe-user --smtp-pass=xe-secret ||
	fail "git send-email over STARTTLS with AUTH failed"
grep -qi '^Message-Id: <smtp-smoke@example.invalid>' maildir/1.eml ||
	fail "the server did not receive the mail"
if send --smtp-user=xe-user --smtp-pass=xe-secret >plain.log 2>&1; then
	fail "the server took AUTH without TLS: the check proves nothing"
fi
grep -q "Command unknown: 'AUTH'" plain.log || fail "no TLS: not refused for AUTH: $(cat plain.log)"
if send --smtp-encryption=tls >noauth.log 2>&1; then
	fail "the server took a mail without AUTH: the check proves nothing"
fi
grep -q 'Authentication required' noauth.log || fail "no AUTH: not refused for it: $(cat noauth.log)"
[[ $(ls maildir) == 1.eml ]] || fail "the server accepted a mail it should have refused"
echo "send-email-smtp: sent over STARTTLS with AUTH; without TLS or AUTH it is refused"
