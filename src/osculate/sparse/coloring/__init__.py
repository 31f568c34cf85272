"""Graph colouring for compressed evaluation of sparse derivative matrices.

A sparse Hessian ``H`` (``n x n``) or Jacobian ``J`` (``m x n``) can be
recovered from a handful of products with a *seed matrix* ``S`` (``n x c``,
one 0/1 column per colour group) when the variables are coloured so that the
entries of ``B = H @ S`` (or ``B = J @ S``) can be disentangled again.  This
package provides the three classical colourings for that purpose:

``star_coloring``
    Symmetric (Hessian) colouring in which every path on four vertices uses at
    least three colours.  Every nonzero of ``H`` can then be read off ``B``
    directly.
``acyclic_coloring``
    Symmetric colouring in which every cycle uses at least three colours.  It
    typically needs fewer colours than a star colouring; the nonzeros are
    recovered by substitution along the trees formed by each pair of colour
    classes.
``column_coloring``
    Distance-2 colouring of the columns of a (rectangular) Jacobian pattern:
    two columns that share a row get different colours, so every nonzero of
    ``J`` appears alone in its entry of ``B``.

All three are greedy algorithms driven by a vertex ordering (see
:data:`ORDERINGS`).  The symmetric algorithms follow the ideas of
Gebremedhin, Manne & Pothen, "What color is your Jacobian? Graph coloring
for computing derivatives" (SIAM Review 47, 2005) and Gebremedhin, Tarafdar,
Manne & Pothen, "New acyclic and star coloring algorithms with application
to computing Hessians" (SIAM J. Sci. Comput. 29, 2007): the colouring keeps
track of the two-coloured sub-structures (stars, respectively trees) built so
far, so that deciding the colour of a vertex only looks at its already
coloured neighbours and at short per-vertex lists of the colour classes they
touch.

Patterns are given as SciPy sparse matrices or arrays (any format; a dense
2-D array-like is accepted for convenience).  Stored entries whose value is
zero are ignored, so a pattern can be a numeric matrix after
``eliminate_zeros``-style cleaning or a boolean matrix.

The package reads in the order its modules depend on each other:

:mod:`.graph`
    pattern input checks, adjacency graphs and Jacobian structures (CSR);
:mod:`.orderings`
    vertex orderings for the greedy sweeps (:func:`vertex_order`);
:mod:`.greedy`
    the greedy sweeps and the public colouring functions;
:mod:`.recovery`
    the result objects, which rebuild the sparse matrix from ``B``;
:mod:`.checkers`
    brute-force validity checks, independent of the algorithms.
"""

from .checkers import is_acyclic_coloring, is_column_coloring, is_star_coloring
from .greedy import acyclic_coloring, column_coloring, star_coloring
from .orderings import ORDERINGS, vertex_order
from .recovery import AcyclicColoring, Coloring, ColumnColoring, StarColoring

__all__ = [
    "ORDERINGS",
    "vertex_order",
    "Coloring",
    "StarColoring",
    "AcyclicColoring",
    "ColumnColoring",
    "star_coloring",
    "acyclic_coloring",
    "column_coloring",
    "is_star_coloring",
    "is_acyclic_coloring",
    "is_column_coloring",
]
