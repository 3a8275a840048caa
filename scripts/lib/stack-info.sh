#!/usr/bin/env bash
# Usage: stack-info.sh [--series FILE] [--patches DIR] WHAT [NAME]
#
# What the project's files say, read by the scripts' own parsers
# (lib.sh): for the CI jobs, the tests and anything not written in bash.
#
#   patches          the patches of the series, in order
#   tops             the series' tops, by number (1 = the first patch): the
#                    last patch of each mail series, and the last patch
#   mails            the mail series, in order
#   own NAME         the patches of mail series NAME
#   with NAME        the patches of earlier series that NAME's mails carry
#   mail NAME        what NAME's mails hold: the carried patches, then its own
#   configs ROLE     the configs of config-fragments/matrix with role ROLE
#                    (pipeline, extra, debian), one per line
#   when CONFIG      when the pipeline builds CONFIG: patch or top
#
#   --series FILE    the series file (default: series)
#   --patches DIR    where its patches are (default: patches/)
#   -h, --help       this text
set -euo pipefail
# shellcheck source=../lib/lib.sh
. "$(dirname "$0")/../lib/lib.sh"

series=$REPO_DIR/series patches=$REPO_DIR/patches
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--series) optval "$@"; series=$2; shift ;;
	--patches) optval "$@"; patches=$2; shift ;;
	-*) die usage "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
(($#)) || die usage "what to print? (see --help)"
what=$1 name=${2:-}
case $what in
patches | mails | tops) (($# == 1)) || die usage "$what takes no name" ;;
own | with | mail | configs | when) (($# == 2)) || die usage "$what needs a name" ;;
*) die usage "unknown question '$what' (see --help)" ;;
esac

case $what in
configs)
	matrix_configs "$name" | tr ' ' '\n' | sed '/^$/d'
	exit 0
	;;
when)
	matrix_config "$name"
	echo "${matrix_when[$name]}"
	exit 0
	;;
patches)
	read_series "$series" "$patches" empty-ok
	((${#entries[@]} == 0)) || printf '%s\n' "${entries[@]}"
	exit 0
	;;
tops)
	read_series "$series" "$patches" empty-ok
	series_tops | sort -nu
	exit 0
	;;
esac
read_mail_series "$series" "$patches"
case $what in
mails) printf '%s\n' "${mail_names[@]}" ;;
*)
	[[ -n ${mail_own[$name]+x} ]] || die usage "no mail series '$name' in $series"
	case $what in
	own) printf '%s' "${mail_own[$name]}" ;;
	with) printf '%s' "${mail_with[$name]}" ;;
	mail) printf '%s%s' "${mail_with[$name]}" "${mail_own[$name]}" ;;
	esac
	;;
esac
