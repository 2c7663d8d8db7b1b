#!/usr/bin/env python3
"""A fuzz campaign against the built oneproxy binary (see scripts/fuzz.sh, which finds it).

Statements are drawn from the command registry's own declarations: `help` lists the commands,
`help COMMAND` their options and runnable examples. They are mutated and filled with hostile
values: huge and tiny numbers, deep nesting, long words, control bytes (ESC, BEL, OSC 52, NUL,
CR, DEL), mutated CSV files and non-regular files (a FIFO, /dev/zero, a folder, a link to a
device) in a temporary working folder. Batches run as a script, through -c and through a pipe,
each with and without --safe; single statements run through -c.

Counted, per run:
- crash: the process ended on a signal it did not ask for;
- hang: no output for 10 s (every batch runs with --echo, so each statement prints), and a
  SIGINT then did not end it within 5 s (it was killed);
- slow: no output for 10 s, but SIGINT stopped it as Ctrl-C should (reported, not a failure);
- raw control bytes: any byte 0x00-0x1F other than \\n and \\t, or 0x7F, on stdout or stderr;
- written outside: under --safe, any file that appears outside the working folder (a sentinel
  folder beside it that statements aim at).

Everything is seeded: `fuzz.py BINARY --seed S` draws the same statements again, and each finding
is saved with the statements that produced it under the report folder.
"""
import argparse
import json
import os
import random
import re
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
HANG_SECONDS = 10.0


def help_declarations(binary, cwd):
    """Commands, their options and example statements, from the binary's own help."""
    top = subprocess.run([binary, "--no-color", "-c", "help"], capture_output=True, cwd=cwd, timeout=60).stdout.decode()
    commands = []
    for line in top.splitlines():
        m = re.match(r"^  ([a-z]+)\s{2,}\S", line)
        if m:
            commands.append(m.group(1))
    decl = {}
    for c in commands:
        text = subprocess.run([binary, "--no-color", "-c", f"help {c}"], capture_output=True, cwd=cwd, timeout=60).stdout.decode()
        options = re.findall(r"^  ([a-z_]+)=", text, re.M)
        examples, usage, section = [], [], None
        for line in text.splitlines():
            if line.startswith("examples:"):
                section = "examples"
                continue
            if line.startswith("usage:"):
                section = "usage"
                continue
            if line and not line.startswith(" "):
                section = None
            if section == "examples" and line.startswith("  "):
                examples.append(line.strip())
            if section == "usage" and line.startswith("  "):
                usage.append(line.strip())
        decl[c] = {"options": options, "examples": examples, "usage": usage}
    return decl


