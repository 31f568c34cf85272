"""Mathematical expressions typed on the ``osculate`` command line, parsed safely.

The text is never run as Python: no ``eval``, ``exec``, ``compile``,
SymPy ``parse_expr`` or ``sympify`` sees it.  It goes through three gates:

1. characters: printable ASCII only (a non-ASCII look-alike such as ``x²`` or
   a Cyrillic ``х`` is named with its position); characters that only serve
   other constructs (quotes, brackets, ``:``, ``=``, ``@``...) are refused;
2. :func:`ast.parse` in ``"eval"`` mode, which builds a syntax tree and runs
   nothing, within bounds on the length of the text, the number of nodes and
   the nesting depth;
3. an allow-list of tree nodes: numbers (``int``/``float``), variable names,
   ``+ - * / **`` (``^`` is accepted as ``**``), unary ``-``/``+`` and calls of
   the functions in :data:`FUNCTIONS` (listed, with the constants ``pi`` and
   ``E``, in :mod:`osculate.expression_functions`).  Everything else (attributes,
   subscripts, lambdas, comprehensions, keywords, strings, comparisons,
   ``and``/``or``, conditional expressions...) is refused with one line.

The accepted tree is compiled to a short stack program over NumPy floats
(constant sub-expressions are folded in float64 at parse time, so ``9**9**9``
is an overflow reported at once, not a huge integer computed by Python or
SymPy) and evaluated with osculate's differentiable NumPy functions.
:meth:`Expression.to_sympy` builds the same expression as a SymPy tree, object
by object, for symbolic work.

>>> e = parse_expression("x1^2 + sin(x10) * x2")
>>> e.variables                       # natural order: x1, x2, x10
('x1', 'x2', 'x10')
>>> float(e.fn(np.array([3.0, 2.0, 0.0])))
9.0
>>> parse_expression("__import__('os').system('echo hi')")
Traceback (most recent call last):
...
osculate.expression.ExpressionError: character "'" at position 12 is not allowed: strings are not part of an expression
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

import numpy as np

from .expression_functions import CONSTANTS, FUNCTIONS
from .formatting import shorten

__all__ = [
    "Expression",
    "ExpressionError",
    "FUNCTIONS",
    "CONSTANTS",
    "parse_expression",
    "natural_key",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_DEPTH",
    "MAX_VARIABLES",
]

#: Longest accepted expression text (characters).
MAX_LENGTH = 10_000
#: Most syntax-tree nodes (numbers, names, operations, calls).
MAX_NODES = 2_000
#: Deepest nesting of operations and calls (a chain ``a + b + c + ...`` counts as one level).
MAX_DEPTH = 100
#: Most distinct variables.
MAX_VARIABLES = 100
#: Longest variable name.
MAX_NAME_LENGTH = 64
#: Longest run of digits in one number.
MAX_DIGITS = 100


class ExpressionError(ValueError):
    """The text is not an expression osculate accepts; the message is one line."""


# --------------------------------------------------------------------------- the result


@dataclass
class Expression:
    """A parsed expression.

    Attributes
    ----------
    text : str
        The text as typed.
    variables : tuple of str
        The variables, in natural order (``x1, x2, x10``) or in the order given
        to :func:`parse_expression`.
    fn : callable
        ``fn(z)`` evaluates the expression with ``z[i]`` the i-th variable; it
        uses osculate's differentiable NumPy functions, so ``osculate.grad(fn)``,
        ``hessian``, ``jit``, Taylor mode... all apply.
    n_operations : int
        Operations left after constant folding (the cost of one evaluation).
    """

    text: str
    variables: tuple
    fn: object
    n_operations: int = 0
    _tree: object = field(default=None, repr=False)

    @property
    def n(self):
        return len(self.variables)

    def to_sympy(self):
        """The same expression as a SymPy tree, built node by node (nothing is
        parsed from text and nothing is simplified: ``evaluate=False``).

        >>> parse_expression("2*x^2 + E").to_sympy()
        2*x**2 + E
        """
        try:
            import sympy as sp
        except ImportError:  # pragma: no cover - depends on the installation
            raise ImportError("Expression.to_sympy needs SymPy: pip install 'osculate[symbolic]'") from None
        symbols = {name: sp.Symbol(name, real=True) for name in self.variables}
        return _tree_to_sympy(self._tree, sp, symbols)


def natural_key(name):
    """Sort key putting ``x2`` before ``x10`` (digit runs compare as numbers).

    >>> sorted(["x10", "y", "x2", "x1"], key=natural_key)
    ['x1', 'x2', 'x10', 'y']
    """
    parts = re.split(r"(\d+)", name)
    return tuple(int(p) if i % 2 else p.casefold() for i, p in enumerate(parts)), name


# --------------------------------------------------------------------------- parsing

_ALLOWED_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .+-*/^(),")
_WHY = {
    '"': "strings are not part of an expression",
    "'": "strings are not part of an expression",
    "[": "indexing and lists are not supported",
    "]": "indexing and lists are not supported",
    "{": "braces are not part of an expression",
    "}": "braces are not part of an expression",
    ":": "slices, lambdas and annotations are not supported",
    "=": "assignments, keyword arguments and comparisons are not supported",
    "<": "comparisons are not supported",
    ">": "comparisons are not supported",
    "!": "comparisons are not supported",
    "@": "matrix products are not supported",
    "%": "the remainder operator is not supported",
    "&": "bitwise operators are not supported",
    "|": "bitwise operators are not supported",
    "~": "bitwise operators are not supported",
    ";": "give a single expression",
    "#": "comments are not supported",
    "\\": "backslashes are not part of an expression",
}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.FloorDiv: "//",
           ast.Mod: "%", ast.MatMult: "@", ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|",
           ast.LShift: "<<", ast.RShift: ">>", ast.Not: "not", ast.Invert: "~"}
_REFUSED = {
    "Attribute": "attribute access (a '.' after a name or a bracket) is not supported",
    "Subscript": "indexing is not supported",
    "Slice": "slices are not supported",
    "Lambda": "lambdas are not supported",
    "ListComp": "comprehensions are not supported",
    "SetComp": "comprehensions are not supported",
    "DictComp": "comprehensions are not supported",
    "GeneratorExp": "generator expressions are not supported",
    "Compare": "comparisons are not supported",
    "BoolOp": "'and' / 'or' are not supported",
    "IfExp": "conditional expressions ('a if c else b') are not supported",
    "NamedExpr": "assignments (':=') are not supported",
    "Starred": "starred arguments are not supported",
    "JoinedStr": "strings are not part of an expression",
    "FormattedValue": "strings are not part of an expression",
    "Tuple": "a tuple is not a scalar expression (give a single expression; a product is written a*b)",
    "List": "lists are not supported",
    "Set": "sets are not supported",
    "Dict": "dictionaries are not supported",
    "Await": "'await' is not supported",
    "Yield": "'yield' is not supported",
    "YieldFrom": "'yield' is not supported",
}


def _check_characters(text):
    """Printable ASCII only; tabs and line breaks count as spaces."""
    for i, ch in enumerate(text):
        if ch in _ALLOWED_CHARS:
            continue
        pos = i + 1
        if ord(ch) > 127:
            name = unicodedata.name(ch, "unnamed character")
            raise ExpressionError(
                f"non-ASCII character {ch!r} (U+{ord(ch):04X} {name}) at position {pos}: variable names and "
                f"operators must be plain ASCII (for example x**2, not x²)"
            )
        if ch in "\t\n\r":
            continue
        if not ch.isprintable():
            raise ExpressionError(f"control character U+{ord(ch):04X} at position {pos} is not allowed")
        why = _WHY.get(ch, "it is not part of an expression")
        quoted = f'"{ch}"' if ch == "'" else f"'{ch}'"
        raise ExpressionError(f"character {quoted} at position {pos} is not allowed: {why}")


class _Source:
    """The text handed to :mod:`ast` (``^`` spelt ``**``) and the map back to
    the user's positions."""

    def __init__(self, text):
        chars, where = [], []
        for i, ch in enumerate(text):
            if ch == "^":
                chars += ["*", "*"]
                where += [i, i]
            else:
                chars.append(" " if ch in "\t\n\r" else ch)
                where.append(i)
        self.original = text
        self.python = "".join(chars)
        self.where = where + [len(text)]

    def position(self, offset):
        """1-based position in the user's text of 0-based ``offset`` in ``python``."""
        offset = min(max(offset, 0), len(self.where) - 1)
        return self.where[offset] + 1

    def segment(self, node):
        start = self.where[min(node.col_offset, len(self.where) - 1)]
        end = self.where[min(node.end_col_offset, len(self.where) - 1)]
        return self.original[start:end].strip()


