"""The oneproxy Jupyter kernel, driven by real Jupyter clients.

Installs the kernelspec with the built binary (`oneproxy kernel install --prefix TMP`), then talks
to the kernel through jupyter_client's KernelManager (statements, variables across cells, an
error, a figure, completion, inspection, an interrupt, save and notebook) and runs
jupyter-kernel-test's standard checks. Needs python3 with ipykernel, jupyter-client and
jupyter-kernel-test; the Swift test KernelPythonTests runs this file and skips without them.

    ONEPROXY_BINARY=.build/debug/oneproxy python3 -m unittest Tests/Jupyter/test_kernel.py -v
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from queue import Empty

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = os.environ.get("ONEPROXY_BINARY") or os.path.join(ROOT, ".build", "debug", "oneproxy")

# One kernelspec for the whole file, in a temporary prefix that Jupyter is told to search.
PREFIX = tempfile.mkdtemp(prefix="oneproxy-kernelspec-")
WORK = tempfile.mkdtemp(prefix="oneproxy-kernel-work-")
subprocess.run([BINARY, "kernel", "install", "--prefix", PREFIX], check=True, stdout=subprocess.DEVNULL)
os.environ["JUPYTER_PATH"] = os.path.join(PREFIX, "share", "jupyter")
# The same kernel with Jupyter's other interrupt mode: an interrupt_request message, which
# ipykernel turns into a SIGINT to itself.
_kernels = os.path.join(PREFIX, "share", "jupyter", "kernels")
shutil.copytree(os.path.join(_kernels, "oneproxy"), os.path.join(_kernels, "oneproxy-message"))
with open(os.path.join(_kernels, "oneproxy-message", "kernel.json")) as f:
    _spec = json.load(f)
_spec["interrupt_mode"] = "message"
with open(os.path.join(_kernels, "oneproxy-message", "kernel.json"), "w") as f:
    json.dump(_spec, f)

from jupyter_client.manager import start_new_kernel  # noqa: E402
import jupyter_kernel_test  # noqa: E402

TIMEOUT = 120  # a debug build on a busy machine


def run_cell(kc, code, timeout=TIMEOUT):
    """Executes `code`; returns the reply's content and the cell's output messages (type, content)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "display_data", "update_display_data", "clear_output", "execute_result", "error"):
            outputs.append((kind, msg["content"]))
    return reply["content"], outputs


def wait_idle(kc, msg_id, timeout=TIMEOUT):
    """Reads iopub until the kernel reports idle after request `msg_id`, as a notebook waits for a
    cell to finish before the next one is run. ipykernel (7.x) sends an error's execute_reply
    first and only then starts aborting the queued requests (stop_on_error) until a "stop
    aborting" message it posts to itself is handled: a request sent the moment the error reply
    arrives can land in that window and come back "aborted". Idle is published after that
    message is posted."""
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            return


def text_of(outputs):
    parts = []
    for kind, content in outputs:
        if kind == "stream":
            parts.append(content["text"])
        elif kind in ("display_data", "update_display_data", "execute_result"):
            parts.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            parts.append("\n".join(content["traceback"]))
    return "\n".join(parts)


