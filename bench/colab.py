"""Python reference for `oneproxy examples/colab.ops` as a whole process (writes bench/results/colab.json).

The same statements' work in numpy/scipy is Tests/fixture-scripts/predict_notebook.py: load the CSV
(csv module), the raw SRCC true_vpu vs eagle_gtx, the proxy fit (lstsq), adapt at lambda = 0 on the
60 training rows, the lambda path chosen on the 10 validation rows, 5-fold and leave-one-out CV over
the same grid (each with the path's SRCC on all models, as `show` prints), and the target-only
ridge baselines. `python3 bench/colab.py` runs it 3 times as a child process with --no-write
(interpreter start-up, imports and all, like the Swift side's process) and records the median wall.
Run from the repository root, one BLAS thread (the machine is shared):
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/colab.py
"""
import json
import os
import subprocess
import sys
import time

if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = os.path.join(root, "Tests/fixture-scripts/predict_notebook.py")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, script, "--no-write"], check=True, cwd=root, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    times.sort()
    out = {"colab_process": times[1]}
    os.makedirs(os.path.join(root, "bench/results"), exist_ok=True)
    with open(os.path.join(root, "bench/results/colab.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out, indent=1))
