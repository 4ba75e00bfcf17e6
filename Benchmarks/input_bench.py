"""Reading the benchmark's data files in Python: pandas (read_csv, read_sas) and pyreadstat.

    python3 input_bench.py FILE.csv FILE.xpt FILE.sas7bdat REPEATS

Prints `NAME seconds...` lines (each repeat, inside this process, after the imports).
"""
import sys
import time

import pandas as pd
import pyreadstat

csv, xpt, sas, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def timed(name, read):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        frame = read()
        times.append(time.perf_counter() - start)
    print(name, *(f"{t:.6f}" for t in times), "rows", len(frame))


timed("pandas_read_csv", lambda: pd.read_csv(csv))
timed("pandas_read_sas_xpt", lambda: pd.read_sas(xpt, format="xport"))
timed("pandas_read_sas_sas7bdat", lambda: pd.read_sas(sas, format="sas7bdat"))
timed("pyreadstat_read_xport", lambda: pyreadstat.read_xport(xpt)[0])
timed("pyreadstat_read_sas7bdat", lambda: pyreadstat.read_sas7bdat(sas)[0])
print("versions pandas", pd.__version__, "pyreadstat", pyreadstat.__version__)
