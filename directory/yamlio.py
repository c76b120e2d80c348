"""YAML in and out: line numbers for error messages, one canonical way of writing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _map(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "en nyckel kan inte vara en lista eller mappning", key_node.start_mark
            ) from None
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"nyckeln '{key}' finns två gånger", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


def _seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _seq)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input: where it is and why, in Swedish."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class YamlError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file; a syntax error becomes a Problem with its line."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise YamlError(Problem(name, line, "filen är inte UTF-8")) from None
    except OSError as e:
        raise YamlError(Problem(name, 0, f"kan inte läsas: {e.strerror}")) from None
    if "\x00" in text:
        raise YamlError(Problem(name, 1, "filen innehåller binära data"))
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - our SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        reason = e.problem or str(e)
        raise YamlError(Problem(name, line, f"YAML-fel: {reason}")) from None
    except (yaml.YAMLError, ValueError, RecursionError) as e:
        raise YamlError(Problem(name, 0, f"YAML-fel: {e}")) from None


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
# A vocabulary value (directory/vocabulary.py) is written as its plain string.
_Dumper.add_multi_representer(StrEnum, lambda dumper, value: _str(dumper, value.value))
_Dumper.add_representer(LineDict, _Dumper.represent_dict)
_Dumper.add_representer(LineList, _Dumper.represent_list)


def dump(data: Any, header: str = "") -> str:
    """The one way files are written, so export -> import -> export is byte-identical."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=92, indent=2)
    return header + body
