#!/usr/bin/env python3
"""Execute the three notebooks headlessly against a results dataset; exit 1 if any cell fails.

Usage: run_notebooks.py RESULTS_DIR [--out DIR]

RESULTS_DIR is handed to the notebooks as DROPGRID_RESULTS. With --out, the executed notebooks (with
their outputs) are written there for inspection; the committed notebooks stay output-free.
"""

import argparse
import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = pathlib.Path(__file__).resolve().parent
NOTEBOOKS = ["01-results-overview.ipynb", "02-paper-figures.ipynb", "03-layer-similarity.ipynb"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="results Parquet directory (docs/results-schema.md)")
    parser.add_argument("--out", help="directory for the executed notebooks")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args()

    results = pathlib.Path(args.results).resolve()
    if not results.exists():
        print(f"run_notebooks: results {results} do not exist", file=sys.stderr)
        return 2
    # The kernel inherits this environment; the notebooks read their one path variable from it.
    os.environ["DROPGRID_RESULTS"] = str(results)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    out = pathlib.Path(args.out).resolve() if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)

    failures = 0
    for name in NOTEBOOKS:
        nb = nbformat.read(HERE / name, as_version=4)
        client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
            print(f"{name}: ok ({len(nb.cells)} cells)")
        except CellExecutionError as e:
            failures += 1
            print(f"{name}: FAILED\n{e}", file=sys.stderr)
        if out:
            nbformat.write(nb, out / name)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
