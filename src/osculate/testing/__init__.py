"""Tools for checking derivatives: :func:`check_grads` compares every mode
and nesting against finite differences."""

from .gradcheck import check_grads

__all__ = ["check_grads"]