class KernelManagerTests(unittest.TestCase):
    """One kernel for the class: cells build on each other as a participant's would."""

    @classmethod
    def setUpClass(cls):
        started = time.monotonic()
        cls.km, cls.kc = start_new_kernel(kernel_name="oneproxy", startup_timeout=TIMEOUT, cwd=WORK)
        cls.startup = time.monotonic() - started
        print("\nkernel started in %.2f s" % cls.startup, file=sys.stderr)
        reply, _ = run_cell(cls.kc, "d = load oneproxy-nb201")
        assert reply["status"] == "ok", reply

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    def test_kernel_info(self):
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        info = reply["content"]
        self.assertEqual(info["implementation"], "oneproxy")
        self.assertEqual(info["language_info"]["name"], "oneproxy")
        self.assertEqual(info["language_info"]["file_extension"], ".ops")

    def test_statements_and_variables_across_cells(self):
        started = time.monotonic()
        reply, outputs = run_cell(self.kc, "srcc d true_vpu eagle_gtx")
        print("round trip of srcc: %.3f s" % (time.monotonic() - started), file=sys.stderr)
        self.assertEqual(reply["status"], "ok")
        displays = [c for k, c in outputs if k == "display_data"]
        self.assertTrue(displays, outputs)
        self.assertIn("SRCC(true_vpu, eagle_gtx) = 0.6905", displays[0]["data"]["text/plain"])
        self.assertIn("<p>SRCC(true_vpu, eagle_gtx) = 0.6905", displays[0]["data"]["text/html"])
        # An assignment prints its summary as text; the variable is there in the next cell.
        reply, outputs = run_cell(self.kc, "p = fit d true_vpu")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(outputs[0][0], "stream")
        self.assertTrue(outputs[0][1]["text"].startswith("p: "), outputs)
        reply, outputs = run_cell(self.kc, "vars")
        self.assertEqual(reply["status"], "ok")
        self.assertRegex(text_of(outputs), r"(?m)^d +dataset")
        self.assertRegex(text_of(outputs), r"(?m)^p +")

    def test_error_names_the_cell_line_and_column(self):
        reply, outputs = run_cell(self.kc, "srcc d true_vpu eagle_gtx\nsrcc d true_vpu nope")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["evalue"], "oneproxy-nb201 has no device 'nope'")
        errors = [c for k, c in outputs if k == "error"]
        self.assertEqual(len(errors), 1)
        tb = "\n".join(errors[0]["traceback"])
        self.assertRegex(tb, r"In\[\d+\]:2:17: error: oneproxy-nb201 has no device 'nope'")
        self.assertIn("^~~~", tb)
        # The statement before the error printed its output first.
        self.assertEqual(outputs[0][0], "display_data")

    def test_figure_is_svg(self):
        reply, outputs = run_cell(self.kc, "m = srcc d devices=[true_vpu, eagle_gtx, rice_pixel3, eagle_tpu]\nheatmap m")
        self.assertEqual(reply["status"], "ok")
        figures = [c["data"] for k, c in outputs if k == "display_data" and "image/svg+xml" in c["data"]]
        self.assertEqual(len(figures), 1, outputs)
        svg = figures[0]["image/svg+xml"]
        self.assertIn("<svg", svg)
        self.assertIn("eagle_gtx", svg)
        self.assertIn("text/plain", figures[0])

    def test_progress_shows_and_goes(self):
        reply, outputs = run_cell(self.kc, "a = adapt d proxy=true_vpu target=eagle_gtx select=cv folds=10")
        self.assertEqual(reply["status"], "ok")
        bars = [c for k, c in outputs if k in ("display_data", "update_display_data") and c.get("transient", {}).get("display_id")]
        self.assertTrue(bars, outputs)
        self.assertIn("cross-validation [", bars[0]["data"]["text/plain"])
        # Cleared before the outputs come: a saved notebook keeps no stale bar.
        kinds = [k for k, _ in outputs]
        self.assertIn("clear_output", kinds)
        self.assertEqual(kinds.index("clear_output"), len(bars))
        self.assertEqual(kinds[-1], "stream")
        self.assertTrue(text_of(outputs).strip().endswith("chosen by 10-fold CV)"), text_of(outputs))

    def test_completion(self):
        self.kc.complete("srcc d tru", 10)
        content = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertEqual(content["status"], "ok")
        self.assertIn("true_vpu", content["matches"])
        self.assertEqual((content["cursor_start"], content["cursor_end"]), (7, 10))
        # On the second line of a cell, offsets count from the start of the cell.
        self.kc.complete("d2 = d\nheat", 11)
        content = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertEqual(content["matches"], ["heatmap"])
        self.assertEqual(content["cursor_start"], 7)

    def test_help_and_inspect(self):
        reply, outputs = run_cell(self.kc, "help adapt")
        self.assertEqual(reply["status"], "ok")
        self.assertIn("a = adapt d proxy=P target=T", text_of(outputs))
        self.kc.inspect("adapt d proxy=true_vpu", 2)
        content = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertTrue(content["found"])
        self.assertIn("usage:", content["data"]["text/plain"])

    def test_save_and_notebook(self):
        reply, outputs = run_cell(self.kc, 'save "kernel-test"\nnotebook "kernel-test.html"')
        self.assertEqual(reply["status"], "ok", text_of(outputs))
        with open(os.path.join(WORK, "sessions", "kernel-test.ops")) as f:
            self.assertIn("d = load oneproxy-nb201", f.read())
        with open(os.path.join(WORK, "kernel-test.html")) as f:
            self.assertIn("oneproxy session", f.read())

    def test_z_interrupt_stops_the_statement(self):
        # A million bootstrap resamples of Kendall's tau run for minutes.
        msg_id = self.kc.execute("k = kendall d true_vpu eagle_gtx ci=0.95 boot=1000000\nafter = fit d true_vpu")
        # Wait until the statement is running, then interrupt as the notebook's stop button does.
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                break
        time.sleep(1.0)
        interrupted = time.monotonic()
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        stopped = time.monotonic() - interrupted
        print("interrupt answered in %.3f s" % stopped, file=sys.stderr)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertIn("interrupted: kendall stopped", reply["content"]["evalue"])
        self.assertLess(stopped, 10)
        # Nothing was bound, the rest of the cell did not run, and the kernel goes on.
        wait_idle(self.kc, msg_id)
        reply, outputs = run_cell(self.kc, "vars")
        self.assertEqual(reply["status"], "ok")
        listing = text_of(outputs)
        self.assertRegex(listing, r"(?m)^d +dataset")
        self.assertNotRegex(listing, r"(?m)^(k|after) ")
        # An interrupt while idle harms nothing.
        self.km.interrupt_kernel()
        time.sleep(0.5)
        reply, _ = run_cell(self.kc, "srcc d true_vpu eagle_gtx")
        self.assertEqual(reply["status"], "ok")


