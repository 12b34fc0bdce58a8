"""cubenet sweep on 40 cells: serial against --workers 2 (twice each, best of two), resume, and (with --dask)
a LocalCluster of 2 workers. Wall times; the sum of the cells' own seconds shows whether the cores were free.

    python benchmarks/sweep_speed.py [--dask]
"""

import os
import sys
import tempfile
import time
from pathlib import Path


def main():
    from cubenet.sweep import Grid, ResultsFile, run_sweep

    grid = Grid(data="color-cube", data_params=(("twists", (0, 1, 2, 3, 4)),), n_samples=3000, widths=(8,),
                depths=(1, 2), training=(("epochs", (20,)),), seeds=(0, 1, 2, 3))
    cells = grid.cells()
    wall = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, workers in (("serial", 1), ("pool", 2), ("serial again", 1), ("pool again", 2)):
            start = time.perf_counter()
            rows = run_sweep(cells, ResultsFile(Path(folder) / f"{name}.csv"), workers=workers)
            wall[name] = time.perf_counter() - start
            print(f"{name}: {wall[name]:.2f} s wall, cells' own seconds {sum(r['seconds'] for r in rows):.2f}, "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
        start = time.perf_counter()
        new = run_sweep(cells, ResultsFile(Path(folder) / "serial.csv"), workers=1)
        print(f"resume of the finished sweep: {time.perf_counter() - start:.3f} s, ran {len(new)}")
        if "--dask" in sys.argv:
            from distributed import LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
                start = time.perf_counter()
                run_sweep(cells, ResultsFile(Path(folder) / "dask.csv"), scheduler=cluster.scheduler_address)
                wall["dask"] = time.perf_counter() - start
                print(f"dask: {wall['dask']:.2f} s wall", flush=True)
    serial, pool = min(wall["serial"], wall["serial again"]), min(wall["pool"], wall["pool again"])
    print(f"speed-up of 2 workers (best of two each): {serial / pool:.2f}x")
    if "dask" in wall:
        print(f"Dask per-cell overhead over the pool: {(wall['dask'] - pool) / len(cells) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
