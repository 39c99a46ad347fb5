"""Field masks: which fields an update may change, checked against the paths a use case allows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from domain.errors import InvalidArgument

UPDATE_MASK_FIELD = "update_mask"


def masked_fields(update_mask: Iterable[str], allowed: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """The model fields named by ``update_mask``; ``allowed`` maps each accepted path to its fields.

    An empty mask or a path outside ``allowed`` is an ``InvalidArgument`` naming ``update_mask``,
    so a typo never turns into a silent no-op.
    """
    paths = [path.strip() for path in update_mask]
    if not paths:
        raise InvalidArgument(UPDATE_MASK_FIELD, f"must name at least one of: {_listing(allowed)}")
    unknown = sorted({path for path in paths if path not in allowed})
    if unknown:
        raise InvalidArgument(
            UPDATE_MASK_FIELD, f"unknown path(s) {', '.join(unknown)}; allowed: {_listing(allowed)}"
        )
    return frozenset(name for path in paths for name in allowed[path])


def _listing(allowed: Mapping[str, tuple[str, ...]]) -> str:
    return ", ".join(sorted(allowed))
