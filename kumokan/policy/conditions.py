"""Declarative applicability conditions over facts: how to apply them, never which ones a city has."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from kumokan.policy.errors import message
from kumokan.policy.tracks import TrackCode

Scalar = str | bool


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AllOf(_Op):
    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(_Op):
    any: tuple[Condition, ...] = Field(min_length=1)


class NotOf(_Op):
    not_: Condition = Field(alias="not")


class TrackIs(_Op):
    track: TrackCode


class FactIsTrue(_Op):
    """A boolean fact is true: `{fact: direct_internet_login}`."""

    fact: str


class Equals(_Op):
    eq: dict[str, Scalar] = Field(min_length=1, max_length=1)


class NotEquals(_Op):
    ne: dict[str, Scalar] = Field(min_length=1, max_length=1)


class OneOf(_Op):
    in_: dict[str, tuple[str, ...]] = Field(alias="in", min_length=1, max_length=1)


class AtLeast(_Op):
    """A classification fact is at or above a level, in the order the pack declares."""

    at_least: dict[str, str] = Field(min_length=1, max_length=1)


class AtMost(_Op):
    at_most: dict[str, str] = Field(min_length=1, max_length=1)


class HasAny(_Op):
    """A set fact (certifications, functions) contains at least one of the values."""

    has_any: dict[str, tuple[str, ...]] = Field(min_length=1, max_length=1)


_TAGS = {
    "all": "all",
    "any": "any",
    "not": "not",
    "track": "track",
    "fact": "fact",
    "eq": "eq",
    "ne": "ne",
    "in": "in",
    "at_least": "at_least",
    "at_most": "at_most",
    "has_any": "has_any",
}


def _operator(value: Any) -> str | None:
    if isinstance(value, Mapping) and len(value) == 1:
        return _TAGS.get(str(next(iter(value))))
    if isinstance(value, BaseModel):
        return _TAGS.get(next(iter(type(value).model_fields)).rstrip("_"))
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[TrackIs, Tag("track")]
    | Annotated[FactIsTrue, Tag("fact")]
    | Annotated[Equals, Tag("eq")]
    | Annotated[NotEquals, Tag("ne")]
    | Annotated[OneOf, Tag("in")]
    | Annotated[AtLeast, Tag("at_least")]
    | Annotated[AtMost, Tag("at_most")]
    | Annotated[HasAny, Tag("has_any")],
    Discriminator(
        _operator,
        custom_error_type="condition",
        custom_error_message=" / ".join(message("not_a_condition")),
    ),
]

for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


class Context:
    """What a condition is evaluated against: the facts, the track and the classification orders."""

    __slots__ = ("facts", "orders", "track")

    def __init__(
        self, facts: Mapping[str, Any], track: str | None, orders: Mapping[str, Sequence[str]]
    ) -> None:
        self.facts = facts
        self.track = track
        self.orders = orders


def _rank(ctx: Context, name: str, code: str) -> int:
    return list(ctx.orders[name]).index(code)


def term(leaf: _Op) -> tuple[str, str, tuple[Any, ...]]:
    """A test of one fact as (operator, fact name, values): the one reading of the leaves' shapes."""
    if isinstance(leaf, FactIsTrue):
        return ("fact", leaf.fact, ())
    field = next(iter(type(leaf).model_fields))
    ((name, value),) = getattr(leaf, field).items()
    return (field.rstrip("_"), name, value if isinstance(value, tuple) else (value,))


# How each test of one fact holds, by operator.
_TESTS: dict[str, Callable[[Context, str, tuple[Any, ...]], bool]] = {
    "fact": lambda ctx, name, values: ctx.facts[name] is True,
    "eq": lambda ctx, name, values: bool(ctx.facts[name] == values[0]),
    "ne": lambda ctx, name, values: bool(ctx.facts[name] != values[0]),
    "in": lambda ctx, name, values: ctx.facts[name] in values,
    "at_least": lambda ctx, name, values: _rank(ctx, name, ctx.facts[name]) >= _rank(ctx, name, values[0]),
    "at_most": lambda ctx, name, values: _rank(ctx, name, ctx.facts[name]) <= _rank(ctx, name, values[0]),
    "has_any": lambda ctx, name, values: not set(ctx.facts[name]).isdisjoint(values),
}


# A test of the facts or of the track, and a combinator of conditions: what a condition is made of.
Test = TrackIs | FactIsTrue | Equals | NotEquals | OneOf | AtLeast | AtMost | HasAny
Combinator = AllOf | AnyOf | NotOf
_Value = TypeVar("_Value")


def fold(
    condition: Condition,
    test: Callable[[Test], _Value],
    combine: Callable[[Combinator, Iterator[_Value]], _Value],
) -> _Value:
    """The one walk over a condition: `test` gives each test's value, `combine` a combinator's from the
    values of its parts, which it draws one by one (`all` and `any` stop at the first that decides)."""
    match condition:
        case AllOf():
            parts = condition.all
        case AnyOf():
            parts = condition.any
        case NotOf():
            parts = (condition.not_,)
        case _:
            return test(condition)
    return combine(condition, (fold(part, test, combine) for part in parts))


# How a combinator holds from whether its parts hold.
_COMBINED: dict[type[Combinator], Callable[[Iterator[bool]], bool]] = {
    AllOf: all,
    AnyOf: any,
    NotOf: lambda held: not next(held),
}


def holds(condition: Condition | None, ctx: Context) -> bool:
    """Whether the condition holds for these facts (no condition always holds)."""
    if condition is None:
        return True
    return fold(
        condition,
        lambda test: _holds(test, ctx),
        lambda combinator, held: _COMBINED[type(combinator)](held),
    )


def _holds(test: Test, ctx: Context) -> bool:
    if isinstance(test, TrackIs):
        return ctx.track == test.track
    operator, name, values = term(test)
    return _TESTS[operator](ctx, name, values)


def uses(condition: Condition | None) -> list[tuple[str, str, tuple[Any, ...]]]:
    """Each (operator, fact name, values) the condition tests, for validating a pack."""
    if condition is None:
        return []
    return fold(
        condition,
        lambda test: [] if isinstance(test, TrackIs) else [term(test)],
        lambda _combinator, found: [term for part in found for term in part],
    )


def mentions_track(condition: Condition | None) -> bool:
    """Whether the condition tests the track anywhere (a meeting has none)."""
    if condition is None:
        return False
    return fold(
        condition,
        lambda test: isinstance(test, TrackIs),
        lambda _combinator, found: any(found),
    )


def to_data(condition: Condition | None) -> Any:
    """The condition as plain data, the way it is written in a pack."""
    if condition is None:
        return None
    return condition.model_dump(by_alias=True, mode="json")
