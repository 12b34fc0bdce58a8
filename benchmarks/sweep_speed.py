"""cubenet sweep on 40 cells: serial against --workers 2 (twice each, best of two), resume, and (with --dask) a LocalCluster of 2.

    python benchmarks/sweep_speed.py [--dask]
"""
import os, sys, tempfile, time
from pathlib import Path

def main():
    from cubenet.sweep import Grid, ResultsFile, run_sweep
    grid = Grid(data="color-cube", data_params=(("twists", (0, 1, 2, 3, 4)),), n_samples=3000, widths=(8,),
                depths=(1, 2), training=(("epochs", (20,)),), seeds=(0, 1, 2, 3))
    cells = grid.cells()
    assert len(cells) == 40
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for name, kw in (("serial", {"workers": 1}), ("pool2", {"workers": 2}), ("serial2", {"workers": 1}), ("pool2b", {"workers": 2})):
            t = time.perf_counter(); c = time.process_time()
            run_sweep(cells, ResultsFile(Path(d) / f"{name}.csv"), **kw)
            out[name] = time.perf_counter() - t
            print(name, f"{out[name]:.2f} s wall", os.getloadavg()[0], flush=True)
        t = time.perf_counter()
        new = run_sweep(cells, ResultsFile(Path(d) / "serial.csv"), workers=1)
        print("resume", f"{time.perf_counter() - t:.3f} s, ran {len(new)}")
        if "--dask" in sys.argv:
            from distributed import LocalCluster
            with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", processes=True,
                              dashboard_address=None) as cluster:
                addr = cluster.scheduler_address
                t = time.perf_counter()
                run_sweep(cells, ResultsFile(Path(d) / "dask.csv"), scheduler=addr)
                out["dask"] = time.perf_counter() - t
                print("dask", f"{out['dask']:.2f} s wall", flush=True)
    s = min(out["serial"], out["serial2"]); p = min(out["pool2"], out["pool2b"])
    print(f"speed-up (best of 2 each): {s / p:.2f}x")
    if "dask" in out:
        print(f"dask overhead per cell vs pool: {(out['dask'] - p) / 40 * 1000:.0f} ms")

if __name__ == "__main__":
    main()
