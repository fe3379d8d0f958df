"""One-row lookups whose SQL is compiled once per thread instead of on every call.

Django compiles a queryset's SQL each time it is evaluated. For a ``select_related`` lookup
on a hot path (the clinic verify, the QR image) that compilation costs about as much as the
database round trip itself (docs/performance.md has the profile). ``PrecompiledLookup``
compiles the statement once, with a marker in place of the looked-up value, and builds from
each row exactly what the queryset would have built: the model instance with its related
objects cached, through Django's own converters and related populators.

What it may hold: one lookup by one field's exact value (a unique one: the first row wins),
with ``select_related``. Anything else stays an ordinary queryset.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    converters: Any
    compiler: Any
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]


class PrecompiledLookup(Generic[M]):
    """``PrecompiledLookup(HealthCard, "card_number", related=("insuree",), marker="~")``;
    then ``lookup.first(value)`` answers what
    ``HealthCard.objects.select_related("insuree").filter(card_number=value).first()`` would,
    in one statement compiled once per thread and database. ``marker`` is any valid value of
    the field (it only shapes the compiled statement)."""

    def __init__(self, model: type[M], field: str, *, related: tuple[str, ...], marker: Any):
        self.model, self.field, self.related, self.marker = model, field, related, marker
        self._local = threading.local()

    def first(self, value: Any) -> M | None:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        compiled = self._compiled(alias)
        prepared = self._field().get_db_prep_value(value, connection, prepared=False)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [prepared])
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
        instance = self.model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, instance)
        return instance

    def _field(self) -> Field[Any, Any]:
        return cast("Field[Any, Any]", self.model._meta.get_field(self.field))

    def _compiled(self, alias: str) -> _Compiled:
        cache = self._local.__dict__.setdefault("by_alias", {})
        if alias not in cache:
            cache[alias] = self._compile(alias)
        compiled: _Compiled = cache[alias]
        return compiled

    def _compile(self, alias: str) -> _Compiled:
        queryset = (
            self.model._default_manager.using(alias)
            .select_related(*self.related)
            .filter(**{self.field: self.marker})
            .order_by()[:1]
        )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        connection = connections[alias]
        expected = self._field().get_db_prep_value(self.marker, connection, prepared=False)
        if list(params) != [expected]:
            raise ValueError(f"{self.model.__name__}.{self.field}: not a one-value lookup")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            converters=compiler.get_converters([column for column, *_ in select]),
            compiler=compiler,
            init_list=[column.target.attname for column, *_ in select[start:end]],
            start=start,
            end=end,
            # Django 5.2's signature (the stubs describe a later one)
            populators=get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
        )
