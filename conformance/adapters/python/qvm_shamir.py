"""Shamir secret sharing over F_p (spec/shamir.md).

A share is a pair (x, y): x an int in 1..=255, y a field element. A sharing of threshold k is a
polynomial of degree k - 1; any k shares determine it.
"""

from canon_common import CanonError
import qvm_field as F

MAX_X = 255


def check_threshold(k, n):
    """1 <= k <= n <= 255, else SHAMIR_THRESHOLD_INVALID."""
    if not (type(k) is int and type(n) is int and 1 <= k <= n <= MAX_X):
        raise CanonError("SHAMIR_THRESHOLD_INVALID", f"k={k!r} n={n!r}")


def share(secret, k, n, drbg):
    """Coefficients a_1..a_{k-1} drawn in that order (FIELD-020); f(x) = secret + sum a_j x^j;
    the shares for x = 1..=n in order."""
    check_threshold(k, n)
    coeffs = [secret] + [F.random(drbg) for _ in range(k - 1)]
    return [(x, evaluate(coeffs, x)) for x in range(1, n + 1)]


def evaluate(coeffs, x):
    """Horner: coeffs[0] + coeffs[1] x + ... in F_p."""
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % F.P
    return acc


def lagrange_at(xs, at):
    """The Lagrange basis values l_i(at) for the distinct points xs."""
    out = []
    for i, xi in enumerate(xs):
        num = den = 1
        for j, xj in enumerate(xs):
            if j != i:
                num = num * (at - xj) % F.P
                den = den * (xi - xj) % F.P
        out.append(num * F.inv(den) % F.P)
    return out


def lagrange_at_zero(xs):
    return lagrange_at(xs, 0)


def interpolate(points, at):
    xs = [x for x, _ in points]
    return sum(l * y for l, (_, y) in zip(lagrange_at(xs, at), points)) % F.P


def reconstructor(k, xs):
    """The checks of reconstruct that depend only on k and the x's, in the contract's order (each
    over the whole list): k in 1..=255 (SHAMIR_THRESHOLD_INVALID); every x in 1..=255
    (SHAMIR_X_INVALID); no x twice (SHAMIR_DUPLICATE_X); at least k of them
    (SHAMIR_TOO_FEW_SHARES). Returns a function of the y's (same order) that gives f(0) for the
    polynomial through the first k shares and checks that every further share lies on it
    (SHAMIR_INCONSISTENT). The Lagrange weights are computed once, so that one set of custodians
    can open many values cheaply."""
    if not (type(k) is int and 1 <= k <= MAX_X):
        raise CanonError("SHAMIR_THRESHOLD_INVALID", f"k={k!r}")
    for x in xs:
        if not (type(x) is int and 1 <= x <= MAX_X):
            raise CanonError("SHAMIR_X_INVALID", f"x={x!r}")
    if len(set(xs)) != len(xs):
        raise CanonError("SHAMIR_DUPLICATE_X")
    if len(xs) < k:
        raise CanonError("SHAMIR_TOO_FEW_SHARES", f"{len(xs)} < {k}")
    base = list(xs[:k])
    at_zero = lagrange_at(base, 0)
    extra = [(x, lagrange_at(base, x)) for x in xs[k:]]

    def secret(ys):
        head = ys[:k]
        for (x, weights), y in zip(extra, ys[k:]):
            if sum(w * v for w, v in zip(weights, head)) % F.P != y:
                raise CanonError("SHAMIR_INCONSISTENT", f"share x={x} is off the polynomial")
        return sum(w * v for w, v in zip(at_zero, head)) % F.P
    return secret


def reconstruct(k, shares):
    """`shares`: a list of (x, y), x any int, y a field element. See `reconstructor`."""
    return reconstructor(k, [x for x, _ in shares])([y for _, y in shares])


def consistent(k, shares):
    try:
        reconstruct(k, shares)
        return True
    except CanonError:
        return False
