"""The OpenAPI 3.0 document, built from the app's routes and the pydantic schemas.

Handlers describe themselves with ``@operation(...)``; a route without that decorator
still appears (with a bare description), so the document never misses a route.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel
from pydantic.schema import schema as pydantic_schema

from backend import schemas

F = TypeVar("F", bound=Callable[..., Any])
_ATTRIBUTE = "__openapi_operation__"
_REF = "#/components/schemas/"
_PATH_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")


@dataclass(frozen=True)
class Header:
    """A request header the operation reads."""

    name: str
    description: str
    required: bool = True


@dataclass(frozen=True)
class Operation:
    """What the document says about one handler."""

    summary: str
    responses: Mapping[int, type[BaseModel] | str]
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    headers: tuple[Header, ...] = field(default_factory=tuple)


def operation(summary: str, tag: str, responses: Mapping[int, type[BaseModel] | str], *,
              body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              headers: tuple[Header, ...] = ()) -> Callable[[F], F]:
    """Describe a handler for the OpenAPI document.

    ``responses`` maps a status to its body schema, or to a description (an error
    status described by text gets the common ErrorOut schema).
    """
    described = Operation(summary, responses, tag, body, query, headers)

    def decorate(handler: F) -> F:
        setattr(handler, _ATTRIBUTE, described)
        return handler

    return decorate


def _models(app: web.Application) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = {schemas.ErrorOut}
    for route in app.router.routes():
        described: Operation | None = getattr(route.handler, _ATTRIBUTE, None)
        if described is None:
            continue
        found.update(model for model in described.responses.values() if not isinstance(model, str))
        if described.body:
            found.add(described.body)
    return found


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    spec = model.schema(ref_template=_REF + "{model}")
    required = set(spec.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in spec["properties"].items()]


def _responses(described: Operation) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for status, model in sorted(described.responses.items()):
        if isinstance(model, str) and status < 400:
            answers[str(status)] = {"description": model}
        elif isinstance(model, str):
            answers[str(status)] = {"description": model, "content": {
                "application/json": {"schema": {"$ref": _REF + "ErrorOut"}}}}
        else:
            answers[str(status)] = {"description": model.__doc__ or model.__name__, "content": {
                "application/json": {"schema": {"$ref": _REF + model.__name__}}}}
    return answers


def _operation(path: str, handler: Callable[..., Any]) -> dict[str, Any]:
    described: Operation | None = getattr(handler, _ATTRIBUTE, None)
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAMETER.findall(path)
    ]
    if described is None:
        return {"summary": handler.__name__, "parameters": parameters, "responses": {"200": {"description": "OK"}}}
    if described.query:
        parameters += _query_parameters(described.query)
    parameters += [{"name": header.name, "in": "header", "required": header.required,
                    "description": header.description, "schema": {"type": "string"}} for header in described.headers]
    spec: dict[str, Any] = {"summary": described.summary, "tags": [described.tag], "parameters": parameters,
                            "responses": _responses(described)}
    if described.body:
        spec["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": _REF + described.body.__name__}}}}
    return spec


def build_document(app: web.Application) -> dict[str, Any]:
    """The OpenAPI 3.0 document of every route of ``app`` (HEAD twins left out)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in app.router.routes():
        if route.method in {"HEAD", "*"}:
            continue
        path = _PATH_PARAMETER.sub(r"{\1}", route.resource.canonical if route.resource else "")
        paths.setdefault(path, {})[route.method.lower()] = _operation(path, route.handler)
    components = pydantic_schema(sorted(_models(app), key=lambda model: model.__name__), ref_prefix=_REF)["definitions"]
    return {
        "openapi": "3.0.3",
        "info": {"title": "MPP Digital back office", "version": "1.0.0",
                 "description": "Stand-in for Dukcapil SIAK, SATUSEHAT SDMK and the MPP queue system. "
                                "Every response of demo data carries \"demo\": true."},
        "paths": paths,
        "components": {"schemas": components},
    }
