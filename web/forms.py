"""Posted forms as pydantic models, with Dutch errors per field instead of an error page."""

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from core.errors import KoppelError, validation_fields

M = TypeVar("M", bound=BaseModel)
CSRF = "csrftoken"


@dataclass
class Form(Generic[M]):
    """A parsed form: the model when valid, what was typed (to fill the form again), and a
    Dutch reason per field that was not accepted."""

    data: M | None
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the model was built and no service refused a field since."""
        return self.data is not None and not self.errors

    def refuse(self, exc: KoppelError) -> None:
        """Show a service's refusal next to its fields (or above the form)."""
        self.errors |= exc.fields or {"": exc.detail}

    def summary(self) -> list[str]:
        """'Label: reason' lines for the message above the form."""
        return [f"{self.labels.get(name, 'Invoer')}: {reason}" if name else reason
                for name, reason in self.errors.items()]


def _list_fields(model: type[BaseModel]) -> set[str]:
    out = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        if typing.get_origin(annotation) is list:
            out.add(name)
    return out


def form_of(model: type[M], *, labels: Mapping[str, str] | None = None,
            prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Any:
    """`form: form_of(ResidentNeed, labels=…)`: the posted form parsed into model.

    Empty fields count as not given (so defaults apply); list fields take every value posted
    under their name; `prepare` may reshape the raw values first (e.g. '2,5' → 2.5).
    """
    lists = _list_fields(model)
    field_labels = dict(labels or {})

    async def parse(request: Request) -> Form[M]:
        posted = await request.form()
        values: dict[str, Any] = {}
        for key in posted:
            if key != CSRF:
                values[key] = posted.getlist(key) if key in lists else posted.get(key)
        data = {k: v for k, v in values.items() if v not in ("", [])}
        if prepare:
            data = prepare(data)
        try:
            # Form values are text: read them leniently ("2" is 2), unlike JSON bodies.
            return Form(model.model_validate(data, strict=False), values, {}, field_labels)
        except ValidationError as exc:
            return Form(None, values, validation_fields(exc.errors()), field_labels)

    parse.koppel_form_model = model  # read by the test that every text field is checked
    return Annotated[Form[model], Depends(parse)]


def decimal_comma(*names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A `prepare` step that reads Dutch decimals ('2,5') in the named fields."""

    def prepare(data: dict[str, Any]) -> dict[str, Any]:
        return {k: (v.replace(",", ".") if k in names and isinstance(v, str) else v)
                for k, v in data.items()}

    return prepare