class InterruptMessageTests(unittest.TestCase):
    """interrupt_mode "message": the interrupt arrives as a control message, not a signal."""

    def test_interrupt_request_stops_the_statement(self):
        km, kc = start_new_kernel(kernel_name="oneproxy-message", startup_timeout=TIMEOUT, cwd=WORK)
        try:
            self.assertEqual(km.kernel_spec.interrupt_mode, "message")
            reply, _ = run_cell(kc, "d = load oneproxy-nb201")
            self.assertEqual(reply["status"], "ok")
            msg_id = kc.execute("k = kendall d true_vpu eagle_gtx ci=0.95 boot=1000000")
            time.sleep(2.0)
            km.interrupt_kernel()
            reply = kc.get_shell_msg(timeout=TIMEOUT)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kc.get_shell_msg(timeout=TIMEOUT)
            self.assertEqual(reply["content"]["ename"], "Interrupted")
            wait_idle(kc, msg_id)
            reply, _ = run_cell(kc, "srcc d true_vpu eagle_gtx")
            self.assertEqual(reply["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)


class ShellCrashTests(unittest.TestCase):
    """The shell process dying is an error in the cell, and the next cell gets a new shell."""

    def test_a_dead_shell_is_reported_and_replaced(self):
        km, kc = start_new_kernel(kernel_name="oneproxy", startup_timeout=TIMEOUT, cwd=WORK)
        try:
            reply, _ = run_cell(kc, "d = load oneproxy-nb201")
            self.assertEqual(reply["status"], "ok")
            pid = km.provisioner.process.pid
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                children = [int(c) for c in f.read().split()]
            self.assertEqual(len(children), 1)
            os.kill(children[0], signal.SIGKILL)
            time.sleep(0.5)
            reply, outputs = run_cell(kc, "srcc d true_vpu eagle_gtx")
            self.assertEqual(reply["status"], "error")
            self.assertIn("the oneproxy shell ended", reply["evalue"])
            # A new shell, without the old variables.
            reply, outputs = run_cell(kc, "srcc d true_vpu eagle_gtx")
            self.assertEqual(reply["status"], "error")
            self.assertEqual(reply["evalue"], "no variable named 'd'")
            reply, _ = run_cell(kc, "d = load oneproxy-nb201\nsrcc d true_vpu eagle_gtx")
            self.assertEqual(reply["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)


class StandardKernelTests(jupyter_kernel_test.KernelTests):
    """jupyter-kernel-test's checks of the message protocol."""

    kernel_name = "oneproxy"
    language_name = "oneproxy"
    file_extension = ".ops"

    code_stderr = 'save "jkt"\nsave "jkt"'  # the second save notes that it replaced the file
    code_generate_error = "srcc nothing"
    completion_samples = [
        {"text": "heat", "matches": {"heatmap"}},
        {"text": "d = load oneproxy-", "matches": {"oneproxy-nb201"}},
    ]
    complete_code_samples = ["d = load oneproxy-nb201", "help", "s = sample [1, 2]"]
    incomplete_code_samples = ["s = sample [1,", "s = sample [\n  1, 2,"]
    # Every display_data of a sample must carry the MIME type: a heatmap's figure comes with a
    # note (text/html), so the figure's SVG is checked in KernelManagerTests.test_figure_is_svg.
    code_display_data = [
        {"code": "help", "mime": "text/html"},
        {"code": "d = load oneproxy-nb201\nheatmap d", "mime": "text/plain"},
    ]
    code_inspect_sample = "adapt"

    @classmethod
    def setUpClass(cls):
        os.chdir(WORK)
        super().setUpClass()


if __name__ == "__main__":
    unittest.main()
