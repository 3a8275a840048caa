#!/usr/bin/env bats
# A fresh machine: a bare Debian 12 root (scripts/setup/bare-root.sh) gets what
# it needs from scripts/setup/install-deps.sh alone, and every tool the scripts
# call then works there (scripts/setup/check-tools.sh), git send-email over SMTP
# with STARTTLS and AUTH included. Needs root and the Debian mirror; about
# 6 min the first time (debootstrap, downloads), 3 min after.

load helpers

# One bare root, shared by the tests in order.
export BATS_NO_PARALLELIZE_WITHIN_FILE=true

# Packages of install-deps.sh that only a Recommends names: leaving one
# out (with what depends on it: libemail-valid-perl on libmailtools-perl)
# must fail check-tools.sh. The others come anyway as Depends (libc6-dev,
# ca-certificates; libio-socket-ssl-perl through libmailtools-perl,
# libdigest-hmac-perl through libnet-dns-perl) and are named in
# install-deps.sh only to say why they are needed.
LEFT_OUT=(
	"libmailtools-perl libemail-valid-perl"
	libemail-valid-perl
	libauthen-sasl-perl
	build-essential
)

# can_chroot: root, with mount namespaces (not in an unprivileged container).
can_chroot() {
	[[ $EUID -eq 0 ]] && unshare --mount true 2>/dev/null
}

setup_file() {
	can_chroot || return 0
	export BARE=$BATS_FILE_TMPDIR/root
	"$REPO/scripts/setup/bare-root.sh" --make "$BARE" >"$BATS_FILE_TMPDIR/make.log" 2>&1
	"$REPO/scripts/setup/bare-root.sh" --in "$BARE" -- scripts/setup/install-deps.sh \
		>"$BATS_FILE_TMPDIR/deps.log" 2>&1 && echo 0 >"$BATS_FILE_TMPDIR/deps.rc" ||
		echo $? >"$BATS_FILE_TMPDIR/deps.rc"
}

teardown_file() {
	[[ -z ${BARE:-} || ! -d $BARE ]] || "$REPO/scripts/setup/bare-root.sh" --remove "$BARE"
}

setup() {
	can_chroot || skip "needs root and mount namespaces (chroot and mounts)"
}

in_bare() {
	run "$REPO/scripts/setup/bare-root.sh" --in "$BARE" -- "$@"
}

@test "bare root: it is bare before install-deps.sh (no git, no gcc, no Perl mail modules)" {
	# A root that already had the tools would prove nothing.
	run "$REPO/scripts/setup/bare-root.sh" --make "$BATS_TEST_TMPDIR/fresh"
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2016 # expanded in the root
	run "$REPO/scripts/setup/bare-root.sh" --in "$BATS_TEST_TMPDIR/fresh" -- \
		sh -c 'for t in git gcc make qemu-system-x86_64; do command -v "$t" && exit 1; done
			perl -MMail::Address -e1 2>/dev/null && exit 1; exit 0'
	[ "$status" -eq 0 ]
	"$REPO/scripts/setup/bare-root.sh" --remove "$BATS_TEST_TMPDIR/fresh"
}

@test "bare root: install-deps.sh installs everything and builds sparse" {
	cat "$BATS_FILE_TMPDIR/deps.log"
	[ "$(cat "$BATS_FILE_TMPDIR/deps.rc")" -eq 0 ]
	grep -q 'sparse built' "$BATS_FILE_TMPDIR/deps.log"
}

@test "bare root: fetching sparse's source from sid, as root and as a user, leaves the system's apt as it was; an older version's sid file goes" {
	# New caches: sparse is fetched and built again, by root, then by
	# nobody in a cache of its own.
	# shellcheck disable=SC2016 # expanded in the root
	in_bare sh -c 'snap() {
			find /etc/apt /var/lib/apt /var/cache/apt -printf "%p %s %T@\n" | sort
			find /etc/apt /var/lib/apt /var/cache/apt -type f -exec sha256sum {} + | sort
		}
		snap >/tmp/apt.before
		XE_STACK_CACHE=/tmp/new-cache scripts/setup/install-deps.sh --no-apt >/tmp/sparse.log 2>&1 || { cat /tmp/sparse.log; exit 1; }
		grep -q "sparse built" /tmp/sparse.log || { cat /tmp/sparse.log; exit 1; }
		mkdir -p /tmp/nobody && chown 65534:65534 /tmp/nobody
		setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp/nobody XE_STACK_CACHE=/tmp/nobody/cache \
			scripts/setup/install-deps.sh --no-apt >/tmp/sparse-user.log 2>&1 || { cat /tmp/sparse-user.log; exit 1; }
		grep -q "sparse built" /tmp/sparse-user.log || { cat /tmp/sparse-user.log; exit 1; }
		snap >/tmp/apt.after
		diff /tmp/apt.before /tmp/apt.after && ! grep -rqsw sid /etc/apt || exit 1
		# What an older install-deps.sh added goes, and only that.
		old=/etc/apt/sources.list.d/xe-stack-sid-src.sources
		printf "Types: deb-src\nURIs: http://mirror.invalid/debian/\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n" >$old
		XE_STACK_CACHE=/tmp/new-cache scripts/setup/install-deps.sh --no-apt >/tmp/old.log 2>&1 && [ ! -e $old ] || { cat /tmp/old.log; exit 1; }
		printf "Types: deb-src\nURIs: http://mirror.invalid/debian/\nSuites: sid\nComponents: main contrib\n" >$old
		XE_STACK_CACHE=/tmp/new-cache scripts/setup/install-deps.sh --no-apt >/tmp/old.log 2>&1 && [ -e $old ] || { cat /tmp/old.log; exit 1; }
		grep -q "is no longer used by install-deps.sh" /tmp/old.log && rm $old'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "bare root: every tool the scripts use works (check-tools.sh)" {
	in_bare scripts/setup/check-tools.sh
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *FAIL* ]]
	[ "$(grep -c '^ok ' <<<"$output")" -eq "$("$REPO/scripts/setup/check-tools.sh" --list | wc -l)" ]
}

@test "bare root: git send-email sends over SMTP with STARTTLS and AUTH" {
	in_bare tests/data/send-email-smtp.sh
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"sent over STARTTLS with AUTH"* ]]
}

@test "bare root: leaving out a package that is only recommended fails check-tools.sh" {
	for set in "${LEFT_OUT[@]}"; do
		# install-deps.sh without the set, on a root without it.
		in_bare bash -c "
			set -e
			apt-get purge -y -qq $set >/dev/null
			rm -rf /tmp/left-out && mkdir /tmp/left-out
			cp -r scripts pin.conf project.conf /tmp/left-out/
			for p in $set; do
				grep -qw \$p /tmp/left-out/scripts/setup/install-deps.sh
				sed -i \"s/\\<\$p\\>//\" /tmp/left-out/scripts/setup/install-deps.sh
			done
			/tmp/left-out/scripts/setup/install-deps.sh >/dev/null 2>&1
			exec scripts/setup/check-tools.sh"
		echo "without $set: $output"
		[ "$status" -eq 1 ]
		grep -q "^FAIL  ${set%% *} " <<<"$output"
	done
	# And the real install-deps.sh puts them back.
	in_bare sh -c 'scripts/setup/install-deps.sh >/dev/null 2>&1 && scripts/setup/check-tools.sh'
	[ "$status" -eq 0 ]
}
