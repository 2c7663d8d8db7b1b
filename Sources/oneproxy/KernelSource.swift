// The Jupyter kernel's Python source, written out by `oneproxy kernel install` (so the kernel needs
// no pip install of its own): a subclass of ipykernel's Kernel that drives `oneproxy --serve`.
// Edit it here; the Python tests (Tests/Jupyter) run the installed copy.
let kernelPythonSource = #"""
"""The oneproxy Jupyter kernel: cells hold oneproxy statements, run by `oneproxy --serve`.

`oneproxy kernel install` writes this file beside kernel.json; it needs only ipykernel. The kernel
starts the shell as a child process (in its own process group) and speaks the serve protocol to it:
one JSON request line per cell, completion or inspection, one JSON reply line each (`oneproxy
--help` describes it). Variables live in the child, so they persist across cells. An interrupt
reaches this process as SIGINT (the kernelspec's interrupt mode "signal", or ipykernel's own
interrupt_request) and is forwarded to the child while a request runs: the statement stops as
Ctrl-C stops it at the terminal.
"""

import json
import os
import signal
import shutil
import subprocess
import sys

from ipykernel.kernelbase import Kernel

VERSION = "@VERSION@"  # oneproxy kernel install writes its own version here
BINARY = "oneproxy"  # the kernelspec passes the shell's path as --oneproxy=PATH


class ShellEnded(Exception):
    """The oneproxy child exited (its status is the argument)."""


