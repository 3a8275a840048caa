#!/usr/bin/env python3
"""Judge a boot-test console: splats, failed steps, an unfinished guest.

Usage: check-boot.py CONSOLE OUT_SIGS [BASE_SIGS | --record]

Splats listed in kunit-configs/known-splats (7.3's own, measured) never
fail, whatever the base run showed: a line there is a whole signature,
or a message alone, which matches it from any stack.

Writes to OUT_SIGS one line per splat signature with its count: WARNING,
BUG (KASAN included), lockdep reports, Oops, panics and kmemleak leaks,
with CPU, PID, addresses, offsets and line numbers removed so that the
same splat matches across patches, then " @ " and the splat's stack
fingerprint: the top frames of its call trace, by function name (see
fingerprint()). The same message reached from another caller is another
splat. With BASE_SIGS (the unpatched
kernel's), only splats that occur more often than there fail: 7.3's own
KUnit suites warn on purpose. With --record (the base itself), splats are
only recorded. Any "XE-STACK: FAIL" line, or a console
without "XE-STACK: done", fails too. Prints what failed, with the console
lines around it; exits 1 on failure.
"""
import collections
import os
import re
import sys

START = re.compile(
    r"^(?:\[[ \d.]+\] )?("
    r"WARNING: .*|BUG: .*|Oops: .*|general protection fault.*|"
    r"Kernel panic - not syncing.*|unreferenced object 0x[0-9a-f]+ \(size \d+\).*|"
    r"============================================.*|"
    r"UBSAN: .*|INFO: task .* blocked for more than.*)$")
NOISE = [
    (re.compile(r"CPU: \d+ (UID: \d+ )?PID: \d+ "), ""),
    (re.compile(r"0x[0-9a-f]+"), "X"),
    (re.compile(r"\+X/X"), ""),
    (re.compile(r":\d+"), ""),
    (re.compile(r"\(comm [^)]*\)"), ""),
    (re.compile(r"\b\d+\b"), "N"),
]


ALLOC_FRAME = re.compile(r"^(kmemleak_alloc|__?k[mv]?z?alloc|kmem_cache_alloc|krealloc|"
                         r"kstrdup|kmemdup|__kmalloc|slab_|__slab|alloc_|__alloc|"
                         r"kunit_kmalloc|kmalloc|kvmalloc|__kvmalloc)")


def leak_signature(line, following):
    """Size, task and first caller past the allocator of a kmemleak report."""
    size = re.search(r"\(size (\d+)\)", line).group(1)
    comm, caller = "?", "?"
    for l in following:
        m = re.search(r'comm "([^"]*)"', l)
        if m:
            comm = m.group(1)
        m = re.match(r"^\s+(?:\[<[0-9a-f]+>\]\s*)?([A-Za-z_][\w.]*)\+0x", l)
        if m and not ALLOC_FRAME.match(m.group(1)) and caller == "?":
            caller = m.group(1)
        if l.startswith("unreferenced object") or "XE-STACK:" in l:
            break
    return f"kmemleak: unreferenced object (size {size}) comm {comm} from {caller}"


def signature(line):
    for rx, rep in NOISE:
        line = rx.sub(rep, line)
    return re.sub(r"\s+", " ", line).strip()


FRAME = re.compile(r"^(?:\[[ \d.]+\])?\s+(\? )?([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+"
                   r"(?: \[(\w+)\])?")
TRACE_END = re.compile(r"---\[ end trace|</TASK>|XE-STACK:|(Allocated|Freed) by task")
# Frames every splat of a kind shares: the reporting machinery above the
# code that splatted, the task's entry below it.
GENERIC = re.compile(r"^(dump_stack|dump_stack_lvl|__warn|warn_slowpath_fmt|report_bug|"
                     r"handle_bug|exc_invalid_op|asm_exc_\w+|print_report|kasan_\w+|"
                     r"__kasan_\w+|__asan_\w+|check_\w+|print_\w+_bug|__lock_acquire|"
                     r"lock_acquire|validate_chain|lockdep_\w+|kunit_\w+|kthread|"
                     r"ret_from_fork(_asm)?|do_syscall_64|entry_SYSCALL_64\w*|"
                     r"do_one_initcall|do_init_module|load_module|init_module_from_file|"
                     r"__do_sys_\w+|__x64_sys_\w+|idempotent_init_module)$")
