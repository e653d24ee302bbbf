"""Parameter checks shared by the estimators (``TopicModel``, ``DuplicateFinder``).

scikit-learn's shape: parameters are stored by ``__init__`` and checked when ``fit`` runs, and
an error names the estimator, the parameter, what is allowed and what came, so every estimator
says it the same way and tests can assert the text.
"""

from __future__ import annotations

from numbers import Integral


def param_error(estimator: str, name: str, allowed: str, got: object, cause: str = "") -> ValueError:
    """"The 'name' parameter of Estimator must be <allowed>. Got <got> instead. <cause>"."""
    msg = f"The {name!r} parameter of {estimator} must be {allowed}. Got {got!r} instead."
    return ValueError(f"{msg} {cause}".strip())


def not_fitted_error(estimator: str) -> ValueError:
    """The error of a method that needs ``fit`` first."""
    return ValueError(f"This {estimator} is not fitted yet; call fit(texts) first.")


def is_int(value: object) -> bool:
    """An integer of any kind (numpy's too), but not a bool."""
    return isinstance(value, Integral) and not isinstance(value, bool)