#: Names refused as variables: SymPy's and NumPy's non-finite numbers and the imaginary unit.
_NON_FINITE_NAMES = {"inf", "infinity", "nan", "oo", "zoo"}
_COMPLEX_NAMES = {"I"}


def _variable_error(name, where=""):
    """Why ``name`` cannot be a variable (``where``: " at position N" or ""), or None."""
    if name in FUNCTIONS:
        return f"'{name}'{where} is a function: call it, as in {name}(x)"
    if name in _COMPLEX_NAMES:
        return f"complex expressions are not supported ('{name}'{where} is the imaginary unit)"
    if name.lower() in _NON_FINITE_NAMES:
        return f"'{name}'{where}: non-finite constants are not supported"
    if name.startswith("_"):
        return f"name '{shorten(name, 30)}'{where} is not allowed: names must start with a letter"
    if len(name) > MAX_NAME_LENGTH:
        return f"the variable name{where} is longer than {MAX_NAME_LENGTH} characters"
    return None


def _valid_name(name):
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) is not None


def parse_expression(text, variables=None):
    """Parse ``text`` into an :class:`Expression`, or raise :class:`ExpressionError`.

    Parameters
    ----------
    text : str
        The expression (see the module documentation for the grammar).
    variables : sequence of str, optional
        The variables in the order of ``z``.  Every variable of the text must
        be listed; a listed variable that the text does not use is a variable
        on which the expression does not depend.  Default: the variables of
        the text in natural order.

    >>> parse_expression("y*x", variables=["y", "x", "t"]).variables
    ('y', 'x', 't')
    >>> parse_expression("x/0")
    Traceback (most recent call last):
    ...
    osculate.expression.ExpressionError: division by zero: the divisor '0' at position 3 is the constant 0
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(text)} characters; the limit is {MAX_LENGTH}")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    _check_characters(text)
    m = re.search(r"\d[\d_]{%d,}" % MAX_DIGITS, text)
    if m:
        raise ExpressionError(f"the number at position {m.start() + 1} has more than {MAX_DIGITS} digits")
    src = _Source(text)
    stripped = src.python.lstrip()
    indent = len(src.python) - len(stripped)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "SyntaxWarning: 'int' object is not callable"
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as e:
        msg = (e.msg or "invalid syntax").splitlines()[0]
        bad_offset = e.offset is None or e.offset < 1 or e.offset - 1 >= len(stripped)
        where = "at the end" if bad_offset else f"at position {src.position(indent + e.offset - 1)}"
        hint = ""
        if "decimal literal" in msg:
            hint = " (a product needs '*': write 2*x, not 2x)"
        raise ExpressionError(f"cannot parse expression {shorten(text)!r}: {msg} {where}{hint}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply to parse") from None
    if indent:
        for node in ast.walk(tree):
            if hasattr(node, "col_offset"):
                node.col_offset += indent
                node.end_col_offset += indent
    program, tree_ir, used = _compile(tree.body, src)

    if variables is None:
        if not used:
            raise ExpressionError(f"the expression {shorten(text)!r} has no variables (use --vars to name them)")
        names = tuple(sorted(used, key=natural_key))
    else:
        names = tuple(variables)
        for v in names:
            if not _valid_name(v):
                raise ExpressionError(f"{v!r} is not a variable name (letters, digits and _, starting with a letter)")
            problem = _variable_error(v)
            if problem:
                raise ExpressionError(f"--vars: {problem}")
            if v in CONSTANTS:
                raise ExpressionError(f"--vars: '{v}' is a constant, not a variable")
        dup = sorted({v for v in names if names.count(v) > 1})
        if dup:
            raise ExpressionError(f"variable {dup[0]!r} is listed twice")
        missing = sorted((v for v in used if v not in names), key=natural_key)
        if missing:
            raise ExpressionError(
                f"the expression uses {', '.join(missing)}, which the list of variables ({', '.join(names)}) "
                f"does not name"
            )
        if not names:
            raise ExpressionError("the list of variables is empty")
    if len(names) > MAX_VARIABLES:
        raise ExpressionError(f"the expression has {len(names)} variables; the limit is {MAX_VARIABLES}")
    index = {name: i for i, name in enumerate(names)}
    program = [(op, index[arg]) if op == _VAR else (op, arg) for op, arg in program]
    n_ops = sum(op in (_UN, _BIN, _CALL) for op, _ in program)
    return Expression(text, names, _make_function(program), n_ops, tree_ir)


# instructions of the stack program
_PUSH, _VAR, _UN, _BIN, _CALL = range(5)


def _compile(root, src):
    """Check every node against the allow-list and emit a postfix program,
    folding constant sub-expressions in float64.  Iterative: a long sum does
    not recurse."""
    program = []  # (opcode, argument)
    values = []  # per finished sub-tree: its float64 value if constant, else None
    trees = []  # per finished sub-tree: a small tree for to_sympy
    used = {}
    count = 0
    todo = [(root, 1, False)]
    while todo:
        node, depth, expanded = todo.pop()
        if not expanded:
            count += 1
            if count > MAX_NODES:
                raise ExpressionError(f"the expression has more than {MAX_NODES} numbers, names and operations")
            if depth > MAX_DEPTH:
                raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
            children = _children(node, src)
            todo.append((node, depth, True))
            for child in reversed(children):
                flat = (isinstance(node, ast.BinOp) and child is node.left and isinstance(child, ast.BinOp)
                        and _same_level(child.op, node.op))
                todo.append((child, depth if flat else depth + 1, False))
            continue
        pos = src.position(node.col_offset)
        if isinstance(node, ast.Constant):
            value = _number(node, src, pos)
            program.append((_PUSH, value))
            values.append(value)
            trees.append(("num", node.value))
        elif isinstance(node, ast.Name):
            name = node.id
            if name in CONSTANTS:
                program.append((_PUSH, np.float64(CONSTANTS[name])))
                values.append(np.float64(CONSTANTS[name]))
                trees.append(("const", name))
                continue
            problem = _variable_error(name, f" at position {pos}")
            if problem:
                raise ExpressionError(problem)
            used.setdefault(name, pos)
            program.append((_VAR, name))
            values.append(None)
            trees.append(("var", name))
        elif isinstance(node, ast.UnaryOp):
            fn = _UNARY[type(node.op)]
            trees[-1] = ("neg" if isinstance(node.op, ast.USub) else "pos", trees[-1])
            if values[-1] is not None:
                values[-1] = _folded(fn, [values[-1]], node, src)
                program[-1] = (_PUSH, values[-1])
            else:
                program.append((_UN, fn))
        elif isinstance(node, ast.BinOp):
            fn = _BINARY[type(node.op)]
            b, a = values.pop(), values.pop()
            tb, ta = trees.pop(), trees.pop()
            trees.append((type(node.op).__name__, ta, tb))
            if isinstance(node.op, ast.Div) and b is not None and b == 0:
                raise ExpressionError(
                    f"division by zero: the divisor {shorten(src.segment(node.right), 30)!r} at position "
                    f"{src.position(node.right.col_offset)} is the constant 0"
                )
            if a is not None and b is not None:
                v = _folded(fn, [a, b], node, src)
                program[-2:] = [(_PUSH, v)]
                values.append(v)
            else:
                program.append((_BIN, fn))
                values.append(None)
        else:  # ast.Call, checked by _children
            spec = FUNCTIONS[node.func.id]
            k = len(node.args)
            args = values[len(values) - k:]
            del values[len(values) - k:]
            targs = trees[len(trees) - k:]
            del trees[len(trees) - k:]
            trees.append(("call", spec, targs))
            if all(a is not None for a in args):
                v = _folded(spec.impl, args, node, src)
                program[len(program) - k:] = [(_PUSH, v)]
                values.append(v)
            else:
                program.append((_CALL, (spec.impl, k)))
                values.append(None)
    return program, trees[0], used


def _same_level(a, b):
    additive = (ast.Add, ast.Sub)
    multiplicative = (ast.Mult, ast.Div)
    return (isinstance(a, additive) and isinstance(b, additive)) or (
        isinstance(a, multiplicative) and isinstance(b, multiplicative))


def _children(node, src):
    """The operands of an allowed node; refuse every other node with one line."""
    kind = type(node).__name__
    pos = src.position(getattr(node, "col_offset", 0))
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            sym = _SYMBOL.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(
                f"operator '{sym}' at position {src.position(node.left.end_col_offset)} is not supported; "
                f"use + - * / and ** (or ^)"
            )
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            sym = _SYMBOL.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(f"operator '{sym}' at position {pos} is not supported")
        return [node.operand]
    if isinstance(node, (ast.Constant, ast.Name)):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):  # pragma: no cover - eval mode
            raise ExpressionError(f"assignment at position {pos} is not supported")
        return []
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            raise ExpressionError(f"not allowed at position {pos}: {_REFUSED['Attribute']}")
        if not isinstance(func, ast.Name):
            raise ExpressionError(
                f"only the named functions can be called (position {pos}); a product is written with '*', "
                f"as in (x+1)*(x-1)"
            )
        name = func.id
        if node.keywords:
            raise ExpressionError(f"keyword arguments are not supported (in the call of {name!r} at position {pos})")
        spec = FUNCTIONS.get(name)
        if spec is None:
            if name in CONSTANTS:
                raise ExpressionError(f"'{name}' at position {pos} is a constant, not a function; write {name}*(...)")
            close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
            if not close:
                close = [f for f in FUNCTIONS if f.lower() == name.lower()]
            suggestion = f" (did you mean {close[0]}?)" if close else ""
            raise ExpressionError(
                f"unknown function '{shorten(name, 30)}' at position {pos}{suggestion}; the functions are "
                f"{', '.join(sorted({f.name for f in FUNCTIONS.values()}))} (see osculate analyze --help)"
            )
        lo, hi = spec.arity
        k = len(node.args)
        if k < lo or (hi is not None and k > hi):
            want = str(lo) if lo == hi else (f"{lo} or more" if hi is None else f"{lo} or {hi}")
            raise ExpressionError(f"{name}() at position {pos} takes {want} argument(s), got {k}")
        return list(node.args)
    why = _REFUSED.get(kind, f"{kind} is not part of the expression grammar")
    raise ExpressionError(f"not allowed at position {pos}: {why}")


def _number(node, src, pos):
    v = node.value
    text = shorten(src.segment(node), 30)
    if isinstance(v, bool) or v is None or v is Ellipsis:
        raise ExpressionError(f"'{text}' at position {pos} is not a number")
    if isinstance(v, complex):
        raise ExpressionError(f"complex expressions are not supported ('{text}' at position {pos})")
    if isinstance(v, (str, bytes)):
        raise ExpressionError(f"strings are not part of an expression (position {pos})")
    if not isinstance(v, (int, float)):  # pragma: no cover - no other literal in eval mode
        raise ExpressionError(f"'{text}' at position {pos} is not a number")
    try:
        f = np.float64(float(v))
    except OverflowError:
        f = np.float64(np.inf)
    if not np.isfinite(f):
        raise ExpressionError(f"the number '{text}' at position {pos} is too large for float64")
    return f


def _folded(fn, args, node, src):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = np.float64(fn(*args))
    if not np.isfinite(v):
        what = "overflows float64" if np.isinf(v) else "is not a real number"
        raise ExpressionError(
            f"the constant {shorten(src.segment(node), 40)!r} at position {src.position(node.col_offset)} "
            f"{what} (it evaluates to {float(v)})"
        )
    return v


def _make_function(program):
    n_vars = max((arg for op, arg in program if op == _VAR), default=-1) + 1
    constant = n_vars == 0 and len(program) == 1

    def fn(z):
        if constant:  # a constant still gives a result that depends on z (for the transforms)
            return program[0][1] + 0.0 * z[0]
        vals = [z[i] for i in range(n_vars)]
        stack = []
        for op, arg in program:
            if op == _PUSH:
                stack.append(arg)
            elif op == _VAR:
                stack.append(vals[arg])
            elif op == _BIN:
                b = stack.pop()
                stack[-1] = arg(stack[-1], b)
            elif op == _UN:
                stack[-1] = arg(stack[-1])
            else:
                impl, k = arg
                args = stack[len(stack) - k:]
                del stack[len(stack) - k:]
                stack.append(impl(*args))
        return stack[0]

    return fn


def _tree_to_sympy(root, sp, symbols):
    ops = {
        "Add": lambda a, b: sp.Add(a, b, evaluate=False),
        "Sub": lambda a, b: sp.Add(a, sp.Mul(-1, b, evaluate=False), evaluate=False),
        "Mult": lambda a, b: sp.Mul(a, b, evaluate=False),
        "Div": lambda a, b: sp.Mul(a, sp.Pow(b, -1, evaluate=False), evaluate=False),
        "Pow": lambda a, b: sp.Pow(a, b, evaluate=False),
    }
    # iterative post-order, as in _compile
    out = []
    todo = [(root, False)]
    while todo:
        t, expanded = todo.pop()
        tag = t[0]
        if not expanded:
            kids = list(t[2]) if tag == "call" else [c for c in t[1:] if isinstance(c, tuple)] \
                if tag in ops or tag in ("neg", "pos") else []
            todo.append((t, True))
            todo.extend((c, False) for c in reversed(kids))
            continue
        if tag == "num":
            out.append(sp.Integer(t[1]) if isinstance(t[1], int) else sp.Float(t[1]))
        elif tag == "const":
            out.append({"pi": sp.pi, "E": sp.E}[t[1]])
        elif tag == "var":
            out.append(symbols[t[1]])
        elif tag == "neg":
            out[-1] = sp.Mul(-1, out[-1], evaluate=False)
        elif tag == "pos":
            pass
        elif tag in ops:
            b = out.pop()
            out[-1] = ops[tag](out[-1], b)
        else:
            k = len(t[2])
            args = out[len(out) - k:]
            del out[len(out) - k:]
            out.append(t[1].sympy(sp, *args))
    return out[0]