DEPTH = 3


def fingerprint(following):
    """The splat's stack: its first DEPTH reliable frames past "Call
    Trace:" ("?" ones are guesses) that are not reporting machinery or
    task entry, as function names (with the module), so that it survives
    rebuilds and moved lines: the names scripts/decode_stacktrace.sh
    prints for them."""
    frames, reliable, trace = [], [], False
    for l in following:
        if START.match(l) or TRACE_END.search(l):
            break
        if l.rstrip().endswith("Call Trace:"):
            trace = True
            continue
        m = FRAME.match(l)
        if not (trace and m) or m.group(1):
            continue
        name = m.group(2) + (f" [{m.group(3)}]" if m.group(3) else "")
        reliable.append(name)
        if not GENERIC.match(m.group(2)):
            frames.append(name)
        if len(frames) == DEPTH:
            break
    # A stack of machinery only (a module's init, say) is its own
    # fingerprint.
    return " < ".join(frames or reliable[:DEPTH])


def splats(lines):
    """(line index, signature) of each splat: the message without what
    changes from run to run, then "@" and its stack fingerprint."""
    out = []
    for i, raw in enumerate(lines):
        m = START.match(raw)
        if not m:
            continue
        text = m.group(1)
        if text.startswith("====="):
            continue
        if text.startswith("unreferenced object"):
            out.append((i, leak_signature(text, lines[i + 1:i + 30])))
            continue
        sig = signature(text)
        # A lockdep report prints its chains before the call trace.
        stack = fingerprint(lines[i + 1:i + 400])
        out.append((i, f"{sig} @ {stack}" if stack else sig))
    return out


def excerpt(lines, first):
    """A splat's first line and its call trace's reliable frames, as
    scripts/decode_stacktrace.sh takes them; the first 12 lines if it has
    no call trace."""
    out, trace = [lines[first]], False
    for l in lines[first + 1:first + 80]:
        if START.match(l) or TRACE_END.search(l):
            break
        if l.rstrip().endswith("Call Trace:"):
            trace = True
        elif trace and FRAME.match(l) and not FRAME.match(l).group(1):
            out.append(l.rstrip())
    return out if trace else lines[first:first + 12]


def known_splat(sig, known):
    """A line of known-splats is a whole signature, or a message that any
    stack under it matches."""
    return sig in known or sig.split(" @ ", 1)[0] in known


def main(argv):
    if len(argv) not in (3, 4) or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    try:
        lines = open(argv[1], errors="replace").read().splitlines()
    except OSError as e:
        print(f"no console to judge: {e}")
        open(argv[2], "w").close()
        return 1
    found = splats(lines)
    counts = collections.Counter(sig for _, sig in found)
    with open(argv[2], "w") as f:
        for sig, n in sorted(counts.items()):
            f.write(f"{n}\t{sig}\n")
    base = collections.Counter()
    if len(argv) == 4 and argv[3] == "--record":
        base = counts
    elif len(argv) == 4:
        for row in open(argv[3]):
            n, sig = row.rstrip("\n").split("\t", 1)
            base[sig] = int(n)
    known = set()
    known_file = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "..", "kunit-configs", "known-splats")
    if os.path.exists(known_file):
        known = {l.rstrip("\n") for l in open(known_file)
                 if l.strip() and not l.startswith("#")}
    failed = False
    for sig, n in sorted(counts.items()):
        if n > base[sig] and not known_splat(sig, known):
            failed = True
            print(f"new splat ({n} here, {base[sig]} in the base): {sig}")
            first = next(i for i, s in found if s == sig)
            print("\n".join("    " + l for l in excerpt(lines, first)))
    for l in lines:
        if "XE-STACK: FAIL" in l:
            failed = True
            print(l.strip())
    if not any(l.strip().endswith("XE-STACK: done") for l in lines):
        failed = True
        print("the guest did not reach its end; last console lines:")
        print("\n".join("    " + l for l in lines[-25:]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
