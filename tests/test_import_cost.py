"""``import osculate`` leaves out what it does not need yet: numba (imported by
the first compiled loop) and scipy.stats (read lazily by the quantile searches
and p-values), about 0.1 s and 0.3 s of every start-up."""

from __future__ import annotations

import subprocess
import sys


def test_import_osculate_imports_neither_numba_nor_scipy_stats():
    code = ("import sys, osculate, osculate.scipy\n"
            "print('numba' in sys.modules, 'scipy.stats._stats_py' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_lazy_scipy_stats_works_when_first_used():
    code = ("import numpy as np, osculate as osc\n"
            "from osculate.scipy import stats\n"
            "q = stats.invgauss.ppf(0.3, 0.8)\n"  # a Newton search that starts from SciPy's value
            "import scipy.stats\n"
            "print(abs(q - scipy.stats.invgauss.ppf(0.3, 0.8)) < 1e-12, float(scipy.stats.norm.cdf(0.0)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "0.5"]