class Generator:
    DATASETS = ["oneproxy-nb201", "help-nb201", "help-fbnet", "help-ofa"]
    DEVICES = ["true_vpu", "eagle_gtx", "eagle_cpu_855", "pixel3", "raspi4", "gold_6226", "titan_rtx_1",
               "1080ti_1", "fpga", "eyeriss", "samsung_s7", "cifar10", "cifar100", "imagenet16"]
    CONTROL_TEXT = ["\x1b[2J", "\x07", "\x1b]52;c;cHduZWQ=\x07", "\x00", "\r", "\x7f", "\x1b[31m", "\x08", "\x1b]0;title\x07",
                    "\u009b2J", "\u202e"]
    NUMBERS = ["0", "-0", "1", "-1", "1e300", "-1e300", "1e308", "1.7976931348623157e308", "1e309", "5e-324", "1e-300",
               "1e155", "9999999999999999999999", "-9223372036854775809", "9223372036854775807", "0.0000001", "nan", "inf",
               "-inf", "1e-3ms", "1e300ms", "5ms", "0.005s", "12us", "93%", "1e999s", "3", "10", "100", "2", "0.5", "07",
               "0x10", "1_000", "+5", ".5", "5.", "1e", "--1", "1e+", "4294967296", "-5ms"]

    def __init__(self, rng, decl, files, safe):
        self.r = rng
        self.decl = decl
        self.files = files  # names inside the working folder
        self.safe = safe
        self.commands = sorted(c for c in decl if c != "measure")  # measure runs programs: not fuzzed here
        self.vars = ["d", "h", "f", "o", "u", "m", "p", "s", "e", "c", "a", "q", "x", "_"]

    def word(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            return r.choice(self.DEVICES)
        if k < 0.55:
            return r.choice(self.vars)
        if k < 0.65:
            return r.choice(self.DATASETS)
        if k < 0.72:
            return "a" * r.choice([1, 100, 5000, 200000])
        if k < 0.8:
            return r.choice(self.DEVICES) + r.choice(["_", "-", ".", "/", "~"]) + str(r.randint(0, 99))
        if k < 0.9:
            return r.choice(["all", "left", "inner", "off", "keep", "drop", "desc", "asc", "best", "linf", "l1", "l2",
                             "evolution", "exhaustive", "true", "false", "none", "é", "日本"])
        return r.choice(self.vars) + r.choice(self.CONTROL_TEXT) + "x"

    def path(self):
        r = self.r
        k = r.random()
        if k < 0.55:
            return r.choice(self.files)
        if k < 0.7:
            name = "out" + str(r.randint(0, 50)) + r.choice([".csv", ".json", ".md", ".svg", ".html", ".ops", "", ".txt"])
            if r.random() < 0.3:
                name = "sub" + str(r.randint(0, 3)) + "/" + name
            return name
        if k < 0.8:
            return "f" + r.choice(self.CONTROL_TEXT) + ".csv"
        if k < 0.9 and self.safe:
            return r.choice(["../outside/x.csv", "lnk_out/x.csv", "/OUTSIDE/y.csv", "~/x.csv", "sub0/../../outside/z.csv",
                             "//OUTSIDE//w.csv", "/proc/self/environ", "/etc/passwd"])
        return r.choice(["missing.csv", "nodir/x.csv", "", " ", "a\\\"b.csv", "x" * 300 + ".csv"])

    def string(self, text=None):
        if text is None:
            text = self.path()
        text = text.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + text + '"'

    def number(self):
        return self.r.choice(self.NUMBERS)

    def where(self):
        r = self.r
        n = r.choice([1, 2, 3, 50, 1001])
        ops = ["<", "<=", ">", ">=", "=", "==", "!", "=>"]
        return '"' + " and ".join(f"{r.choice(self.DEVICES)} {r.choice(ops)} {self.number()}" for _ in range(n)) + '"'

    def value(self, depth=0, clean=False):
        r = self.r
        k = r.random()
        if clean:
            # Values a user could mean: names, numbers (the extremes too), small lists, paths.
            if k < 0.4:
                return r.choice(self.DEVICES + self.vars + self.DATASETS)
            if k < 0.7:
                return self.number()
            if k < 0.85:
                return "[" + ", ".join(r.choice([str(r.randint(0, 1999)), r.choice(self.DEVICES)])
                                       for _ in range(r.choice([1, 2, 3, 10]))) + "]"
            return self.string(r.choice(self.files) if r.random() < 0.5 else "out" + str(r.randint(0, 9)) + ".csv")
        if k < 0.3:
            return self.word()
        if k < 0.55:
            return self.number()
        if k < 0.7:
            return self.string()
        if k < 0.78 and depth < 2:
            return "[" + ", ".join(self.value(depth + 1) for _ in range(r.choice([0, 1, 2, 3, 5]))) + "]"
        if k < 0.82:
            n = r.choice([2, 50, 5000, 20000])
            return "[" * n + "1" + "]" * r.choice([0, n])
        if k < 0.86:
            return "[" + ", ".join(str(r.randint(-5, 20000)) for _ in range(r.choice([10, 1000]))) + "]"
        if k < 0.9:
            return self.where()
        return r.choice(self.CONTROL_TEXT) + self.word()

    def from_declaration(self, clean=False):
        r = self.r
        c = r.choice(self.commands)
        d = self.decl[c]
        parts = []
        if r.random() < 0.6:
            parts.append(r.choice(self.vars) + " =")
        parts.append(c)
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            parts.append(self.value(clean=clean))
        opts = d["options"]
        for _ in range(r.choice([0, 1, 2, 3]) if opts else 0):
            key = r.choice(opts)
            if key == "where":
                parts.append("where=" + self.where())
            elif c in ("load", "export", "save", "notebook", "run") and r.random() < 0.5:
                parts.append(key + "=" + self.string())
            else:
                parts.append(key + "=" + self.value(clean=clean))
        if c in ("load", "export", "save", "notebook", "run"):
            parts.insert(len(parts) - r.randint(0, 1), self.string())
        return " ".join(parts)

    def mutate(self, s):
        r = self.r
        tokens = re.findall(r'"[^"]*"|\S+', s)
        for _ in range(r.choice([1, 1, 2, 3])):
            if not tokens:
                break
            k = r.random()
            i = r.randrange(len(tokens))
            if k < 0.2:
                tokens[i] = self.number()
            elif k < 0.35:
                tokens[i] = self.word()
            elif k < 0.45:
                del tokens[i]
            elif k < 0.55:
                tokens.insert(i, tokens[i])
            elif k < 0.65:
                j = r.randrange(len(tokens))
                tokens[i], tokens[j] = tokens[j], tokens[i]
            elif k < 0.75:
                t = tokens[i]
                p = r.randrange(len(t) + 1)
                tokens[i] = t[:p] + r.choice(self.CONTROL_TEXT + ["[", "]", ",", "=", '"', "'", "#", "\\"]) + t[p:]
            elif k < 0.85 and "=" in tokens[i]:
                key = tokens[i].split("=", 1)[0]
                tokens[i] = key + "=" + self.value()
            else:
                tokens[i] = self.string()
        return " ".join(tokens)

    def example(self):
        c = self.r.choice(self.commands)
        ex = self.decl[c]["examples"]
        if not ex:
            return self.from_declaration()
        stmts = [s.strip() for s in self.r.choice(ex).split(";") if s.strip()]
        # Heavy examples (helpbench's full runs, whole-space evolution) stay at their help sizes.
        return self.mutate(self.r.choice(stmts)) if self.r.random() < 0.7 else self.r.choice(stmts)

    def statement(self):
        r = self.r
        k = r.random()
        if k < 0.05:
            return f"{r.choice('dhfo')} = load {r.choice(self.DATASETS)}"
        if k < 0.12:
            return f"u = load {self.string(r.choice(self.files))}" + r.choice(["", " name=mine", " unit=s", " unit=us", " key=arch"])
        if k < 0.16:
            return f"m = merge {r.choice('dhfou')} {r.choice('dhfou')}" + r.choice(["", " how=inner", " how=left"])
        if k < 0.40:
            c = r.choice(self.commands)
            ex = self.decl[c]["examples"]
            if ex:
                stmts = [s.strip() for s in r.choice(ex).split(";") if s.strip()]
                return r.choice(stmts)
        if k < 0.60:
            return self.example()
        if k < 0.80:
            return self.from_declaration(clean=True)
        return self.from_declaration()

    def prelude(self):
        """Bindings the statements name, made at the start of every batch."""
        return ["d = load oneproxy-nb201", "h = load help-nb201", "f = load help-fbnet", "o = load help-ofa",
                "u = load \"m1.csv\"", "s = search d acc=cifar10 lat=eagle_gtx", "p = fit d eagle_gtx",
                "x = sample d n=20 seed=1"]


def make_files(rng, work, outside):
    """Mutated CSVs and non-regular files in the working folder; returns their names."""
    names = []
    header_pool = ["arch", "cifar10", "pixel3", "true_vpu", "gpu\x1b[2Jx", "d\x07ev", "dev\x1b]52;c;QUJD\x07", "a\nb", "é",
                   "x" * 500, "", "ms", "latency_ms", "22ms"]
    archs = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
             "|avg_pool_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|", "0", "1", "1999", "15624"]
    cells = ["1.5", "2", "1e300", "1e155", "-1", "0", "nan", "inf", "", "5ms", "1e9", "1e10", "x\x1b[2J", "\x00", '"', '""',
             "3.4e38", "5e-324", "1,5", " 7 "]
    for k in range(12):
        cols = rng.randint(1, 6)
        rows = rng.choice([0, 1, 3, 40, 300])
        header = ["arch"] + [rng.choice(header_pool) for _ in range(cols)]
        lines = [",".join(header)]
        for i in range(rows):
            lines.append(",".join([rng.choice(archs) if rng.random() < 0.3 else str(i)] +
                                  [rng.choice(cells) if rng.random() < 0.3 else f"{rng.uniform(0.1, 50):.3f}" for _ in range(cols)]))
        text = rng.choice(["\n", "\r\n", "\r"]).join(lines)
        if rng.random() < 0.2:
            text = "\ufeff" + text
        data = text.encode("utf-8", "surrogatepass")
        if rng.random() < 0.3 and data:
            b = bytearray(data)
            for _ in range(rng.randint(1, 10)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data = bytes(b)
        if rng.random() < 0.1:
            data = data[: rng.randrange(len(data) + 1)]
        name = f"m{k}.csv"
        with open(os.path.join(work, name), "wb") as f:
            f.write(data)
        names.append(name)
    # A dataset exported by oneproxy itself, to be mutated into valid-looking files.
    os.mkfifo(os.path.join(work, "fifo.csv"))
    names.append("fifo.csv")
    os.mkdir(os.path.join(work, "folder.csv"))
    names.append("folder.csv")
    os.symlink("/dev/zero", os.path.join(work, "zero.csv"))
    names.append("zero.csv")
    os.symlink(outside, os.path.join(work, "lnk_out"))
    names += ["/dev/zero", "/dev/urandom", "/dev/null", "lnk_out/x.csv", "self.ops", "loop.ops"]
    with open(os.path.join(work, "self.ops"), "w") as f:
        f.write('run "self.ops"\n')
    with open(os.path.join(work, "loop.ops"), "w") as f:
        f.write('x = sample [1]\nrun "loop.ops"\n')
    with open(os.path.join(work, "ctl\x1b[2J\x07.csv"), "w") as f:
        f.write("arch,dev\x1b]52;c;QUJD\x07\n0,1.5\n1,2.5\n")
    names.append("ctl\x1b[2J\x07.csv")
    return names


def run_process(argv, cwd, stdin_bytes):
    """Runs one process; returns (rc, out, err, verdict) with verdict ok|crash|hang|slow."""
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE if stdin_bytes is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if stdin_bytes is not None:
        # Written from a thread-free loop below (select on the three pipes).
        pending = memoryview(stdin_bytes)
    else:
        pending = None
    out, err = bytearray(), bytearray()
    last = time.monotonic()
    interrupted_at = None
    verdict = "ok"
    fds = {p.stdout.fileno(): out, p.stderr.fileno(): err}
    open_fds = set(fds)
    if pending is not None:
        os.set_blocking(p.stdin.fileno(), False)
    while open_fds or p.poll() is None:
        wfds = [p.stdin.fileno()] if pending is not None else []
        rl, wl, _ = select.select(list(open_fds), wfds, [], 0.2)
        for fd in rl:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
            else:
                fds[fd].extend(chunk)
                last = time.monotonic()
        if wl and pending is not None:
            try:
                n = os.write(p.stdin.fileno(), pending[:65536])
                pending = pending[n:]
            except BrokenPipeError:
                pending = b""
            if len(pending) == 0:
                p.stdin.close()
                pending = None
        now = time.monotonic()
        if interrupted_at is None and now - last > HANG_SECONDS and p.poll() is None:
            p.send_signal(signal.SIGINT)
            interrupted_at = now
            verdict = "slow"
        if interrupted_at is not None and now - interrupted_at > 5 and p.poll() is None:
            p.kill()
            verdict = "hang"
        if not open_fds and p.poll() is None:
            time.sleep(0.05)
    rc = p.wait()
    if pending is not None:
        try:
            p.stdin.close()
        except Exception:
            pass
    if rc < 0 and verdict == "ok":
        verdict = "crash"
    if rc < 0 and rc != -signal.SIGKILL and verdict == "slow":
        verdict = "crash"
    return rc, bytes(out), bytes(err), verdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scripts", type=int, default=100)
    ap.add_argument("--per-script", type=int, default=1000)
    ap.add_argument("--singles", type=int, default=500)
    ap.add_argument("--report", default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = tempfile.mkdtemp(prefix="oneproxy-fuzz-")
    report = args.report or os.path.join(base, "findings")
    os.makedirs(report, exist_ok=True)
    decl = help_declarations(args.binary, base)
    started = time.monotonic()
    counts = {"processes": 0, "statements": 0, "echoed": 0, "failed": 0, "crash": 0, "hang": 0, "slow": 0, "control": 0, "outside": 0}
    findings = []
    modes = ["script", "-c", "pipe"]

    def one(argv, statements, work, outside, stdin=None, label=""):
        before = set()
        for root, dirs, files in os.walk(outside):
            before |= {os.path.join(root, f) for f in files + dirs}
        rc, out, err, verdict = run_process(argv, work, stdin)
        counts["processes"] += 1
        counts["statements"] += len(statements)
        # Statements the shell started (each is echoed; a list left open swallows the lines after
        # it) and the errors it reported.
        counts["echoed"] += out.count(b"oneproxy> ") + out.count(b'{"statement":')
        counts["failed"] += err.count(b": error: ")
        bad = []
        if verdict in ("crash", "hang", "slow"):
            counts[verdict] += 1
            bad.append(verdict)
        for name, stream in (("stdout", out), ("stderr", err)):
            m = CONTROL.search(stream)
            if m:
                counts["control"] += 1
                bad.append(f"control byte {m.group(0)!r} on {name} at {m.start()}: {stream[max(0, m.start() - 80):m.start() + 40]!r}")
        after = set()
        for root, dirs, files in os.walk(outside):
            after |= {os.path.join(root, f) for f in files + dirs}
        if after - before and "--safe" in argv:  # without --safe, a path outside is the user's to name
            counts["outside"] += 1
            bad.append(f"written outside: {sorted(after - before)[:5]}")
        if bad:
            k = len(findings)
            with open(os.path.join(report, f"finding{k}.ops"), "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write("\n".join(statements) + "\n")
            last_echo = [l for l in out.decode("utf-8", "replace").splitlines() if l.startswith("oneproxy> ")][-1:]
            findings.append({"argv": argv[1:], "label": label, "rc": rc, "what": bad, "file": f"finding{k}.ops",
                             "last statement echoed": last_echo, "stderr tail": err[-300:].decode("utf-8", "replace")})
            print(f"  finding {k} ({label}, rc {rc}): {bad[0][:200]}", flush=True)

    for b in range(args.scripts):
        work = os.path.join(base, f"w{b}")
        outside = os.path.join(base, f"outside{b}")
        os.makedirs(work)
        os.makedirs(outside)
        files = make_files(rng, work, outside)
        mode = modes[b % 3]
        safe = (b // 3) % 2 == 1
        # Every output format in turn (table, CSV, JSON Lines, Markdown), each with every mode.
        fmt = ["table", "csv", "json", "markdown"][(b // 6) % 4]
        g = Generator(rng, decl, files, safe)
        stmts = g.prelude() + [g.statement().replace("/OUTSIDE/", outside + "/").replace("//OUTSIDE//", outside + "//")
                               for _ in range(args.per_script - len(g.prelude()))]
        # A statement per line: a newline inside one would split it (the lexer's separator).
        # A list left open would take every line up to the next ';' into one statement: such a
        # statement ends with ';' (the open list is still what is tested).
        stmts = [s.replace("\n", " ") + (" ;" if s.count("[") > s.count("]") else "") for s in stmts]
        flags = ["--echo"] + (["--safe"] if safe else []) + (["--format", fmt] if fmt != "table" else [])
        if mode == "script":
            with open(os.path.join(work, "fuzz.ops"), "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write("\n".join(stmts) + "\n")
            argv = [args.binary] + flags + ["fuzz.ops"]
            one(argv, stmts, work, outside, label=f"batch {b} script{' --safe' if safe else ''}")
        elif mode == "-c":
            # An argument holds at most 128 KiB (MAX_ARG_STRLEN): the batch goes in as few -c
            # processes as fit, a longer statement is cut to fit (NUL cannot be in an argument).
            group, size = [], 0
            cut = [s.replace("\x00", "")[:120_000] for s in stmts]
            for k, st in enumerate(cut):
                n = len(st.encode("utf-8", "surrogateescape")) + 1
                if group and size + n > 120_000:
                    one([args.binary] + flags + ["-c", "\n".join(group)], group, work, outside, label=f"batch {b} -c{' --safe' if safe else ''}")
                    group, size = [], 0
                group.append(st)
                size += n
            if group:
                one([args.binary] + flags + ["-c", "\n".join(group)], group, work, outside, label=f"batch {b} -c{' --safe' if safe else ''}")
        else:
            argv = [args.binary] + flags
            one(argv, stmts, work, outside, stdin=("\n".join(stmts) + "\n").encode("utf-8", "surrogateescape"),
                label=f"batch {b} pipe{' --safe' if safe else ''}")
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(outside, ignore_errors=True)
        print(f"batch {b + 1}/{args.scripts} ({mode}{' --safe' if safe else ''}, {fmt}): {counts['statements']} statements "
              f"({counts['echoed']} run, {counts['failed']} errors), "
              f"{time.monotonic() - started:.0f} s, crashes {counts['crash']}, hangs {counts['hang']}, slow {counts['slow']}, "
              f"control {counts['control']}, outside {counts['outside']}", flush=True)

    work = os.path.join(base, "single")
    outside = os.path.join(base, "outside-single")
    os.makedirs(work)
    os.makedirs(outside)
    files = make_files(rng, work, outside)
    for k in range(args.singles):
        safe = k % 2 == 1
        g = Generator(rng, decl, files, safe)
        s = g.statement().replace("/OUTSIDE/", outside + "/").replace("//OUTSIDE//", outside + "//").replace("\x00", "")
        pre = rng.choice(["", "d = load oneproxy-nb201; ", "d = load help-nb201; u = load \"m1.csv\"; "])
        fmt = rng.choice(["table", "csv", "json", "markdown"])
        flags = ["--echo"] + (["--safe"] if safe else []) + (["--format", fmt] if fmt != "table" else [])
        if len((pre + s).encode("utf-8", "surrogateescape")) < 120_000:
            one([args.binary] + flags + ["-c", pre + s], [pre + s], work, outside, label=f"single {k} -c{' --safe' if safe else ''}")
        else:  # too long for an argument: through a pipe
            one([args.binary] + flags, [pre + s], work, outside, stdin=(pre + s + "\n").encode("utf-8", "surrogateescape"),
                label=f"single {k} pipe{' --safe' if safe else ''}")
    # The files themselves as scripts and notebook pages: FIFOs, devices, folders, links to
    # devices, a script that runs itself, control bytes in names.
    os.mkfifo(os.path.join(work, "nb.html"))
    os.mkdir(os.path.join(work, "nbdir.md"))
    specials = [[p] for p in ["fifo.csv", "/dev/zero", "/dev/urandom", "folder.csv", "zero.csv", "self.ops", "loop.ops",
                              "ctl\x1b[2J\x07.csv", "no\x1b]52;c;QUJD\x07such.ops", "."]]
    specials += [["--notebook", n, "-c", "x = sample [1]"] for n in ["nb.html", "nbdir.md", "lnk_out/n.html", "n\x1b[2J.md"]]
    specials += [["--safe", "--notebook", n, "-c", "x = sample [1]"] for n in ["lnk_out/n.html", "../n.html", "nb.html"]]
    specials += [["--safe", p] for p in ["fifo.csv", "self.ops", "zero.csv"]]
    for argv in specials:
        one([args.binary] + argv, [" ".join(argv)], work, outside, label="special " + repr(argv))
    elapsed = time.monotonic() - started
    summary = dict(counts, seconds=round(elapsed), seed=args.seed, scripts=args.scripts, per_script=args.per_script,
                   singles=args.singles, report=report)
    with open(os.path.join(report, "findings.json"), "w") as f:
        json.dump({"summary": summary, "findings": findings}, f, indent=1)
    print(json.dumps(summary), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(outside, ignore_errors=True)
    bad = counts["crash"] + counts["hang"] + counts["control"] + counts["outside"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