class ProgressDisplay:
    """A progress bar for a long statement: one display in the cell, updated in place, cleared
    when the statement ends (so a saved notebook keeps no stale bar). The cell's outputs are
    published after the reply, so the bar is the only output the clearing removes."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.display_id = None

    def __call__(self, p):
        done, total = p.get("done", 0), max(p.get("total", 1), 1)
        width = 40
        filled = min(width, width * done // total)
        text = "%s [%s%s] %d/%d" % (p.get("label", ""), "#" * filled, "." * (width - filled), done, total)
        self._send(text)

    def _send(self, text):
        kind = "update_display_data" if self.display_id else "display_data"
        if self.display_id is None:
            self.display_id = "oneproxy-progress-%d-%d" % (os.getpid(), id(self))
        self.kernel.send_response(self.kernel.iopub_socket, kind, {
            "data": {"text/plain": text}, "metadata": {}, "transient": {"display_id": self.display_id}})

    def close(self):
        if self.display_id is not None:
            self.kernel.send_response(self.kernel.iopub_socket, "clear_output", {"wait": False})


class OneProxyKernel(Kernel):
    implementation = "oneproxy"
    implementation_version = VERSION
    language = "oneproxy"
    language_version = VERSION
    language_info = {
        "name": "oneproxy",
        "version": VERSION,
        "mimetype": "text/x-oneproxy",
        "file_extension": ".ops",
        "pygments_lexer": "text",
        "codemirror_mode": "shell",
    }
    banner = "oneproxy %s: hardware-aware NAS with one proxy device. Type help; Tab completes." % VERSION

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._child = None
        self._next_id = 0
        self._in_flight = False
        self._ready = False
        self._start_child()

    # The child process

    def _start_child(self):
        self._ready = False
        self._child = subprocess.Popen(
            [BINARY, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # only this kernel decides when the child gets SIGINT
        )
        # Until its first reply the child may not have its SIGINT handler yet (a signal would
        # end it): ask a trivial question now, and forward interrupts only once it answered.
        try:
            self._request({"is_complete": ""})
        except ShellEnded:
            pass

    def _request(self, payload, on_progress=None):
        """Sends one request and waits for its reply; SIGINT meanwhile is forwarded to the child.
        Progress lines before the reply (asked for with "progress": true) go to `on_progress`."""
        if self._child is None:
            self._start_child()
        elif self._child.poll() is not None:
            # It died since the last request: the next cell says so (do_execute starts a new one).
            raise ShellEnded(self._child.returncode)
        self._next_id += 1
        payload = dict(payload, id=self._next_id)
        child = self._child
        self._in_flight = True
        try:
            child.stdin.write((json.dumps(payload) + "\n").encode("utf-8"))
            child.stdin.flush()
            while True:
                line = child.stdout.readline()
                if not line:
                    raise ShellEnded(child.wait())
                reply = json.loads(line.decode("utf-8"))
                if "progress" in reply:
                    if on_progress is not None and reply.get("id") == payload["id"]:
                        on_progress(reply["progress"])
                    continue
                if reply.get("id") == payload["id"]:
                    self._ready = True
                    return reply
        except BrokenPipeError:
            raise ShellEnded(child.wait())
        finally:
            self._in_flight = False

    def _forward_sigint(self, signum, frame):
        if self._in_flight and self._ready and self._child is not None and self._child.poll() is None:
            os.kill(self._child.pid, signal.SIGINT)

    # Messages

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, **kwargs):
        if not code.strip():
            return self._ok()
        try:
            previous = signal.signal(signal.SIGINT, self._forward_sigint)
        except ValueError:  # not the main thread: SIGINT cannot be caught here
            previous = None
        progress = None if silent else ProgressDisplay(self)
        try:
            reply = self._request({"execute": code, "origin": "In[%d]" % self.execution_count, "progress": not silent},
                                  on_progress=progress)
        except ShellEnded as ended:
            status = ended.args[0]
            how = "killed by signal %d" % -status if isinstance(status, int) and status < 0 else "status %s" % status
            message = "the oneproxy shell ended (%s): its variables are gone; a new one starts with the next cell" % how
            self._child = None
            return self._error("Error", message, [message], silent)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            if progress is not None:
                progress.close()
        if not silent:
            self._publish(reply)
        if reply.get("ok"):
            return self._ok()
        errors = reply.get("errors") or []
        if errors:
            first = errors[0]
            ename = "Interrupted" if first.get("interrupted") else "Error"
            return {"status": "error", "execution_count": self.execution_count, "ename": ename,
                    "evalue": first.get("message", ""), "traceback": self._lines(first.get("text", ""))}
        # Interrupted between statements: nothing failed, the rest did not run.
        message = "interrupted: the statements after it were not run"
        return self._error("Interrupted", message, [message], silent)

    def _publish(self, reply):
        """Sends the outputs, warnings and errors in the order the session reported them."""
        outputs = reply.get("outputs") or []
        notes = sorted([(m.get("position", 0), 0, m) for m in reply.get("messages") or []] +
                       [(e.get("position", 0), 1, e) for e in reply.get("errors") or []],
                       key=lambda t: t[0])
        k = 0
        for position, output in enumerate(outputs + [None]):
            while k < len(notes) and notes[k][0] <= position:
                _, is_error, m = notes[k]
                if is_error:
                    ename = "Interrupted" if m.get("interrupted") else "Error"
                    self.send_response(self.iopub_socket, "error", {
                        "ename": ename, "evalue": m.get("message", ""), "traceback": self._lines(m.get("text", ""))})
                else:
                    self.send_response(self.iopub_socket, "stream", {"name": "stderr", "text": m.get("text", "")})
                k += 1
            if output is None:
                break
            if set(output) == {"text/plain"}:
                # A summary line reads as printed text.
                self.send_response(self.iopub_socket, "stream", {"name": "stdout", "text": output["text/plain"] + "\n"})
            else:
                self.send_response(self.iopub_socket, "display_data", {"data": output, "metadata": {}})

    def do_complete(self, code, cursor_pos):
        try:
            reply = self._request({"complete": code, "cursor": cursor_pos})
        except ShellEnded:
            reply = {}
        return {"status": "ok", "matches": reply.get("matches", []),
                "cursor_start": reply.get("cursor_start", cursor_pos), "cursor_end": reply.get("cursor_end", cursor_pos),
                "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        try:
            reply = self._request({"inspect": code, "cursor": cursor_pos})
        except ShellEnded:
            reply = {}
        data = {}
        for output in reply.get("outputs", []):
            for mime, text in output.items():
                data[mime] = data[mime] + "\n" + text if mime in data else text
        return {"status": "ok", "found": bool(reply.get("found")), "data": data, "metadata": {}}

    def do_is_complete(self, code):
        try:
            reply = self._request({"is_complete": code})
        except ShellEnded:
            return {"status": "unknown"}
        status = reply.get("status", "unknown")
        return {"status": status, "indent": "  " if status == "incomplete" else ""}

    def do_shutdown(self, restart):
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            try:
                child.stdin.close()
                child.wait(timeout=5)
            except Exception:
                child.kill()
        return {"status": "ok", "restart": restart}

    # Replies

    def _ok(self):
        return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}

    def _error(self, ename, evalue, traceback, silent):
        if not silent:
            self.send_response(self.iopub_socket, "error", {"ename": ename, "evalue": evalue, "traceback": traceback})
        return {"status": "error", "execution_count": self.execution_count, "ename": ename, "evalue": evalue,
                "traceback": traceback}

    @staticmethod
    def _lines(text):
        return text.rstrip("\n").split("\n")


def main():
    global BINARY
    argv = []
    for a in sys.argv[1:]:
        if a.startswith("--oneproxy="):
            BINARY = a[len("--oneproxy="):]
        else:
            argv.append(a)
    if not os.path.isfile(BINARY) and shutil.which(BINARY) is None:
        sys.exit("oneproxy kernel: the shell %s is missing: run `oneproxy kernel install` again" % BINARY)
    # A parent that blocked signals in the thread that started us passed its mask on: the
    # interrupt (and Jupyter's shutdown) must reach this process, and the shell it starts.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(argv=argv, kernel_class=OneProxyKernel)


if __name__ == "__main__":
    main()
"""#
